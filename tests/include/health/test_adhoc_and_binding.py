"""Ad-hoc queries are allow-listed and typed; per-object tables are bound through the SQL tree."""

from __future__ import annotations

from datetime import timedelta

import pytest

from include.health.adhoc import run_adhoc
from include.health.per_object import bind_table


def test_unknown_query_and_wrong_parameters_are_errors_not_exceptions(wh) -> None:
    unknown = run_adhoc(wh, "drop_everything", {})
    assert unknown.status == "error" and "unknown query 'drop_everything'" in unknown.error and "cost_by_day" in unknown.error
    missing = run_adhoc(wh, "job_run_history", {"job_id": "1"})
    assert missing.status == "error" and "missing end, start" in missing.error
    extra = run_adhoc(wh, "job_definition", {"job_id": "1", "sql": "SELECT 1"})
    assert extra.status == "error" and "unexpected sql" in extra.error
    bad_time = run_adhoc(wh, "cost_by_day", {"workspace_id": "1", "start": "yesterday", "end": "2026-03-01"})
    assert bad_time.status == "error" and "start must be an ISO-8601 timestamp" in bad_time.error
    multi_line = run_adhoc(wh, "job_definition", {"job_id": "1\nUNION SELECT"})
    assert multi_line.status == "error" and "single-line" in multi_line.error


def test_values_are_bound_never_spliced(workspace, wh) -> None:
    _, manifest = workspace
    job = manifest.jobs[0].job_id
    injected = run_adhoc(wh, "job_definition", {"job_id": f"{job}' OR '1'='1"})
    assert injected.status == "ok" and injected.rows == []
    real = run_adhoc(wh, "job_definition", {"job_id": job})
    assert real.status == "ok" and [r["job_id"] for r in real.rows] == [job]


def test_results_are_json_friendly_and_truncated(workspace, wh) -> None:
    _, manifest = workspace
    result = run_adhoc(wh, "job_run_history", {"job_id": manifest.jobs[0].job_id,
                                               "start": (manifest.end - timedelta(days=20)).isoformat(),
                                               "end": manifest.end.isoformat()}, max_rows=3)
    assert result.status == "ok" and len(result.rows) == 3 and result.truncated and result.row_count > 3
    assert isinstance(result.rows[0]["started"], str)


def test_bind_table_replaces_only_the_placeholder() -> None:
    sql = bind_table("health/data_quality/drift", "sales.monitoring.orders_drift_metrics")
    assert "sales.monitoring.orders_drift_metrics" in sql and "per_object" not in sql
    assert ":window_start" in sql and ":drift_js" in sql


@pytest.mark.parametrize("bad", ["orders_drift", "a.b", "a.b.c; DROP TABLE x", "a.b.`c`", "a.b.c.d"])
def test_bind_table_refuses_names_that_are_not_plain_identifiers(bad: str) -> None:
    with pytest.raises(ValueError, match="catalog.schema.table"):
        bind_table("health/data_quality/drift", bad)
