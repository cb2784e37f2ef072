"""AirflowClient retries the api-server's transient "Database error" 500 on idempotent calls only (real HTTP on loopback)."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

import include.devstack.airflow_rest as rest
from include.devstack.airflow_rest import AirflowApiError, AirflowClient
from tests.http_stub import send_json


def _serve(clear_answers: list[tuple[int, dict]]):
    calls: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

        def do_GET(self) -> None:
            self.do_POST()

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(length)
            calls.append(f"{self.command} {self.path}")
            status, body = (201, {"access_token": "t"}) if self.path == "/auth/token" else clear_answers.pop(0)
            send_json(self, status, body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, calls


@pytest.fixture(autouse=True)
def _no_backoff(monkeypatch) -> None:
    monkeypatch.setattr(rest, "BUSY_BACKOFF_S", 0.0)


def test_clear_retries_a_database_error_then_succeeds() -> None:
    busy = (500, {"detail": {"reason": "Database error"}})
    server, calls = _serve([busy, busy, (200, {"task_instances": [{"task_id": "a"}]})])
    try:
        client = AirflowClient(f"http://127.0.0.1:{server.server_port}", "u", "p", timeout=5)
        assert client.clear("health_mlops", "r1") == [{"task_id": "a"}]
    finally:
        server.shutdown()
    assert calls.count("POST /api/v2/dags/health_mlops/clearTaskInstances") == 3


def test_clear_does_not_retry_other_errors() -> None:
    server, calls = _serve([(404, {"detail": "DAG run not found"})])
    try:
        client = AirflowClient(f"http://127.0.0.1:{server.server_port}", "u", "p", timeout=5)
        with pytest.raises(AirflowApiError) as err:
            client.clear("health_mlops", "nope")
    finally:
        server.shutdown()
    assert err.value.status == 404
    assert calls.count("POST /api/v2/dags/health_mlops/clearTaskInstances") == 1


def test_get_retries_a_database_error_but_a_trigger_does_not() -> None:
    busy = (500, {"detail": {"reason": "Database error"}})
    server, calls = _serve([busy, (200, {"state": "running"}), busy])
    try:
        client = AirflowClient(f"http://127.0.0.1:{server.server_port}", "u", "p", timeout=5)
        assert client.dag_run("health_mlops", "r1") == {"state": "running"}
        with pytest.raises(AirflowApiError) as err:  # creating a run is not idempotent: never retried
            client.trigger("health_mlops", run_id="r2")
    finally:
        server.shutdown()
    assert err.value.status == 500
    assert calls.count("GET /api/v2/dags/health_mlops/dagRuns/r1") == 2
    assert calls.count("POST /api/v2/dags/health_mlops/dagRuns") == 1


def test_a_busy_database_that_stays_busy_is_reported() -> None:
    busy = (500, {"detail": {"reason": "Database error"}})
    server, calls = _serve([busy] * rest.BUSY_ATTEMPTS)
    try:
        client = AirflowClient(f"http://127.0.0.1:{server.server_port}", "u", "p", timeout=5)
        with pytest.raises(AirflowApiError, match="Database error"):
            client.dag_run("health_mlops", "r1")
    finally:
        server.shutdown()
    assert calls.count("GET /api/v2/dags/health_mlops/dagRuns/r1") == rest.BUSY_ATTEMPTS
