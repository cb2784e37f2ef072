"""Data quality and governance: monitor results, drift metrics, information_schema tables/tags.

Monitor freshness is judged from the table's real write history (lineage), with the same
rule the freshness check uses, so a table that stops being written also fails its monitor.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pyarrow as pa

from include.health.settings import HealthSettings
from include.lakehouse.schema import per_object_schema, system_table_schema
from include.simulator.arrowkit import batch, rows_table
from include.simulator.context import Context
from include.simulator.ids import DAY, HOUR, from_us, uuid_str
from include.simulator.world import World

SCAN_HOURS = (5.5, 17.5)


def stale_limit_us(interval_us: float, settings: HealthSettings) -> float:
    """How old a table's last write may get before it counts as not refreshed."""
    return interval_us * settings.stale_factor + settings.stale_grace_hours * HOUR


def expected_interval(writes: np.ndarray) -> float | None:
    return float(np.median(np.diff(writes))) if len(writes) >= 2 else None


def _readers(world: World, table: str) -> int:
    return sum(table in j.spec.reads for j in world.jobs)


def _dq_rows(ctx: Context, settings: HealthSettings) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """Monitor scans of every monitored table, and each table's latest status in the last day."""
    world, rows, latest = ctx.world, [], {}
    rng = ctx.rng("quality.dq")
    for m in (m for m in world.monitored if m.kind == "table"):
        table = world.tables[m.table_full_name]
        writes = ctx.last_writes.get(m.table_full_name, np.empty(0, np.int64))
        writer = world.job(table.writer_job) if table.writer_job else None
        catalog, schema, name = m.table_full_name.split(".")
        ids = {"catalog_id": uuid_str(rng), "schema_id": uuid_str(rng), "table_id": uuid_str(rng)}
        effect = ctx.plan.tables.get(m.table_full_name)
        normal_rows = int(rng.integers(50_000, 5_000_000))
        for day in ctx.day_starts().tolist():
            for h in SCAN_HOURS:
                t = day + int(h * HOUR)
                before = writes[writes < t]
                interval = expected_interval(before)
                if interval is None:
                    continue
                last = int(before[-1])
                fresh_ok = t - last <= stale_limit_us(interval, settings)
                rows_today = int(normal_rows * rng.uniform(0.9, 1.1))
                complete_ok = True
                if effect and effect.kind == "failing_monitor" and t >= effect.t0:
                    rows_today, complete_ok = int(normal_rows * effect.severity), False
                healthy = fresh_ok and complete_ok
                status = "Healthy" if healthy else "Unhealthy"
                if t >= world.end_us - DAY:
                    latest[m.table_full_name] = status
                rows.append({
                    "event_time": from_us(t), "catalog_name": catalog, "schema_name": schema, "table_name": name, **ids,
                    "status": status,
                    "freshness": {"status": "Healthy" if fresh_ok else "Unhealthy", "commit_freshness": {
                        "status": "Healthy" if fresh_ok else "Unhealthy", "error_code": None if fresh_ok else "STALE_TABLE",
                        "last_value": from_us(last), "predicted_value": from_us(last + int(interval))}},
                    "completeness": {"status": "Healthy" if complete_ok else "Unhealthy", "daily_row_count": {
                        "status": "Healthy" if complete_ok else "Unhealthy", "error_code": None if complete_ok else "ROW_COUNT_BELOW_PREDICTED",
                        "last_value": rows_today, "min_predicted_value": int(normal_rows * 0.7), "max_predicted_value": int(normal_rows * 1.3)}},
                    "downstream_impact": {"impact_level": 0 if healthy else 2, "num_downstream_tables": _readers(world, m.table_full_name),
                                          "num_queries_on_affected_tables": 0 if healthy else int(rng.integers(5, 80))},
                    "root_cause_analysis": {"upstream_jobs": [{
                        "job_id": writer.job_id, "workspace_id": writer.spec.workspace_id, "job_name": writer.spec.name,
                        "last_run_status": "SUCCEEDED",
                        "run_page_url": f"https://{world.workspaces[writer.ws].info.host}/jobs/{writer.job_id}"}] if writer else []},
                })
    return rows, latest


def _drift_batches(ctx: Context, full: str, columns: list[str], schema: pa.Schema) -> Iterator[pa.RecordBatch]:
    rng = ctx.rng(f"quality.drift:{full}")
    effect = ctx.plan.tables.get(full)
    days = ctx.day_starts()[1:]
    n_days, n_cols = len(days), len(columns)
    start = np.repeat(days, n_cols)
    col = np.tile(np.arange(n_cols), n_days)
    n = len(start)
    js = rng.uniform(0.005, 0.06, n)
    psi = rng.uniform(0.001, 0.08, n)
    ks_stat, ks_p = rng.uniform(0.01, 0.08, n), rng.uniform(0.05, 0.95, n)
    if effect and effect.kind in ("drift", "prediction_drift"):
        hit = (start + DAY > effect.t0) & np.isin(np.array(columns)[col], effect.columns)
        js = np.where(hit, effect.severity * rng.uniform(0.9, 1.1, n), js)
        psi = np.where(hit, effect.severity * 1.6 * rng.uniform(0.9, 1.1, n), psi)
        ks_stat, ks_p = np.where(hit, rng.uniform(0.3, 0.5, n), ks_stat), np.where(hit, rng.uniform(1e-9, 1e-5, n), ks_p)
    yield batch(schema, n, {
        "window": {"start": start, "end": start + DAY}, "granularity": "1 day", "monitor_version": 1,
        "column_name": pa.array(columns).take(pa.array(col)), "data_type": "double",
        "window_cmp": {"start": start - DAY, "end": start}, "drift_type": "CONSECUTIVE",
        "count_delta": rng.integers(-2000, 2000, n), "avg_delta": np.round(rng.normal(0, 0.5, n), 4),
        "percent_null_delta": np.round(rng.normal(0, 0.002, n), 5), "percent_zeros_delta": np.round(rng.normal(0, 0.002, n), 5),
        "percent_distinct_delta": np.round(rng.normal(0, 0.01, n), 5), "non_null_columns_delta": {"added": 0, "missing": 0},
        "js_distance": np.round(js, 5), "ks_test": {"statistic": np.round(ks_stat, 5), "pvalue": ks_p},
        "wasserstein_distance": np.round(js * 3, 5), "population_stability_index": np.round(psi, 5),
        "tv_distance": np.round(js * 0.8, 5), "l_infinity_distance": np.round(js * 0.6, 5),
    })


def _information_schema(
    ctx: Context,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    world = ctx.world
    tables, table_tags, column_tags = [], [], []
    extra = [(ep.info.inference_table, ep.ws, "ml") for ep in world.endpoints if ep.info.inference_table]
    extra += [(m.drift_metrics_table, 0, "ml") for m in world.monitored if m.drift_metrics_table]
    entries = [(t.full_name, t.ws, t.team) for t in world.tables.values()] + [(n, ws, team) for n, ws, team in extra if n]
    for full, _ws, team in sorted(entries):
        catalog, schema, name = full.split(".")
        info = world.tables.get(full)
        writes = ctx.last_writes.get(full)
        created = info.created_us if info else world.start_us - 30 * DAY
        altered = int(writes[-1]) if writes is not None and len(writes) else created
        owner = info.owner if info else "ml-platform@acme-retail.com"
        tables.append({
            "table_catalog": catalog, "table_schema": schema, "table_name": name, "table_type": "MANAGED",
            "is_insertable_into": "YES", "commit_action": "PRESERVE", "table_owner": owner, "comment": None,
            "created": from_us(created), "created_by": owner, "last_altered": from_us(altered), "last_altered_by": owner,
            "data_source_format": "DELTA", "storage_path": f"s3://acme-uc-{catalog}/{schema}/{name}",
        })
        base = {"catalog_name": catalog, "schema_name": schema, "table_name": name}
        table_tags.append({**base, "tag_name": "owner_team", "tag_value": team})
        if info and info.sensitive and info.classified:
            table_tags.append({**base, "tag_name": "classification", "tag_value": "pii" if schema == "pii" else "confidential"})
            for column in info.pii_columns:
                column_tags.append({**base, "column_name": column, "tag_name": "pii", "tag_value": column})
    return tables, table_tags, column_tags


def generate_quality(ctx: Context, settings: HealthSettings) -> dict[str, str]:
    """Write monitor results, drift metrics and information_schema; return latest monitor status."""
    world = ctx.world
    dq, latest = _dq_rows(ctx, settings)
    ctx.write("system.data_quality_monitoring.table_results",
              rows_table(system_table_schema("system.data_quality_monitoring.table_results"), dq))
    schema = per_object_schema("drift_metrics")
    for m in world.monitored:
        if not m.drift_metrics_table:
            continue
        columns = (["prediction", "feature_tenure", "feature_spend", "feature_region"] if m.kind == "inference"
                   else [c for c in world.tables[m.table_full_name].columns])
        ctx.write(m.drift_metrics_table, _drift_batches(ctx, m.table_full_name, columns, schema), schema=schema)
    tables, table_tags, column_tags = _information_schema(ctx)
    ctx.write("system.information_schema.tables", rows_table(system_table_schema("system.information_schema.tables"), tables))
    ctx.write("system.information_schema.table_tags", rows_table(system_table_schema("system.information_schema.table_tags"), table_tags))
    ctx.write("system.information_schema.column_tags", rows_table(system_table_schema("system.information_schema.column_tags"), column_tags))
    return latest
