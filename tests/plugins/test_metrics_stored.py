"""Against a Databricks SQL warehouse a scrape of `/lakepilot/metrics` issues no statement at all.

The workspace emulator serves the SQL Statement Execution API over the lakehouse holding the sample ops
tables and counts every statement it accepts (what a real warehouse would run, and bill). The task side
is the `before_stopping` listener after a real `DatabricksOpsStore` write; the scrape is the UI app with
Airflow's real authentication.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from lakepilot_airflow import listeners
from lakepilot_airflow.ui import metrics_route
from prometheus_client.parser import text_string_to_metric_families

from include.connections import databricks_warehouse
from include.emulator.engine import DEFAULT_TOKEN
from include.emulator.server import EmulatorServer
from include.metrics.stored import read_snapshot, refresh_after_writes
from include.ops.store import DatabricksOpsStore
from tests.include.emulator.conftest import start
from tests.include.ops.test_store import _finding
from tests.plugins.conftest import NOW
from tests.plugins.sample_ops import write_sample_ops


@pytest.fixture
def databricks(lakehouse: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[EmulatorServer]:
    server = start(lakehouse)
    monkeypatch.setenv("AIRFLOW_CONN_DATABRICKS_DEFAULT", json.dumps({
        "conn_type": "databricks", "host": "127.0.0.1", "port": server.port, "schema": "http",
        "password": DEFAULT_TOKEN, "extra": {"http_path": "/sql/1.0/warehouses/local"}}))
    monkeypatch.setenv("LAKEPILOT_WAREHOUSE", "databricks")
    monkeypatch.setenv("LAKEPILOT_METRICS_SNAPSHOT", str(tmp_path / "metrics" / "ops-snapshot.json"))
    yield server
    server.stop()


def _scrape(client) -> dict[str, list]:
    metrics_route.clear_cache()
    text = client.get("/metrics").text
    return {f.name: f.samples for f in text_string_to_metric_families(text)}


def _value(families: dict[str, list], name: str, **labels: str) -> float:
    (sample,) = [s for s in families[name] if all(s.labels.get(k) == v for k, v in labels.items())]
    return sample.value


def test_a_scrape_never_queries_the_warehouse(databricks: EmulatorServer, client, lakehouse: Path) -> None:
    sample = write_sample_ops(lakehouse, NOW)
    before = databricks.sql.submitted
    first = _scrape(client)  # nothing stored yet: the ops sources say so, the warehouse is not asked
    assert databricks.sql.submitted == before
    assert _value(first, "lakepilot_metrics_source_up", source="findings") == 0.0
    assert _value(first, "lakepilot_metrics_source_up", source="approvals") == 1.0  # read live, from Airflow

    # A task writes LakePilot's tables through the warehouse; as its process ends the listener stores the metrics.
    DatabricksOpsStore(databricks_warehouse()).upsert([_finding("9001")])
    listeners.before_stopping(component=None)
    assert databricks.sql.submitted > before + 1 and read_snapshot() is not None

    stored = databricks.sql.submitted
    for _ in range(3):
        scraped = _scrape(client)
    assert databricks.sql.submitted == stored  # three scrapes, no statement
    assert _value(scraped, "lakepilot_findings_open", domain="cost", severity="critical") == \
        sample.open_findings[("cost", "critical")]
    assert _value(scraped, "lakepilot_metrics_source_up", source="findings") == 1.0
    assert _value(scraped, "lakepilot_metrics_snapshot_age_seconds") >= 0


def test_the_snapshot_is_refreshed_at_most_once_per_interval(databricks: EmulatorServer, lakehouse: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    write_sample_ops(lakehouse, NOW)
    at = datetime(2026, 12, 8, 9, tzinfo=UTC)
    assert refresh_after_writes(databricks_warehouse(), now=at) is True
    submitted = databricks.sql.submitted
    assert refresh_after_writes(databricks_warehouse(), now=at + timedelta(minutes=4)) is False
    assert databricks.sql.submitted == submitted
    assert refresh_after_writes(databricks_warehouse(), now=at + timedelta(minutes=6)) is True
    monkeypatch.setenv("LAKEPILOT_METRICS_REFRESH_SECONDS", "soon")
    with pytest.raises(ValueError, match="LAKEPILOT_METRICS_REFRESH_SECONDS must be a number"):
        refresh_after_writes(databricks_warehouse(), now=at + timedelta(hours=1))
