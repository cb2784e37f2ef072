"""`system.billing.list_prices` and `system.billing.usage`, consistent with the compute that ran.

Usage rows are hourly per workload (job-run cluster, all-purpose cluster, warehouse, serving
endpoint, pipeline). The spend spike is sized from the measured baseline of its SKU, and the
budgets are set from the measured month-end forecast; both are recorded in the truth.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from include.lakehouse.schema import system_table_schema
from include.simulator import vocab
from include.simulator.arrowkit import batch, map_array, rows_table
from include.simulator.context import Context, Uptime
from include.simulator.ids import DAY, HOUR, from_us, hex_id, to_us, uuid_str, uuids
from include.simulator.manifest import Incident
from include.simulator.plan import CostSpike


@dataclass
class Workload:
    """One metered thing and its hourly usage intervals."""

    ws: int
    family: str
    start: np.ndarray
    end: np.ndarray
    dbu_per_hour: np.ndarray
    metadata: dict[str, object]
    tags: list[dict[str, str]]
    tag_index: np.ndarray
    identity: dict[str, str] = field(default_factory=dict)
    run_ids: np.ndarray | None = None
    cluster_ids: pa.Array | None = None


def _hourly(w: Workload) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(interval index, slice start, slice end, DBUs) with intervals cut at hour boundaries."""
    first = w.start // HOUR
    count = np.maximum((np.maximum(w.end - 1, w.start) // HOUR) - first + 1, 1)
    idx = np.repeat(np.arange(len(w.start)), count)
    k = np.arange(len(idx)) - np.repeat(np.cumsum(count) - count, count)
    s = np.maximum(w.start[idx], (first[idx] + k) * HOUR)
    e = np.minimum(w.end[idx], (first[idx] + k + 1) * HOUR)
    return idx, s, e, w.dbu_per_hour[idx] * (e - s) / HOUR


def _job_workloads(ctx: Context) -> list[Workload]:
    runs, out = ctx.runs, []
    for j, job in enumerate(ctx.world.jobs):
        mask = runs.job == j
        if not mask.any():
            continue
        effect = ctx.plan.jobs.get(job.job_id)
        untagged = {k: v for k, v in job.spec.tags.items() if k not in ("team", "cost_center")}
        start = runs.cluster_start[mask]
        tag_index = (start >= effect.t0).astype(np.int64) if effect and effect.untagged else np.zeros(int(mask.sum()), np.int64)
        out.append(Workload(
            ws=job.ws, family=job.sku_family, start=start, end=runs.end[mask],
            dbu_per_hour=np.full(int(mask.sum()), job.nodes * job.node.dbu_per_hour),
            metadata={"job_id": job.job_id, "job_name": job.spec.name, "node_type": job.node.node_type},
            tags=[job.spec.tags, untagged], tag_index=tag_index, identity={"run_as": job.spec.run_as},
            run_ids=runs.run_id[mask], cluster_ids=runs.cluster_id.filter(pa.array(mask)),
        ))
    return out


def _uptime_workload(ws: int, family: str, up: Uptime, rate: float, metadata: dict[str, object],
                     tags: dict[str, str], identity: dict[str, str]) -> Workload:
    n = len(up.start)
    return Workload(ws=ws, family=family, start=up.start, end=up.end, dbu_per_hour=up.units * rate,
                    metadata=metadata, tags=[tags], tag_index=np.zeros(n, np.int64), identity=identity)


def _other_workloads(ctx: Context) -> list[Workload]:
    world, out = ctx.world, []
    for c in world.clusters:
        up = ctx.cluster_uptime[c.info.cluster_id]
        out.append(_uptime_workload(c.ws, "all_purpose", up, c.node.dbu_per_hour,
                                    {"cluster_id": c.info.cluster_id, "node_type": c.node.node_type}, c.info.tags,
                                    {"owned_by": c.info.owner}))
    for wh in world.warehouses:
        up = ctx.warehouse_uptime[wh.info.warehouse_id]
        rate = vocab.WAREHOUSE_DBU_PER_CLUSTER_HOUR[wh.info.size]
        out.append(_uptime_workload(wh.ws, wh.sku_family, up, rate, {"warehouse_id": wh.info.warehouse_id}, wh.tags, {}))
    hours = np.arange(world.start_us, world.end_us, HOUR, dtype=np.int64)
    always = Uptime(start=hours, end=hours + HOUR, units=np.ones(len(hours), np.int64))
    for ep in world.endpoints:
        out.append(_uptime_workload(ep.ws, "serving", always, ep.dbu_per_hour,
                                    {"endpoint_name": ep.info.endpoint_name, "endpoint_id": ep.info.endpoint_id}, ep.tags, {}))
    rng = ctx.rng("billing.pipelines")
    for ws, plan in enumerate(world.workspaces):
        pipeline = f"{hex_id(rng, 8)}-{hex_id(rng, 4)}-{hex_id(rng, 4)}-{hex_id(rng, 4)}-{hex_id(rng, 12)}"
        tags = {"team": plan.team.name, "cost_center": plan.team.cost_center}
        out.append(_uptime_workload(ws, "dlt", always, 4 * 1.0, {"dlt_pipeline_id": pipeline}, tags, {"run_as": uuid_str(rng)}))
    return out


def _spike_workload(ctx: Context, spike: CostSpike, base: Workload | None) -> Workload:
    world = ctx.world
    hours = np.arange(spike.t0 - spike.t0 % HOUR, world.end_us, HOUR, dtype=np.int64)
    start = np.maximum(hours, spike.t0)
    meta = dict(base.metadata) if base else {}
    meta.pop("node_type", None)
    tags = base.tags[0] if base else {}
    return Workload(ws=spike.ws, family=spike.sku_family, start=start, end=hours + HOUR,
                    dbu_per_hour=np.full(len(hours), spike.extra_dbu_per_hour), metadata=meta, tags=[tags],
                    tag_index=np.zeros(len(hours), np.int64), identity=base.identity if base else {})


def _price(ctx: Context, ws: int, family: str) -> float:
    return vocab.list_price(family, ctx.world.workspaces[ws].info.cloud)


def _daily_cost(ctx: Context, workloads: list[Workload], ws: int, family: str | None = None) -> np.ndarray:
    """USD per simulated day for one workspace (optionally one SKU family)."""
    cost = np.zeros(ctx.world.days)
    for w in workloads:
        if w.ws != ws or (family and w.family != family):
            continue
        _, s, _, dbu = _hourly(w)
        np.add.at(cost, (s - ctx.world.start_us) // DAY, dbu * _price(ctx, ws, w.family))
    return cost


def _size_spikes(ctx: Context, workloads: list[Workload]) -> list[Workload]:
    extra = []
    for spike in ctx.plan.spikes:
        daily = _daily_cost(ctx, workloads, spike.ws, spike.sku_family)
        baseline = float(np.median(daily[-8:-1]))
        covered_h = (ctx.world.end_us - max(spike.t0, ctx.world.end_us - DAY)) / HOUR
        extra_usd_per_hour = (spike.ratio - 1) * baseline / covered_h
        spike.extra_dbu_per_hour = extra_usd_per_hour / _price(ctx, spike.ws, spike.sku_family)
        base = next((w for w in workloads if w.metadata.get("job_id") == spike.workload_id
                     or w.metadata.get("warehouse_id") == spike.workload_id), None)
        extra.append(_spike_workload(ctx, spike, base))
        ws = ctx.world.workspaces[spike.ws]
        sku = vocab.sku_name(spike.sku_family, ws.region)
        ctx.plan.add(Incident(
            domain="cost", kind="sku_spike", entity_type="workspace_sku", entity_id=f"{ws.info.workspace_id}/{sku}",
            window_start=from_us(spike.t0), window_end=from_us(ctx.world.end_us), workspace_id=ws.info.workspace_id,
            details={"sku_name": sku, "ratio": round(spike.ratio, 3), "baseline_usd_per_day": round(baseline, 2),
                     "workload": spike.workload, "workload_id": spike.workload_id},
        ))
    return extra


def _month_forecast(ctx: Context, daily: np.ndarray) -> tuple[float, float, int]:
    """(month-to-date USD, forecast USD, days left) for the month of the last simulated day."""
    last = from_us(ctx.world.end_us - 1)
    month_start = to_us(datetime(last.year, last.month, 1, tzinfo=UTC))
    next_month = datetime(last.year + (last.month == 12), last.month % 12 + 1, 1, tzinfo=UTC)
    left = int((to_us(next_month) - ctx.world.end_us) // DAY)
    first = max(0, int((month_start - ctx.world.start_us) // DAY))
    mtd = float(daily[first:].sum())
    return mtd, mtd + float(np.median(daily[-7:])) * left, left


def _budgets(ctx: Context, workloads: list[Workload]) -> dict[str, float]:
    rng = ctx.rng("billing.budgets")
    budgets: dict[str, float] = {}
    for ws, plan in enumerate(ctx.world.workspaces):
        wid = plan.info.workspace_id
        mtd, forecast, left = _month_forecast(ctx, _daily_cost(ctx, workloads, ws))
        factor = ctx.plan.budget_overrun.get(wid)
        budget = forecast * (factor if factor else float(rng.uniform(1.6, 2.2)))
        budgets[wid] = float(np.ceil(budget / 100) * 100) if not factor else float(np.floor(budget / 10) * 10)
        if factor:
            last = from_us(ctx.world.end_us - 1)
            start = max(ctx.world.start_us, to_us(datetime(last.year, last.month, 1, tzinfo=UTC)))
            ctx.plan.add(Incident(
                domain="cost", kind="budget_overrun", entity_type="workspace", entity_id=wid,
                window_start=from_us(start), window_end=from_us(ctx.world.end_us), workspace_id=wid,
                details={"budget_usd": budgets[wid], "forecast_usd": round(forecast, 2), "mtd_usd": round(mtd, 2), "days_left": left},
            ))
    return budgets


def _usage_batch(ctx: Context, w: Workload, schema: pa.Schema, rng: np.random.Generator) -> pa.RecordBatch:
    idx, s, e, dbu = _hourly(w)
    n = len(idx)
    plan = ctx.world.workspaces[w.ws]
    meta: dict[str, object] = dict(w.metadata)
    if w.run_ids is not None:
        meta["job_run_id"] = w.run_ids[idx]
    if w.cluster_ids is not None:
        meta["cluster_id"] = w.cluster_ids.take(pa.array(idx))
    _, _, _, origin = vocab.SKU_FAMILIES[w.family]
    features = {"is_serverless": w.family in ("sql_serverless", "serving", "jobs_serverless"), "is_photon": w.family.startswith("sql"),
                "jobs_tier": "CLASSIC" if w.family == "jobs" else None, "sql_tier": "PRO" if w.family.startswith("sql") else None,
                "dlt_tier": "CORE" if w.family == "dlt" else None, "serving_type": "MODEL" if w.family == "serving" else None}
    day = (s // DAY).astype(np.int32)
    return batch(schema, n, {
        "account_id": ctx.world.account_id, "workspace_id": plan.info.workspace_id, "record_id": uuids(rng, n),
        "sku_name": vocab.sku_name(w.family, plan.region), "cloud": plan.info.cloud, "usage_start_time": s,
        "usage_end_time": e, "usage_date": day, "custom_tags": map_array(w.tags, w.tag_index[idx]), "usage_unit": "DBU",
        "usage_quantity": np.round(dbu, 6), "usage_metadata": meta, "identity_metadata": w.identity or None,
        "record_type": "ORIGINAL", "ingestion_date": day + 1, "billing_origin_product": origin,
        "product_features": features, "usage_type": "COMPUTE_TIME",
    })


def _corrections(original: pa.Table, rng: np.random.Generator, cutoff_us: int) -> pa.Table:
    """A few restated records: RETRACTION (negated) + RESTATEMENT (same), so sums are unchanged."""
    start = original.column("usage_start_time").cast(pa.int64()).to_numpy()
    eligible = np.nonzero(start < cutoff_us)[0]
    if not len(eligible):
        return original.slice(0, 0)
    chosen = np.sort(rng.choice(eligible, size=max(1, len(eligible) // 300), replace=False))
    picked = original.take(pa.array(chosen))
    qty = picked.column("usage_quantity")
    retraction = picked.set_column(picked.schema.get_field_index("usage_quantity"), "usage_quantity",
                                   pc.negate(qty))
    parts = []
    for kind, table in (("RETRACTION", retraction), ("RESTATEMENT", picked)):
        table = table.set_column(table.schema.get_field_index("record_type"), "record_type", pa.repeat(pa.scalar(kind), len(chosen)))
        table = table.set_column(table.schema.get_field_index("record_id"), "record_id", uuids(rng, len(chosen)))
        parts.append(table)
    return pa.concat_tables(parts)


def generate_billing(ctx: Context) -> dict[str, float]:
    """Write list prices and usage; size the spend spikes; return monthly budgets per workspace."""
    world = ctx.world
    price_rows: list[dict[str, Any]] = []
    price_start = from_us(world.start_us - 400 * DAY)
    change = from_us(world.start_us - 60 * DAY)
    for plan in world.workspaces:
        for family in vocab.SKU_FAMILIES:
            sku = vocab.sku_name(family, plan.region)
            price = vocab.list_price(family, plan.info.cloud)
            if any(r["sku_name"] == sku and r["cloud"] == plan.info.cloud for r in price_rows):
                continue
            base = {"account_id": world.account_id, "sku_name": sku, "cloud": plan.info.cloud, "currency_code": "USD", "usage_unit": "DBU"}
            # An older, cheaper price that ended before the window: the join must pick by time.
            for begin, finish, usd in ((price_start, change, round(price * 0.9, 4)), (change, None, price)):
                value = Decimal(str(usd))
                price_rows.append({**base, "price_start_time": begin, "price_end_time": finish, "pricing": {
                    "default": value, "promotional": {"default": value}, "effective_list": {"default": value}}})
    ctx.write("system.billing.list_prices", rows_table(system_table_schema("system.billing.list_prices"), price_rows))
    workloads = _job_workloads(ctx) + _other_workloads(ctx)
    workloads += _size_spikes(ctx, workloads)
    budgets = _budgets(ctx, workloads)
    rng = ctx.rng("billing.usage")
    usage_schema = system_table_schema("system.billing.usage")
    usage = pa.Table.from_batches([_usage_batch(ctx, w, usage_schema, rng) for w in workloads], schema=usage_schema)
    usage = pa.concat_tables([usage, _corrections(usage, rng, world.end_us - 3 * DAY)])
    ctx.write("system.billing.usage", usage)
    return budgets
