"""`lakepilot info` says where Jobs API calls go, including a running local stack's emulator."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from include.devstack.procs import free_port
from include.runtime import jobs_api_mode
from tests.http_stub import send_json


class _Health(BaseHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:
        send_json(self, 200 if self.path == "/_emulator/health" else 404, {"ok": True})


def test_a_running_emulator_is_reported_and_a_connection_wins(monkeypatch) -> None:
    monkeypatch.delenv("AIRFLOW_CONN_DATABRICKS_DEFAULT", raising=False)
    monkeypatch.setenv("LAKEPILOT_EMULATOR_PORT", str(free_port()))
    assert jobs_api_mode() == "not configured"
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Health)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        monkeypatch.setenv("LAKEPILOT_EMULATOR_PORT", str(server.server_port))
        assert jobs_api_mode() == f"local emulator at 127.0.0.1:{server.server_port} (the running `lakepilot up` stack)"
        monkeypatch.setenv("AIRFLOW_CONN_DATABRICKS_DEFAULT", '{"conn_type": "databricks", "host": "adb-1.azuredatabricks.net"}')
        assert jobs_api_mode() == "Databricks workspace adb-1.azuredatabricks.net"
        monkeypatch.setenv("AIRFLOW_CONN_DATABRICKS_DEFAULT", '{"conn_type": "databricks", "host": "127.0.0.1:9", "password": "x"}')
        assert jobs_api_mode() == "local emulator at 127.0.0.1:9"
    finally:
        server.shutdown()
