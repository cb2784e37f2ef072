"""AirflowClient's one retry policy: transient answers retried, writes only when they provably did not land (real HTTP on loopback)."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

import include.airflow_api as rest
from include.airflow_api import AirflowApiError, AirflowClient
from tests.http_stub import send_json


def _serve(clear_answers: list[tuple[int, dict]]):
    calls: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

        def do_GET(self) -> None:
            self.do_POST()

        def do_PATCH(self) -> None:
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
    monkeypatch.setattr(rest, "TRANSIENT_BACKOFF_S", 0.0)


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


def test_get_retries_a_database_error_but_a_trigger_without_run_id_does_not() -> None:
    busy = (500, {"detail": {"reason": "Database error"}})
    server, calls = _serve([busy, (200, {"state": "running"}), busy])
    try:
        client = AirflowClient(f"http://127.0.0.1:{server.server_port}", "u", "p", timeout=5)
        assert client.dag_run("health_mlops", "r1") == {"state": "running"}
        with pytest.raises(AirflowApiError) as err:  # Airflow names the run: no way to check, never retried
            client.trigger("health_mlops")
    finally:
        server.shutdown()
    assert err.value.status == 500
    assert calls.count("GET /api/v2/dags/health_mlops/dagRuns/r1") == 2
    assert calls.count("POST /api/v2/dags/health_mlops/dagRuns") == 1


def test_a_busy_trigger_with_a_run_id_returns_the_run_it_created_without_a_second_post() -> None:
    busy = (500, {"detail": {"reason": "Database error"}})
    created = {"dag_run_id": "r2", "state": "queued"}
    server, calls = _serve([busy, (200, created)])  # the run was created before the busy answer
    try:
        client = AirflowClient(f"http://127.0.0.1:{server.server_port}", "u", "p", timeout=5)
        assert client.trigger("health_mlops", run_id="r2") == created
    finally:
        server.shutdown()
    assert calls == ["POST /auth/token", "POST /api/v2/dags/health_mlops/dagRuns",
                     "GET /api/v2/dags/health_mlops/dagRuns/r2"]


def test_a_busy_trigger_with_a_run_id_that_created_nothing_is_sent_again() -> None:
    busy = (500, {"detail": {"reason": "Database error"}})
    created = {"dag_run_id": "r3", "state": "queued"}
    server, calls = _serve([busy, (404, {"detail": "DagRun not found"}), (200, created)])
    try:
        client = AirflowClient(f"http://127.0.0.1:{server.server_port}", "u", "p", timeout=5)
        assert client.trigger("health_mlops", run_id="r3") == created
    finally:
        server.shutdown()
    assert calls.count("POST /api/v2/dags/health_mlops/dagRuns") == 2


def test_a_busy_database_that_stays_busy_is_reported() -> None:
    busy = (500, {"detail": {"reason": "Database error"}})
    server, calls = _serve([busy] * rest.TRANSIENT_ATTEMPTS)
    try:
        client = AirflowClient(f"http://127.0.0.1:{server.server_port}", "u", "p", timeout=5)
        with pytest.raises(AirflowApiError, match="Database error"):
            client.dag_run("health_mlops", "r1")
    finally:
        server.shutdown()
    assert calls.count("GET /api/v2/dags/health_mlops/dagRuns/r1") == rest.TRANSIENT_ATTEMPTS


def test_unpause_is_idempotent_and_retries_a_database_error() -> None:
    busy = (500, {"detail": {"reason": "Database error"}})
    server, calls = _serve([busy, (200, {"dag_id": "daily_health_report", "is_paused": False})])
    try:
        client = AirflowClient(f"http://127.0.0.1:{server.server_port}", "u", "p", timeout=5)
        client.unpause("daily_health_report")
    finally:
        server.shutdown()
    assert calls.count("PATCH /api/v2/dags/daily_health_report") == 2


HITL = "/api/v2/dags/provision_infrastructure/dagRuns/r1/taskInstances/firewall_ports.approve/-1/hitlDetails"


def test_an_answer_lost_to_a_transient_error_is_sent_again_and_the_final_status_is_what_the_caller_sees() -> None:
    # A 502 from a proxy, then the details say no answer was received: the PATCH is sent again and
    # its real answer (403: not an assigned approver) is what the caller gets.
    server, calls = _serve([(502, {"detail": "bad gateway"}), (200, {"response_received": False}),
                            (403, {"detail": "not an approver"})])
    try:
        client = AirflowClient(f"http://127.0.0.1:{server.server_port}", "u", "p", timeout=5)
        with pytest.raises(AirflowApiError) as err:
            client.answer("provision_infrastructure", "r1", "firewall_ports.approve", ["Approve"])
    finally:
        server.shutdown()
    assert err.value.status == 403
    assert calls[1:] == [f"PATCH {HITL}", f"GET {HITL}", f"PATCH {HITL}"]


def test_an_answer_that_landed_before_a_transient_error_is_not_sent_twice() -> None:
    received = {"response_received": True, "chosen_options": ["Approve"]}
    server, calls = _serve([(500, {"detail": {"reason": "Database error"}}), (200, received)])
    try:
        client = AirflowClient(f"http://127.0.0.1:{server.server_port}", "u", "p", timeout=5)
        assert client.answer("provision_infrastructure", "r1", "firewall_ports.approve", ["Approve"]) == received
    finally:
        server.shutdown()
    assert calls.count(f"PATCH {HITL}") == 1


def test_a_dropped_connection_is_transient_for_idempotent_calls() -> None:
    import requests

    assert rest.is_transient(requests.ConnectionError("reset")) and rest.is_transient(requests.ReadTimeout("slow"))
    assert not rest.is_transient(AirflowApiError("x", 404)) and rest.is_transient(AirflowApiError("x", 503))


def test_creating_a_pool_through_a_busy_database_asks_whether_it_landed_first() -> None:
    """`lakepilot up` failed its first start on a 500 "Database error" to POST /api/v2/pools (SQLite, busy)."""
    busy = (500, {"detail": {"reason": "Database error"}})
    pool = {"name": "lakepilot_sql", "slots": 4}
    server, calls = _serve([busy, (404, {"detail": "not found"}), (201, pool),  # did not land: sent again
                            busy, (200, pool),                                  # landed: not sent again
                            (409, {"detail": "exists"})])                       # already there: left alone
    try:
        client = AirflowClient(f"http://127.0.0.1:{server.server_port}", "u", "p", timeout=5)
        assert client.create_pool("lakepilot_sql", 4) == pool
        assert client.create_pool("lakepilot_sql", 4) == pool
        assert client.create_pool("lakepilot_sql", 4) is None
    finally:
        server.shutdown()
    assert calls.count("POST /api/v2/pools") == 4 and calls.count("GET /api/v2/pools/lakepilot_sql") == 2
