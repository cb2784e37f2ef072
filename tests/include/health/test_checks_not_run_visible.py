"""A check that could not run shows in the run record, the UI's overview notes and the metrics (real Delta ops tables)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from include.health.records import HealthDomainRun
from include.lakehouse.warehouse import LocalWarehouse
from include.metrics.collect import collect
from include.metrics.exposition import render
from include.ops.store import LocalOpsStore
from include.ui.overview import checks_not_run_notes

AS_OF = datetime(2026, 5, 9, 6, tzinfo=UTC)


def _run(domain: str, as_of: datetime, errors: list[dict]) -> HealthDomainRun:
    return HealthDomainRun(domain=domain, as_of=as_of, window_start=as_of - timedelta(days=1), window_end=as_of,
                           checks_run=["a", "b"], errors=errors, checks_not_run=len(errors), duration_s=1.0,
                           swept_at=as_of)


def test_the_latest_sweeps_checks_that_could_not_run_are_named_in_the_ui_and_counted_in_the_metrics(lakehouse) -> None:
    missing = {"check": "idle_all_purpose", "kind": "schema", "missing": ["system.compute.node_timeline.cpu_user_percent"],
               "error": "could not run: the tables lack system.compute.node_timeline.cpu_user_percent"}
    store = LocalOpsStore(lakehouse)
    store.upsert([_run("cost", AS_OF - timedelta(days=1), []), _run("cost", AS_OF, [missing]),
                  _run("security", AS_OF, [])])
    warehouse = LocalWarehouse(lakehouse)
    [note] = checks_not_run_notes(warehouse)
    assert note.level == "warning" and note.text.startswith("cost: 1 check(s) could not run in the latest sweep")
    assert "idle_all_purpose: could not run: the tables lack system.compute.node_timeline.cpu_user_percent" in note.text
    snapshot = collect(warehouse, approvals=[], now=AS_OF)
    assert {s.labels["domain"]: s.value for s in snapshot.sweep_checks_not_run} == {"cost": 1.0, "security": 0.0}
    assert 'lakepilot_sweep_checks_not_run{domain="cost"} 1.0' in render(snapshot).decode()
