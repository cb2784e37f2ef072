"""Every LLM stage of `ask` through the real ChatOpenAI client (`LLMConfig` → `build_chat_model`).

The "model" is an OpenAI-compatible HTTP server on 127.0.0.1 that answers each request with a
tool call for the tool it was offered (LLMRoute, LLMAnalysis or SynthesisAnswer), so routing,
the domain agents' loops and the synthesis all run over HTTP exactly as they would against
OpenAI or a Databricks serving endpoint. It records what it was asked.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from agents.llm import LLMConfig
from agents.orchestrator import ask
from include.lakehouse.warehouse import LocalWarehouse
from include.ops.store import LocalOpsStore
from include.simulator.generate import generate_workspace

NOW = datetime(2026, 5, 13, tzinfo=UTC)


class _Stub(BaseHTTPRequestHandler):
    synthesis: dict[str, str] = {}
    asked: list[str] = []
    lock = threading.Lock()

    def do_POST(self) -> None:  # noqa: N802 - http.server API
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        offered = [t["function"]["name"] for t in body.get("tools", [])]
        if "LLMRoute" in offered:
            name, args = "LLMRoute", {"domains": ["cost", "reliability"], "ambiguous": False, "reason": "spend and failures"}
        elif "SynthesisAnswer" in offered:
            name, args = "SynthesisAnswer", self.synthesis
        else:
            name, args = "LLMAnalysis", {"headline": "Explained by the stub model.", "findings": []}
        with self.lock:
            self.asked.append(name)
        reply = {"id": "x", "object": "chat.completion", "created": 0, "model": body.get("model", "m"),
                 "choices": [{"index": 0, "finish_reason": "tool_calls", "message": {
                     "role": "assistant", "content": None,
                     "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": name, "arguments": json.dumps(args)}}]}}],
                 "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15}}
        data = json.dumps(reply).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        return


@pytest.fixture
def stub() -> Iterator[tuple[type[_Stub], LLMConfig]]:
    handler = type("Stub", (_Stub,), {"synthesis": {}, "asked": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    config = LLMConfig(provider="openai", base_url=f"http://127.0.0.1:{server.server_port}/v1",
                       api_key=SecretStr("sk-test-not-a-real-key-000000"), model="stub-model", timeout_s=20, max_iterations=3)
    try:
        yield handler, config
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("ask-llm") / "lakehouse"
    generate_workspace(root, days=9, scale="small", seed=21, end=date(2026, 5, 12))
    return root


def test_all_three_stages_run_over_http_and_an_honest_answer_is_used(stub, world: Path, tmp_path: Path) -> None:
    handler, config = stub
    handler.synthesis = {"headline": "Spend and failures, explained by the agents below.",
                         "body": "The cost and reliability agents both answered; their connections are listed."}
    answer = ask("Why did cost spike yesterday, and did jobs fail?", session_id="http", now=NOW,
                 warehouse=LocalWarehouse(world), store=LocalOpsStore(tmp_path / "ops"), llm=config)
    assert answer.route_path == "llm"
    assert {r.domain: r.analysis_path for r in answer.results} == {"cost": "llm", "reliability": "llm"}
    assert all(r.headline == "Explained by the stub model." for r in answer.results)
    assert answer.agent_path == "llm" and answer.synthesis.llm == "llm (openai:stub-model)"
    assert answer.headline == "Spend and failures, explained by the agents below."
    assert handler.asked.count("LLMRoute") == 1 and handler.asked.count("SynthesisAnswer") == 1
    assert handler.asked.count("LLMAnalysis") == 2


def test_an_invented_number_over_http_is_rejected(stub, world: Path, tmp_path: Path) -> None:
    handler, config = stub
    handler.synthesis = {"headline": "Failures cost $812.40 yesterday.", "body": "That is 64% of the spike."}
    answer = ask("Why did cost spike yesterday, and did jobs fail?", session_id="http-bad", now=NOW,
                 warehouse=LocalWarehouse(world), store=LocalOpsStore(tmp_path / "ops"), llm=config)
    assert answer.agent_path == "deterministic"
    assert answer.synthesis.rejected_numbers == ["$812.40", "64%"]
    assert "812.40" not in answer.answer
