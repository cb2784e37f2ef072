"""`lakepilot triage`: JSONL in/out, and --run-id through the real DatabricksHook.

Here --run-id runs against a small loopback HTTP stub answering `runs/get`, `runs/get-output` and
`jobs/get` in the Databricks shape, so the requests and auth header can be inspected; the hook,
its URL building and JSON handling are the real provider code. The round trip against the Jobs
API emulator is in tests/agents/remediation/test_emulator_roundtrip.py.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from typer.testing import CliRunner

from cli.main import app
from include.ops.models import RemediationDecision
from include.ops.store import LocalOpsStore
from tests.http_stub import send_json

TOKEN = "dapi" + "5" * 32
RUN = {
    "job_id": 881,
    "run_id": 9001,
    "run_name": "nightly_sales",
    "creator_user_name": "ana@example.com",
    "state": {"life_cycle_state": "TERMINATED", "result_state": "FAILED", "state_message": "Workload failed"},
    "status": {"termination_details": {"code": "RUN_EXECUTION_ERROR", "type": "CLIENT_ERROR"}},
    "job_clusters": [
        {"job_cluster_key": "main", "new_cluster": {"node_type_id": "i3.xlarge", "num_workers": 4}}
    ],
    "tasks": [
        {
            "task_key": "ingest",
            "run_id": 12,
            "attempt_number": 0,
            "job_cluster_key": "main",
            "state": {"result_state": "FAILED", "state_message": "Workload failed"},
        }
    ],
}
HISTORY = [{"type": "ORIGINAL", "id": 700}, {"type": "REPAIR", "id": 701}]
OUTPUT = {"error": "java.lang.OutOfMemoryError: Java heap space", "error_trace": "at Foo(Foo.scala:1)"}


class _JobsApiStub(BaseHTTPRequestHandler):
    seen: list[tuple[str, dict, str | None]] = []

    def do_GET(self) -> None:  # noqa: N802 - http.server API
        url = urlparse(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        self.seen.append((url.path, query, self.headers.get("Authorization")))
        status, body = 404, {"error_code": "ENDPOINT_NOT_FOUND", "message": url.path}
        if url.path == "/api/2.2/jobs/runs/get":
            if query.get("run_id") != "9001":
                status, body = (
                    400,
                    {
                        "error_code": "INVALID_PARAMETER_VALUE",
                        "message": f"Run {query.get('run_id')} does not exist",
                    },
                )
            else:
                status, body = (
                    200,
                    {
                        **RUN,
                        **({"repair_history": HISTORY} if query.get("include_history") == "true" else {}),
                    },
                )
        elif url.path == "/api/2.2/jobs/get" and query.get("job_id") == "881":
            status, body = 200, {"job_id": 881, "creator_user_name": "owner@example.com", "settings": {"name": "nightly_sales"}}
        elif url.path == "/api/2.2/jobs/runs/get-output" and query.get("run_id") == "12":
            status, body = 200, {**OUTPUT, "metadata": {"run_id": 12}}
        send_json(self, status, body)

    def log_message(self, *_args) -> None:
        return


@pytest.fixture
def jobs_api(monkeypatch: pytest.MonkeyPatch) -> Iterator[type[_JobsApiStub]]:
    _JobsApiStub.seen = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _JobsApiStub)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv(
        "AIRFLOW_CONN_DATABRICKS_DEFAULT",
        json.dumps(
            {
                "conn_type": "databricks",
                "host": "127.0.0.1",
                "port": server.server_port,
                "schema": "http",
                "password": TOKEN,
            }
        ),
    )
    yield _JobsApiStub
    server.shutdown()
    server.server_close()


def _lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


def test_jsonl_file_in_json_lines_out_and_bad_lines_named(tmp_path: Path) -> None:
    path = tmp_path / "errors.jsonl"
    path.write_text(
        '{"id": "a", "error": "java.net.SocketException: Connection reset"}\n'
        "not json\n"
        '{"id": "b", "error": "[TABLE_OR_VIEW_NOT_FOUND] The table `x` cannot be found"}\n'
        '{"id": "c"}\n'
    )
    result = CliRunner().invoke(app, ["triage", "--jsonl", str(path), "--no-llm"])
    assert result.exit_code == 1, "bad lines make the command fail, after the good ones are printed"
    out = _lines(result.stdout)
    assert [(o["id"], o["category"], o["action"]) for o in out] == [
        ("a", "network", "RETRY"),
        ("b", "data_not_found", "SEND_EMAIL"),
    ]
    assert set(out[0]) == {"id", "category", "action", "confidence", "reason", "decided_by"}
    assert "line 2: not JSON" in result.stderr and "line 4: expected an object" in result.stderr
    assert "deterministic (no LLM configured)" in result.stderr


def test_jsonl_from_stdin() -> None:
    result = CliRunner().invoke(
        app, ["triage", "--jsonl", "-"], input='{"id": "s", "error": "PERMISSION_DENIED: no"}\n'
    )
    assert result.exit_code == 0, result.stderr
    assert _lines(result.stdout)[0]["category"] == "permission"


def test_exactly_one_source_is_required() -> None:
    result = CliRunner().invoke(app, ["triage"])
    assert result.exit_code == 2 and "exactly one of --jsonl" in result.stderr


def test_run_id_fetches_through_the_hook_and_records(jobs_api, lakepilot_home: Path) -> None:
    result = CliRunner().invoke(app, ["triage", "--run-id", "9001", "--record", "--no-llm"])
    assert result.exit_code == 0, result.stderr
    (decision,) = _lines(result.stdout)
    assert (decision["id"], decision["job_id"], decision["attempt"]) == ("9001", "881", 1)
    assert decision["category"] == "resource" and decision["action"] == "RETRY_WITH_NEW_PARAMS"
    assert (
        decision["params_change"] == {"node_type_id": "i3.2xlarge"} and decision["owner"] == "owner@example.com"
    )
    paths = [p for p, _, _ in jobs_api.seen]
    assert paths.count("/api/2.2/jobs/runs/get") == 1 and "/api/2.2/jobs/runs/get-output" in paths
    assert "/api/2.2/jobs/get" in paths, "the owner comes from the job, not from whoever triggered the run"
    assert {auth for _, _, auth in jobs_api.seen} == {f"Bearer {TOKEN}"}
    assert TOKEN not in result.stdout + result.stderr
    rows = LocalOpsStore().read(RemediationDecision)
    assert [(r.run_id, r.attempt, r.action) for r in rows] == [("9001", 1, "RETRY_WITH_NEW_PARAMS")]


def test_unknown_run_is_a_clear_error(jobs_api) -> None:
    result = CliRunner().invoke(app, ["triage", "--run-id", "1234", "--no-llm"])
    assert result.exit_code == 2
    assert "Run 1234 does not exist" in result.stderr and TOKEN not in result.stderr
