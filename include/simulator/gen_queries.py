"""SQL warehouses: `compute.warehouses` (SCD2), `query.history`, `compute.warehouse_events`.

A day of one warehouse's queries is a pure function of (seed, warehouse, day), so the lineage
generator can re-create the same statements (ids, readers, tables) without holding them all.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pyarrow as pa

from include.lakehouse.schema import system_table_schema
from include.simulator import vocab
from include.simulator.arrowkit import NULL, NULL_MASK, batch, choice_strings, rows_table
from include.simulator.context import Context, Uptime
from include.simulator.ids import HOUR, MIN, SEC, from_us, uuids
from include.simulator.world import WarehousePlan

HOURLY_WEIGHT = np.array([0.12, 0.1, 0.1, 0.1, 0.12, 0.2, 0.4, 0.7, 1.0, 1.2, 1.3, 1.3, 1.2, 1.3, 1.3, 1.2, 1.1,
                          1.0, 0.8, 0.5, 0.35, 0.25, 0.2, 0.15])
QUERIES_PER_CLUSTER_HOUR = 90
STATEMENT_TYPES = ["SELECT", "SELECT", "SELECT", "SELECT", "SELECT", "SELECT", "SELECT", "SELECT", "MERGE", "INSERT",
                   "SHOW", "DESCRIBE"]
_TEMPLATES = [
    "SELECT region, SUM(total_amount) AS revenue FROM {t} WHERE day >= current_date() - INTERVAL 7 DAYS GROUP BY region",
    "SELECT * FROM {t} WHERE updated_at >= :since ORDER BY updated_at DESC LIMIT 1000",
    "SELECT COUNT(*) FROM {t}",
    "SELECT status, COUNT(*) AS n, AVG(amount) AS avg_amount FROM {t} GROUP BY status",
]


def readable_tables(ctx: Context, wh: WarehousePlan) -> list[str]:
    tables = sorted(t.full_name for t in ctx.world.tables.values() if t.ws == wh.ws and t.layer in ("gold", "silver"))
    return tables or sorted(t.full_name for t in ctx.world.tables.values() if t.ws == wh.ws)


def executors_of(ctx: Context, wh: WarehousePlan) -> list[str]:
    analysts = [u.email for u in ctx.world.users_of(wh.ws) if u.analyst] or [u.email for u in ctx.world.users_of(wh.ws)]
    return analysts + [s.app_id for s in ctx.world.sps_of(wh.ws)]


def day_queries(ctx: Context, wh: WarehousePlan, day: int) -> dict[str, Any]:
    """The statements one warehouse ran on one day (deterministic per seed, warehouse and day).

    Numpy columns, except `statement_id`, an Arrow string array.
    """
    rng = ctx.rng(f"queries:{wh.info.warehouse_id}:{day}")
    weekday = from_us(day).weekday() < 5
    n = int(rng.poisson(wh.queries_per_day * (1.0 if weekday else 0.3)))
    hour = rng.choice(24, size=n, p=HOURLY_WEIGHT / HOURLY_WEIGHT.sum())
    start = np.sort(day + hour * HOUR + rng.integers(0, HOUR, n))
    hour = (start - day) // HOUR
    exec_ms = rng.lognormal(np.log(wh.exec_median_ms), 0.6, n)
    queue_ms = np.where(rng.random(n) < 0.02, rng.uniform(300, 4000, n), 0.0)
    effect = ctx.plan.warehouses.get(wh.info.warehouse_id)
    if effect is not None:
        after = start >= effect.t0
        exec_ms = np.where(after, exec_ms * effect.exec_mult, exec_ms)
        if effect.queue_share:
            busy = after & (HOURLY_WEIGHT[hour] >= 0.7) & (rng.random(n) < effect.queue_share)
            queue_ms = np.where(busy, rng.uniform(*effect.queue_s, n) * 1000, queue_ms)
    status = rng.choice(3, size=n, p=[0.975, 0.017, 0.008])
    return {
        "start": start, "hour": hour, "exec_ms": exec_ms, "queue_ms": queue_ms, "status": status,
        "compile_ms": rng.uniform(40, 500, n), "fetch_ms": rng.uniform(5, 250, n),
        "compute_wait_ms": np.where(rng.random(n) < 0.01, rng.uniform(2000, 30000, n), 0.0),
        "executor": rng.integers(0, len(executors_of(ctx, wh)), n), "client": rng.integers(0, len(vocab.CLIENT_APPLICATIONS), n),
        "stype": rng.integers(0, len(STATEMENT_TYPES), n), "table": rng.integers(0, len(readable_tables(ctx, wh)), n),
        "template": rng.integers(0, len(_TEMPLATES), n), "statement_id": uuids(rng, n),
        "read_rows": (exec_ms * rng.uniform(200, 5000, n)).astype(np.int64), "cache": rng.random(n) < 0.05,
    }


def _history_batch(ctx: Context, wh: WarehousePlan, q: dict[str, Any], schema: pa.Schema) -> pa.RecordBatch:
    n = len(q["start"])
    total = q["exec_ms"] + q["queue_ms"] + q["compile_ms"] + q["fetch_ms"] + q["compute_wait_ms"]
    end = q["start"] + (total * 1000).astype(np.int64)
    tables = readable_tables(ctx, wh)
    texts = [tpl.format(t=t) for t in tables for tpl in _TEMPLATES]
    stype = np.array(STATEMENT_TYPES)[q["stype"]]
    text_idx = q["table"] * len(_TEMPLATES) + q["template"]
    statement = np.where(stype == "SELECT", np.array(texts, dtype=object)[text_idx],
                         np.char.add(np.char.add(stype.astype(str), " "), np.array(tables)[q["table"]]).astype(object))
    executors = executors_of(ctx, wh)
    user_ids = {u.email: u.user_id for u in ctx.world.users}
    is_dashboard = q["client"] == vocab.CLIENT_APPLICATIONS.index("Databricks SQL Dashboard")
    failed = q["status"] == 1
    read_bytes = q["read_rows"] * 120
    return batch(schema, n, {
        "account_id": ctx.world.account_id, "workspace_id": wh.info.workspace_id, "statement_id": q["statement_id"],
        "executed_by": choice_strings(executors, q["executor"]), "session_id": q["statement_id"],
        "execution_status": choice_strings(["FINISHED", "FAILED", "CANCELED"], q["status"]),
        "compute": {"type": "WAREHOUSE", "warehouse_id": wh.info.warehouse_id},
        "executed_by_user_id": choice_strings([user_ids.get(e, e) for e in executors], q["executor"]),
        "statement_text": pa.array(statement, type=pa.string()), "statement_type": pa.array(stype),
        "error_message": pa.array(np.where(failed, "[TABLE_OR_VIEW_NOT_FOUND] or syntax error", NULL), type=pa.string()),
        "client_application": choice_strings(vocab.CLIENT_APPLICATIONS, q["client"]),
        "total_duration_ms": np.round(total).astype(np.int64), "waiting_for_compute_duration_ms": np.round(q["compute_wait_ms"]).astype(np.int64),
        "waiting_at_capacity_duration_ms": np.round(q["queue_ms"]).astype(np.int64),
        "execution_duration_ms": np.round(q["exec_ms"]).astype(np.int64), "compilation_duration_ms": np.round(q["compile_ms"]).astype(np.int64),
        "total_task_duration_ms": np.round(q["exec_ms"] * 3.5).astype(np.int64), "result_fetch_duration_ms": np.round(q["fetch_ms"]).astype(np.int64),
        "start_time": q["start"], "end_time": end, "update_time": end, "read_partitions": (q["read_rows"] // 500_000 + 1),
        "pruned_files": q["read_rows"] // 2_000_000, "read_files": q["read_rows"] // 1_000_000 + 1, "read_rows": q["read_rows"],
        "produced_rows": np.minimum(q["read_rows"], 1000), "read_bytes": read_bytes,
        "read_io_cache_percent": np.clip(q["read_rows"] % 101, 0, 100).astype(np.int8), "from_result_cache": q["cache"],
        "spilled_local_bytes": 0, "written_bytes": np.where(stype == "SELECT", 0, read_bytes // 4),
        "shuffle_read_bytes": read_bytes // 3,
        "query_source": {"dashboard_id": pa.array(np.where(is_dashboard, f"01ef{wh.info.warehouse_id}", NULL), type=pa.string()),
                         NULL_MASK: ~is_dashboard},
        "executed_as_user_id": choice_strings([user_ids.get(e, e) for e in executors], q["executor"]),
        "executed_as": choice_strings(executors, q["executor"]), "written_rows": np.where(stype == "SELECT", 0, q["read_rows"] // 10),
        "written_files": np.where(stype == "SELECT", 0, 4), "pruned_files_bytes": read_bytes // 5, "read_files_bytes": read_bytes,
    })


def _warehouse_rows(ctx: Context) -> list[dict[str, Any]]:
    rows = []
    for wh in ctx.world.warehouses:
        info = wh.info
        base = {
            "warehouse_id": info.warehouse_id, "workspace_id": info.workspace_id, "account_id": ctx.world.account_id,
            "warehouse_name": info.name, "warehouse_type": info.warehouse_type, "warehouse_channel": "CHANNEL_NAME_CURRENT",
            "warehouse_size": info.size, "min_clusters": info.min_clusters, "max_clusters": info.max_clusters,
            "auto_stop_minutes": 10 if info.warehouse_type == "SERVERLESS" else 30, "tags": list(wh.tags.items()),
            "change_time": from_us(wh.created_us), "delete_time": None,
        }
        rows.append(base)
        effect = ctx.plan.warehouses.get(info.warehouse_id)
        if effect and effect.max_clusters:
            rows.append({**base, "max_clusters": effect.max_clusters, "change_time": from_us(effect.t0)})
    return rows


def _uptime_and_events(
    ctx: Context, wh: WarehousePlan, hourly: np.ndarray, rows: list[dict[str, Any]]
) -> None:
    """Clusters per hour from load; events where the count changes; uptime for billing."""
    hours = ctx.world.start_us + np.arange(len(hourly)) * HOUR
    effect = ctx.plan.warehouses.get(wh.info.warehouse_id)
    cap = np.full(len(hourly), wh.info.max_clusters)
    if effect and effect.max_clusters:
        cap[hours >= effect.t0 - effect.t0 % HOUR] = effect.max_clusters
    clusters = np.where(hourly > 0, np.clip(np.ceil(hourly / QUERIES_PER_CLUSTER_HOUR), 1, cap), 0).astype(np.int64)
    active = clusters > 0
    ctx.warehouse_uptime[wh.info.warehouse_id] = Uptime(start=hours[active], end=hours[active] + HOUR, units=clusters[active])
    base = {"account_id": ctx.world.account_id, "workspace_id": wh.info.workspace_id, "warehouse_id": wh.info.warehouse_id}
    previous = 0
    for t, c in zip(hours.tolist(), clusters.tolist(), strict=True):
        if c and not previous:
            rows.append({**base, "event_type": "STARTING", "cluster_count": 0, "event_time": from_us(t)})
            rows.append({**base, "event_type": "RUNNING", "cluster_count": 1, "event_time": from_us(t + 2 * MIN)})
            if c > 1:
                rows.append({**base, "event_type": "SCALED_UP", "cluster_count": c, "event_time": from_us(t + 5 * MIN)})
        elif c and c != previous:
            rows.append({**base, "event_type": "SCALED_UP" if c > previous else "SCALED_DOWN", "cluster_count": c,
                         "event_time": from_us(t + 1 * SEC)})
        elif previous and not c:
            rows.append({**base, "event_type": "STOPPING", "cluster_count": previous, "event_time": from_us(t)})
            rows.append({**base, "event_type": "STOPPED", "cluster_count": 0, "event_time": from_us(t + MIN)})
        previous = c


def generate_queries(ctx: Context) -> None:
    """Write warehouses, query history and warehouse events; record warehouse uptime."""
    world = ctx.world
    ctx.write("system.compute.warehouses", rows_table(system_table_schema("system.compute.warehouses"), _warehouse_rows(ctx)))
    schema = system_table_schema("system.query.history")
    n_hours = int((world.end_us - world.start_us) // HOUR)
    hourly = {wh.info.warehouse_id: np.zeros(n_hours, dtype=np.int64) for wh in world.warehouses}

    def history() -> Iterator[pa.RecordBatch]:
        for day in ctx.day_starts().tolist():
            for wh in world.warehouses:
                q = day_queries(ctx, wh, day)
                idx = (q["start"] - world.start_us) // HOUR
                np.add.at(hourly[wh.info.warehouse_id], idx[idx < n_hours], 1)
                if len(q["start"]):
                    yield _history_batch(ctx, wh, q, schema)

    ctx.write("system.query.history", history(), total_batches=world.days * len(world.warehouses))
    events: list[dict[str, Any]] = []
    for wh in world.warehouses:
        _uptime_and_events(ctx, wh, hourly[wh.info.warehouse_id], events)
    ctx.write("system.compute.warehouse_events", rows_table(system_table_schema("system.compute.warehouse_events"), events))
