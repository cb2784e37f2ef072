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


def test_info_names_the_sql_warehouse_and_connection_in_databricks_mode(monkeypatch) -> None:
    from include.runtime import sql_engine_mode

    monkeypatch.delenv("LAKEPILOT_WAREHOUSE", raising=False)
    assert sql_engine_mode().startswith("local")
    monkeypatch.setenv("LAKEPILOT_WAREHOUSE", "databricks")
    monkeypatch.delenv("AIRFLOW_CONN_DATABRICKS_DEFAULT", raising=False)
    monkeypatch.delenv("LAKEPILOT_DATABRICKS_PROFILE", raising=False)
    assert "not usable" in sql_engine_mode() and "AIRFLOW_CONN_DATABRICKS_DEFAULT" in sql_engine_mode()
    monkeypatch.setenv("AIRFLOW_CONN_DATABRICKS_DEFAULT", '{"conn_type": "databricks", "host": "adb-1.azuredatabricks.net", '
                       '"password": "dapi-secret-1", "extra": {"warehouse_id": "abc123"}}')
    shown = sql_engine_mode()
    assert "abc123" in shown and "adb-1.azuredatabricks.net" in shown and "dapi-secret-1" not in shown


def test_a_databricks_profile_is_read_like_a_connection(tmp_path, monkeypatch) -> None:
    from include.connections import databricks_connection, sql_warehouse_id

    cfg = tmp_path / "databrickscfg"
    cfg.write_text("[ci]\nhost = https://adb-2.azuredatabricks.net\nclient_id = sp-1\nclient_secret = s3cret\n"
                   "warehouse_id = wh9\n[pat]\nhost = adb-3.cloud.databricks.com\ntoken = dapi-3\n"
                   "http_path = /sql/1.0/warehouses/wh3\n")
    monkeypatch.setenv("DATABRICKS_CONFIG_FILE", str(cfg))
    sp = databricks_connection(profile="ci")
    assert (sp.login, sp.password, sp.extra_dejson["service_principal_oauth"], sql_warehouse_id(sp)) == ("sp-1", "s3cret", True, "wh9")
    pat = databricks_connection(profile="pat")
    assert (pat.login, pat.password, sql_warehouse_id(pat)) == (None, "dapi-3", "wh3")
    import pytest

    with pytest.raises(ValueError, match="profile 'nope' is not in"):
        databricks_connection(profile="nope")
