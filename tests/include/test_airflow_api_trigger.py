"""AirflowClient.trigger sends the run's `run_after` as Airflow 3's API expects it (real HTTP on loopback).

That Airflow then evaluates the run as of that time is shown on real Airflow by the golden path
(`tests/e2e/test_golden_path.py`), whose sweeps are triggered this way.
"""

import json
import threading
from datetime import UTC, datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from include.airflow_api import AirflowClient
from tests.http_stub import send_json


@pytest.fixture()
def airflow():
    bodies: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
            if self.path == "/auth/token":
                send_json(self, 201, {"access_token": "t"})
                return
            bodies.append(body)
            send_json(self, 200, {"dag_run_id": body.get("dag_run_id", "manual")})

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield AirflowClient(f"http://127.0.0.1:{server.server_port}", "u", "p", timeout=5), bodies
    finally:
        server.shutdown()


def test_run_after_is_sent_as_an_aware_iso_time(airflow) -> None:
    client, bodies = airflow
    at = datetime(2026, 12, 5, 0, 0, tzinfo=UTC)
    client.trigger("health_security", run_id="r1", run_after=at)
    client.trigger("health_security", run_id="r2", run_after=datetime(2026, 12, 5, 1, 0, tzinfo=timezone(timedelta(hours=1))))
    client.trigger("health_security", run_id="r3")
    assert [datetime.fromisoformat(b["run_after"]) for b in bodies[:2]] == [at, at]
    assert "run_after" not in bodies[2] and all(b["logical_date"] is None for b in bodies)


def test_a_naive_run_after_is_refused_before_anything_is_sent(airflow) -> None:
    client, bodies = airflow
    with pytest.raises(ValueError, match="run_after must be timezone-aware"):
        client.trigger("health_security", run_id="r1", run_after=datetime(2026, 12, 5))
    assert bodies == []
