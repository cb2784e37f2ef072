"""LLM usage recording through a real LangChain ChatOpenAI against an OpenAI-compatible server on loopback."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from agents.llm import LLMConfig, build_chat_model
from include.metrics.llm_calls import LLMCall
from include.metrics.pricing import PriceTable, price_table
from include.metrics.recorder import LLMUsageRecorder, flush_llm_usage, pending_llm_calls
from include.ops.store import LocalOpsStore

API_KEY = "sk-test-SECRET-0123456789abcdefghij"


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args) -> None:  # keep test output quiet
        pass

    def do_POST(self) -> None:  # noqa: N802 - http.server API
        length = int(self.headers.get("content-length", 0))
        body = json.loads(self.rfile.read(length) or b"{}")
        self.server.requests.append({"auth": self.headers.get("authorization"), "body": body})
        if self.server.fail:
            self.send_response(500)
            self.send_header("content-type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"error": {"message": "upstream exploded", "type": "server_error"}}')
            return
        reply = {
            "id": "chatcmpl-1", "object": "chat.completion", "created": 0, "model": "gpt-4o-mini-2024-07-18",
            "choices": [{"index": 0, "message": {"role": "assistant", "content": "All good."}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 1100, "completion_tokens": 250, "total_tokens": 1350},
        }
        data = json.dumps(reply).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture
def openai_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.requests = []
    server.fail = False
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _config(server) -> LLMConfig:
    return LLMConfig(api_key=API_KEY, base_url=f"http://127.0.0.1:{server.server_port}/v1", model="gpt-4o-mini",
                     timeout_s=10)


def test_every_model_built_records_its_calls_in_the_ops_table(openai_server, lakehouse, monkeypatch, caplog) -> None:
    monkeypatch.setenv("AIRFLOW_CTX_DAG_ID", "health_cost")
    monkeypatch.setenv("AIRFLOW_CTX_TASK_ID", "analyse")
    monkeypatch.setenv("AIRFLOW_CTX_DAG_RUN_ID", "scheduled__2026-01-01")
    model = build_chat_model(_config(openai_server), agent="cost")
    assert model.invoke("How is cost?").content == "All good."
    model.invoke("and triage?", config={"metadata": {"lakepilot_agent": "triage"}})
    # batched per task: nothing written yet; the end of the task (Airflow's before_stopping listener,
    # or atexit) writes both in one MERGE
    assert pending_llm_calls() == 2 and LocalOpsStore(lakehouse).read(LLMCall) == []
    assert flush_llm_usage() == 2 and pending_llm_calls() == 0
    rows = sorted(LocalOpsStore(lakehouse).read(LLMCall), key=lambda r: r.started_at)
    assert [r.agent for r in rows] == ["cost", "triage"]
    call = rows[0]
    assert (call.status, call.provider, call.model) == ("ok", "openai", "gpt-4o-mini-2024-07-18")
    assert (call.prompt_tokens, call.completion_tokens, call.total_tokens) == (1100, 250, 1350)
    assert call.cost_usd == pytest.approx((1100 * 0.15 + 250 * 0.60) / 1_000_000)
    assert call.price_key == "gpt-4o-mini"
    assert 0 < call.latency_s < 10
    assert (call.dag_id, call.task_id, call.dag_run_id) == ("health_cost", "analyse", "scheduled__2026-01-01")
    assert openai_server.requests[0]["auth"] == f"Bearer {API_KEY}"  # the key went to the server ...
    stored = json.dumps([r.model_dump(mode="json") for r in rows])
    assert API_KEY not in stored and API_KEY not in caplog.text  # ... and nowhere else


def test_failed_calls_are_recorded_as_errors(openai_server, lakehouse) -> None:
    openai_server.fail = True
    model = build_chat_model(_config(openai_server), agent="triage")
    with pytest.raises(Exception, match="upstream exploded"):
        model.invoke("hello")
    flush_llm_usage()
    rows = LocalOpsStore(lakehouse).read(LLMCall)
    assert len(rows) == 1
    assert rows[0].status == "error" and rows[0].cost_usd is None and rows[0].agent == "triage"
    assert "500" in rows[0].error and "upstream exploded" in rows[0].error


def test_recording_can_be_turned_off(openai_server, lakehouse) -> None:
    build_chat_model(_config(openai_server), record_usage=False).invoke("hi")
    assert pending_llm_calls() == 0 and flush_llm_usage() == 0
    assert LocalOpsStore(lakehouse).read(LLMCall) == []


def test_a_failing_sink_never_breaks_the_agent(openai_server) -> None:
    def broken(call: LLMCall) -> None:
        raise OSError("disk full")

    recorder = LLMUsageRecorder(agent="cost", sink=broken)
    model = build_chat_model(_config(openai_server), record_usage=False, callbacks=[recorder])
    assert model.invoke("hi").content == "All good."
    assert recorder.sink_failures == 1 and recorder.calls[0].total_tokens == 1350


def test_calls_go_where_they_were_made_and_a_long_task_flushes_as_it_goes(openai_server, tmp_path, monkeypatch) -> None:
    first, second = tmp_path / "home-a", tmp_path / "home-b"
    monkeypatch.setenv("LAKEPILOT_HOME", str(first))
    build_chat_model(_config(openai_server), agent="cost").invoke("one")
    monkeypatch.setenv("LAKEPILOT_HOME", str(second))  # another configuration before the flush
    model = build_chat_model(_config(openai_server), agent="cost")
    model.invoke("two")
    assert flush_llm_usage() == 2
    assert len(LocalOpsStore(first / "lakehouse").read(LLMCall)) == 1
    assert len(LocalOpsStore(second / "lakehouse").read(LLMCall)) == 1

    monkeypatch.setattr("include.metrics.recorder.BATCH_SIZE", 3)
    for i in range(4):
        model.invoke(f"call {i}")
    assert pending_llm_calls() == 1  # the first three were written when the batch filled
    assert len(LocalOpsStore(second / "lakehouse").read(LLMCall)) == 4


def test_retried_callbacks_update_one_row(lakehouse) -> None:
    store = LocalOpsStore(lakehouse)
    call = LLMCall(call_id="same", agent="cost", model="gpt-4o", prompt_tokens=1)
    store.upsert([call])
    store.upsert([call.model_copy(update={"prompt_tokens": 2})])
    rows = store.read(LLMCall)
    assert len(rows) == 1 and rows[0].prompt_tokens == 2


@pytest.mark.parametrize(
    ("model", "key", "usd"),
    [
        ("gpt-4o-mini-2024-07-18", "gpt-4o-mini", (1000 * 0.15 + 1000 * 0.60) / 1e6),
        ("gpt-4o-2024-08-06", "gpt-4o", (1000 * 2.5 + 1000 * 10.0) / 1e6),
        ("GPT-4.1-mini", "gpt-4.1-mini", (1000 * 0.4 + 1000 * 1.6) / 1e6),
        ("my-private-finetune", None, None),
    ],
)
def test_price_table_longest_prefix(model: str, key: str | None, usd: float | None) -> None:
    estimate, matched = price_table().estimate(model, 1000, 1000)
    assert matched == key
    assert estimate == (pytest.approx(usd) if usd is not None else None)


def test_price_table_can_be_replaced(tmp_path, monkeypatch) -> None:
    from include.metrics import pricing

    path = tmp_path / "prices.yaml"
    path.write_text("as_of: '2026-01'\nmodels:\n  - {match: my-private, input: 1.0, output: 2.0}\n")
    monkeypatch.setenv("LAKEPILOT_LLM_PRICES", str(path))
    assert pricing.price_table().estimate("my-private-finetune", 1_000_000, 0) == (1.0, "my-private")
    bad = tmp_path / "bad.yaml"
    bad.write_text("models: [{match: x, input: -1, output: 0}]\n")
    monkeypatch.setenv("LAKEPILOT_LLM_PRICES", str(bad))
    with pytest.raises(Exception, match="as_of|input"):
        pricing.price_table()
    assert isinstance(PriceTable.model_validate({"as_of": "x", "models": []}), PriceTable)
