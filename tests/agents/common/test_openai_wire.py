"""The LLM path over the real OpenAI wire protocol: ChatOpenAI (built by agents.llm) against a
scripted OpenAI-compatible server on 127.0.0.1. Proves the tool schemas and the structured
answer survive a real client, and that HTTP failures (429) fall back."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from pydantic import SecretStr

from agents.domains import analyse
from agents.llm import LLMConfig
from tests.agents.common.fakes import cost_sweep
from tests.http_stub import send_json


def _completion(message: dict[str, Any], finish: str) -> dict[str, Any]:
    return {"id": "chatcmpl-test", "object": "chat.completion", "created": 0, "model": "gpt-4o-mini",
            "choices": [{"index": 0, "message": message, "finish_reason": finish}],
            "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15}}


def tool_call(name: str, args: dict[str, Any], idx: int) -> tuple[int, dict[str, Any]]:
    msg = {"role": "assistant", "content": None, "tool_calls": [
        {"id": f"call_{idx}", "type": "function", "function": {"name": name, "arguments": json.dumps(args)}}]}
    return 200, _completion(msg, "tool_calls")


class Server:
    """Answers POST /v1/chat/completions with scripted (status, body) pairs; records the requests."""

    def __init__(self, script: list[tuple[int, dict[str, Any]]]) -> None:
        self.script = list(script)
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server hook name
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                outer.requests.append(body)
                outer.headers.append({k.lower(): v for k, v in self.headers.items()})
                status, payload = outer.script.pop(0) if outer.script else (500, {"error": {"message": "script exhausted"}})
                send_json(self, status, payload)

            def log_message(self, *args: Any) -> None:
                return None

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"


@pytest.fixture
def serve() -> Iterator[Any]:
    servers: list[Server] = []

    def start(script: list[tuple[int, dict[str, Any]]]) -> Server:
        server = Server(script)
        server.thread.start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.httpd.shutdown()
        server.httpd.server_close()


def _config(url: str) -> LLMConfig:
    return LLMConfig(provider="openai", base_url=url, api_key=SecretStr("sk-wire-test-key-123456"), timeout_s=10, max_iterations=4)


def test_chat_openai_drives_tools_and_returns_the_structured_answer(serve) -> None:
    sweep = cost_sweep()
    budget = next(f for f in sweep.findings if f.check == "budget_forecast")
    server = serve([
        tool_call("list_findings", {}, 1),
        tool_call("LLMAnalysis", {"headline": "Workspace 1001 will overrun its budget.", "findings": [
            {"finding_id": budget.finding_id, "explanation": "Forecast $9,500 vs $8,000.", "recommendation": "Cut the top jobs."}]}, 2),
    ])
    analysis = analyse("cost", sweep, llm=_config(server.url))
    assert analysis.path == "llm", analysis.fallback_reason
    assert analysis.llm == "llm (openai:gpt-4o-mini)"
    assert analysis.headline == "Workspace 1001 will overrun its budget."
    assert next(f for f in analysis.findings if f.finding_id == budget.finding_id).agent_path == "llm"
    first = server.requests[0]
    tools = {t["function"]["name"] for t in first["tools"]}
    assert {"list_findings", "get_finding", "finding_history", "LLMAnalysis"} <= tools
    assert first["messages"][0]["role"] == "system" and "critical, then high" in first["messages"][0]["content"]
    # The key travels only in the Authorization header, never in what the model reads.
    assert server.headers[0]["authorization"] == "Bearer sk-wire-test-key-123456"
    assert "sk-wire-test-key" not in json.dumps(server.requests)
    # The second request carries the real tool's output back to the model.
    tool_msgs = [m for m in server.requests[1]["messages"] if m["role"] == "tool"]
    assert tool_msgs and budget.finding_id in tool_msgs[0]["content"]


def test_rate_limited_endpoint_falls_back(serve) -> None:
    limited = (429, {"error": {"message": "Rate limit reached", "type": "rate_limit_exceeded"}})
    server = serve([limited, limited, limited])
    analysis = analyse("cost", cost_sweep(), llm=_config(server.url))
    assert (analysis.path, analysis.fallback_reason) == ("deterministic", "rate_limit")
    assert analysis.headline.startswith("3 cost findings")
