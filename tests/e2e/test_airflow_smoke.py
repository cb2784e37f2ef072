"""LakePilot's DAGs load in a real Airflow (SQLite and PostgreSQL) and run through the REST API."""

from __future__ import annotations

import time

import pytest

pytestmark = pytest.mark.e2e


def _wait_for_dags(client, wanted: set[str], timeout: float = 120.0) -> set[str]:
    deadline = time.monotonic() + timeout
    seen: set[str] = set()
    while time.monotonic() < deadline:
        seen = {d["dag_id"] for d in client.dags()}
        if wanted <= seen:
            return seen
        time.sleep(2)
    return seen


@pytest.mark.parametrize("backend", ["airflow_on_sqlite", "airflow_only"])
def test_dags_load_without_import_errors_and_run(backend: str, request, airflow_logs) -> None:
    config, client = request.getfixturevalue(backend)
    seen = _wait_for_dags(client, {"lakehouse_maintenance"})
    assert "lakehouse_maintenance" in seen, airflow_logs(config)
    assert client.import_errors() == []
    client.unpause("lakehouse_maintenance")
    run = client.trigger("lakehouse_maintenance", run_id="smoke-1")
    final = client.wait_run("lakehouse_maintenance", run["dag_run_id"], timeout=240)
    assert final["state"] == "success", airflow_logs(config)
    assert client.xcom("lakehouse_maintenance", "smoke-1", "compact") == {"tables": {}}
