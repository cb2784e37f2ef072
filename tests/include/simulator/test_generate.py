"""The generator writes every system table with its exact schema, deterministically."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime
from pathlib import Path

import pyarrow as pa

from include.lakehouse.delta_store import read_table, table_exists
from include.lakehouse.schema import per_object_schema, system_table_schema
from include.lakehouse.system_tables import SYSTEM_TABLES
from include.simulator.generate import generate_workspace
from include.simulator.manifest import load_manifest

PERSISTENT = {"permission", "syntax", "missing_table", "oom"}


def _digest(root: Path, table: str) -> str:
    data = read_table(root, table)
    data = data.sort_by([(name, "ascending") for name in data.column_names
                         if not pa.types.is_nested(data.schema.field(name).type)])
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, data.schema) as writer:
        writer.write_table(data.combine_chunks())
    return hashlib.sha256(sink.getvalue().to_pybytes()).hexdigest()


def test_every_system_table_has_the_exact_schema(small) -> None:
    root, manifest, _ = small
    for table in SYSTEM_TABLES:
        assert table_exists(root, table), f"{table} was not generated"
        found = read_table(root, table).schema
        assert found == system_table_schema(table), f"{table} schema differs"
        assert manifest.row_counts[table] == read_table(root, table).num_rows
    assert manifest.row_counts["system.billing.usage"] > 1000
    assert manifest.row_counts["system.compute.node_timeline"] > 100_000


def test_per_object_tables_exist_and_are_in_the_manifest(small) -> None:
    root, manifest, _ = small
    assert manifest.endpoints and all(e.inference_table for e in manifest.endpoints)
    for endpoint in manifest.endpoints:
        payload = read_table(root, endpoint.inference_table)
        assert payload.schema == per_object_schema("inference_payload")
        assert payload.num_rows > 1000
    drift = [m.drift_metrics_table for m in manifest.monitored_tables if m.drift_metrics_table]
    assert drift
    for table in drift:
        assert read_table(root, table).schema == per_object_schema("drift_metrics")
    assert {m.kind for m in manifest.monitored_tables} == {"table", "inference"}


def test_manifest_describes_a_realistic_account(small) -> None:
    root, manifest, _ = small
    assert load_manifest(root) == manifest
    assert len(manifest.workspaces) == 3 and {w.cloud for w in manifest.workspaces} == {"AWS", "AZURE"}
    assert all(j.job_id.isdigit() and len(j.job_id) >= 12 for j in manifest.jobs)
    assert len({j.job_id for j in manifest.jobs}) == len(manifest.jobs)
    assert all(j.cluster.node_type_id and j.cluster.num_workers >= 1 for j in manifest.jobs)
    assert any(j.tags.get("workload") == "ml-training" for j in manifest.jobs)
    assert set(manifest.monthly_budget_usd) == {w.workspace_id for w in manifest.workspaces}
    assert manifest.end == datetime(2026, 3, 11, tzinfo=UTC) and (manifest.end - manifest.start).days == 21
    skus = set(read_table(root, "system.billing.usage", ["sku_name"]).column("sku_name").to_pylist())
    assert {"PREMIUM_JOBS_COMPUTE", "PREMIUM_ALL_PURPOSE_COMPUTE", "PREMIUM_DLT_CORE_COMPUTE"} <= skus
    assert any(s.startswith("PREMIUM_SERVERLESS_REAL_TIME_INFERENCE_") for s in skus)


def test_failure_behaviour_matches_the_run_history(small, small_wh) -> None:
    _, manifest, _ = small
    rows = small_wh.query(
        "SELECT job_id, MAX_BY(result_state, period_end_time) AS last_result, "
        "COUNT_IF(result_state IN ('FAILED', 'ERROR')) AS failures, collect_set(termination_code) AS codes "
        "FROM system.lakeflow.job_run_timeline WHERE result_state IS NOT NULL GROUP BY job_id").to_pylist()
    history = {r["job_id"]: r for r in rows}
    for job in manifest.jobs:
        h = history.get(job.job_id)
        if job.paused:
            continue
        assert h is not None, job.name
        if job.failure_behaviour in PERSISTENT:
            assert h["last_result"] == "FAILED", job.name
        elif job.failure_behaviour == "none":
            assert h["failures"] == 0, job.name
        else:  # transient / capacity fail only with their own termination code
            assert set(h["codes"]) <= {"SUCCESS", "DRIVER_ERROR", "CLOUD_FAILURE"}, job.name


def test_result_state_only_on_the_final_slice(small_wh) -> None:
    rows = small_wh.query(
        "SELECT run_id, COUNT(*) AS slices, COUNT(result_state) AS with_result, "
        "MAX(CASE WHEN result_state IS NOT NULL THEN period_end_time END) = MAX(period_end_time) AS on_last "
        "FROM system.lakeflow.job_run_timeline GROUP BY run_id").to_pylist()
    assert all(r["with_result"] == 1 and r["on_last"] for r in rows)
    assert any(r["slices"] > 1 for r in rows), "long runs are sliced hourly"


def test_same_seed_same_data_and_different_seed_different(tmp_path: Path) -> None:
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    for root, seed in ((a, 3), (b, 3), (c, 4)):
        generate_workspace(root, 9, "small", seed, end=date(2026, 2, 3))
    ma, mb = load_manifest(a), load_manifest(b)
    assert ma.row_counts == mb.row_counts
    assert ma.model_dump(exclude={"generated_at"}) == mb.model_dump(exclude={"generated_at"})
    assert (a / "_truth/incidents.json").read_bytes() == (b / "_truth/incidents.json").read_bytes()
    for table in ("system.billing.usage", "system.access.audit", "system.query.history", "system.lakeflow.job_run_timeline",
                  "system.compute.node_timeline", "system.serving.endpoint_usage"):
        assert _digest(a, table) == _digest(b, table), table
    assert _digest(a, "system.billing.usage") != _digest(c, "system.billing.usage")
    assert json.loads((a / "_truth/incidents.json").read_text()) != json.loads((c / "_truth/incidents.json").read_text())
