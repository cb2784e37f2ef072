"""`system.compute.*` for classic compute: node types, clusters (SCD2), per-minute node timeline.

All-purpose clusters run in business-hours sessions (plus an idle tail until auto-termination);
job clusters live for one run. Incident effects change a cluster's load, size or uptime.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from include.lakehouse.schema import system_table_schema
from include.simulator import vocab
from include.simulator.arrowkit import batch, map_array, rows_table
from include.simulator.context import Context, Uptime
from include.simulator.ids import DAY, HOUR, MIN, from_us
from include.simulator.plan import ClusterEffect
from include.simulator.world import ClusterPlan

_DISKS = [{"/": int(v), "/local_disk0": int(v * 9)} for v in np.linspace(20e9, 60e9, 8)]
TIMELINE_ROWS = 400_000


def _cloud_attributes(cloud: str) -> dict[str, Any]:
    if cloud == "AWS":
        return {"aws_attributes": {"zone_id": "auto", "first_on_demand": 1, "availability": "SPOT_WITH_FALLBACK",
                                   "spot_bid_price_percent": 100, "ebs_volume_count": 0}}
    return {"azure_attributes": {"first_on_demand": 1, "availability": "ON_DEMAND_AZURE", "spot_bid_max_price": -1.0}}


def _cluster_row(
    ctx: Context, plan: ClusterPlan, change_us: int, workers: int, auto_term: int
) -> dict[str, Any]:
    info, ws = plan.info, ctx.world.workspaces[plan.ws]
    return {
        "account_id": ctx.world.account_id, "workspace_id": info.workspace_id, "cluster_id": info.cluster_id,
        "cluster_name": info.cluster_name, "owned_by": info.owner, "create_time": from_us(plan.created_us),
        "delete_time": None, "driver_node_type": plan.node.node_type, "worker_node_type": plan.node.node_type,
        "worker_count": workers, "auto_termination_minutes": auto_term, "enable_elastic_disk": True,
        "tags": list(info.tags.items()), "cluster_source": info.source, "dbr_version": "15.4.x-scala2.12",
        "change_time": from_us(change_us), "change_date": from_us(change_us).date(),
        "data_security_mode": "USER_ISOLATION" if "shared" in info.cluster_name else "SINGLE_USER",
        **_cloud_attributes(ws.info.cloud),
    }


def _all_purpose_rows(ctx: Context) -> list[dict[str, Any]]:
    rows = []
    for plan in ctx.world.clusters:
        info = plan.info
        rows.append(_cluster_row(ctx, plan, plan.created_us, info.workers, info.auto_termination_minutes))
        effect = ctx.plan.clusters.get(info.cluster_id)
        if effect and effect.workers:
            rows.append(_cluster_row(ctx, plan, effect.t0, effect.workers, info.auto_termination_minutes))
        if effect and effect.always_on:
            rows.append(_cluster_row(ctx, plan, effect.t0, info.workers, 0))
    return rows


def _job_cluster_batches(ctx: Context) -> Iterator[pa.RecordBatch]:
    runs, world = ctx.runs, ctx.world
    schema = system_table_schema("system.compute.clusters")
    n = len(runs)
    jobs = world.jobs
    tags = []
    for j in jobs:
        effect = ctx.plan.jobs.get(j.job_id)
        base = {**j.spec.tags, "JobId": j.job_id}
        tags.append(base)
        tags.append({k: v for k, v in base.items() if k not in ("team", "cost_center")} if effect and effect.untagged else base)
    untagged_after = np.array([ctx.plan.jobs[j.job_id].t0 if ctx.plan.jobs.get(j.job_id) and ctx.plan.jobs[j.job_id].untagged
                               else np.iinfo(np.int64).max for j in jobs])
    tag_idx = runs.job.astype(np.int64) * 2 + (runs.start >= untagged_after[runs.job])
    run_names = pa.array([f"job-{j.job_id}-run-" for j in jobs]).take(pa.array(runs.job))
    names = pc.binary_join_element_wise(run_names, pa.array(runs.run_id).cast(pa.string()), "")
    node = pa.array([j.node.node_type for j in jobs]).take(pa.array(runs.job))
    ws_ids = pa.array([j.spec.workspace_id for j in jobs]).take(pa.array(runs.job))
    owners = pa.array([j.spec.run_as for j in jobs]).take(pa.array(runs.job))
    change = runs.end
    yield batch(schema, n, {
        "account_id": world.account_id, "workspace_id": ws_ids, "cluster_id": runs.cluster_id, "cluster_name": names,
        "owned_by": owners, "create_time": runs.cluster_start, "delete_time": runs.end, "driver_node_type": node,
        "worker_node_type": node, "worker_count": np.array([j.nodes - 1 for j in jobs], dtype=np.int64)[runs.job],
        "auto_termination_minutes": 0, "enable_elastic_disk": True, "tags": map_array(tags, tag_idx),
        "cluster_source": "JOB", "dbr_version": "15.4.x-scala2.12", "change_time": change,
        "change_date": (change // DAY).astype(np.int32), "data_security_mode": "SINGLE_USER",
    })


def _sessions(ctx: Context, plan: ClusterPlan, effect: ClusterEffect | None,
              rng: np.random.Generator) -> list[tuple[int, int, int, int, float, float]]:
    """Uptime sessions (start, busy_end, end, nodes, cpu, mem) of an all-purpose cluster."""
    out = []
    auto = plan.info.auto_termination_minutes * MIN
    for day in ctx.day_starts():
        affected = effect is not None and day + DAY > effect.t0
        weekday = from_us(int(day)).weekday() < 5
        if not (weekday or rng.random() < plan.weekend_prob or (affected and effect.every_day)):  # type: ignore[union-attr]
            continue
        start = day + int((plan.start_hour + rng.uniform(-0.4, 0.4)) * HOUR)
        busy_end = start + int((plan.hours + rng.uniform(-0.8, 0.8)) * HOUR)
        nodes, cpu, mem = plan.info.workers + 1, plan.cpu, plan.mem
        if affected and effect is not None and start >= effect.t0:
            nodes = (effect.workers or plan.info.workers) + 1
            cpu, mem = effect.cpu, effect.mem
        out.append((start, busy_end, busy_end + auto, nodes, cpu, mem))
    if effect is not None and effect.always_on:
        kept = [s for s in out if s[2] <= effect.t0]
        kept.append((effect.t0, effect.t0, ctx.world.end_us, plan.info.workers + 1, effect.cpu, effect.mem))
        out = kept
    return out


def _minutes(start: int, busy_end: int, end: int, nodes: int, cpu: float, mem: float, idle_cpu: float,
             rng: np.random.Generator) -> dict[str, np.ndarray]:
    minutes = np.arange(start // MIN * MIN, end - MIN + 1, MIN, dtype=np.int64)
    t = np.repeat(minutes, nodes)
    node = np.tile(np.arange(nodes), len(minutes))
    busy = t < busy_end
    level = np.where(busy, cpu, idle_cpu)
    noise_sd = np.where(busy, np.maximum(2.0, cpu * 0.12), np.maximum(0.1, idle_cpu * 0.25))
    total = np.clip(level + rng.normal(0, 1, len(t)) * noise_sd, 0.05, 99.5)
    return {"t": t, "node": node, "cpu_user": total * 0.85, "cpu_system": total * 0.15,
            "mem": np.clip(mem + rng.normal(0, 2.0, len(t)), 1, 99.9)}


def _timeline_batch(ctx: Context, schema: pa.Schema, ws_id: str, cluster: str, node_type: str,
                    instances: list[str], m: dict[str, np.ndarray],
                    rng: np.random.Generator) -> pa.RecordBatch:
    n = len(m["t"])
    return batch(schema, n, {
        "account_id": ctx.world.account_id, "workspace_id": ws_id, "cluster_id": cluster,
        "instance_id": pa.array(instances).take(pa.array(m["node"])), "start_time": m["t"], "end_time": m["t"] + MIN,
        "driver": m["node"] == 0, "cpu_user_percent": np.round(m["cpu_user"], 2),
        "cpu_system_percent": np.round(m["cpu_system"], 2), "cpu_wait_percent": np.round(rng.uniform(0, 1.5, n), 2),
        "mem_used_percent": np.round(m["mem"], 2), "mem_swap_percent": 0.0,
        "network_sent_bytes": rng.integers(10_000, 50_000_000, n), "network_received_bytes": rng.integers(10_000, 80_000_000, n),
        "disk_free_bytes_per_mount_point": map_array(_DISKS, rng.integers(0, len(_DISKS), n), pa.int64()),
        "node_type": node_type,
    })


def _instances(rng: np.random.Generator, cloud: str, n: int) -> list[str]:
    if cloud == "AWS":
        return ["i-0" + "".join(f"{b:02x}" for b in rng.integers(0, 256, 8))[:16] for _ in range(n)]
    return ["".join(f"{b:02x}" for b in rng.integers(0, 256, 16)) for _ in range(n)]


def _all_purpose_timeline(ctx: Context, rng: np.random.Generator) -> Iterator[pa.RecordBatch]:
    schema = system_table_schema("system.compute.node_timeline")
    for plan in ctx.world.clusters:
        effect = ctx.plan.clusters.get(plan.info.cluster_id)
        sessions = _sessions(ctx, plan, effect, rng)
        cloud = ctx.world.workspaces[plan.ws].info.cloud
        ctx.cluster_uptime[plan.info.cluster_id] = Uptime(
            start=np.array([s[0] for s in sessions], dtype=np.int64), end=np.array([s[2] for s in sessions], dtype=np.int64),
            units=np.array([s[3] for s in sessions], dtype=np.int64),
        )
        for start, busy_end, end, nodes, cpu, mem in sessions:
            m = _minutes(start, busy_end, end, nodes, cpu, mem, effect.cpu if effect and effect.always_on and start >= effect.t0 else 1.0, rng)
            yield _timeline_batch(ctx, schema, plan.info.workspace_id, plan.info.cluster_id, plan.node.node_type,
                                  _instances(rng, cloud, nodes), m, rng)


def _job_timeline(ctx: Context, rng: np.random.Generator) -> Iterator[pa.RecordBatch]:
    """Per-minute rows of job clusters, generated a day of runs at a time to bound memory."""
    runs, world = ctx.runs, ctx.world
    schema = system_table_schema("system.compute.node_timeline")
    nodes_of = np.array([j.nodes for j in world.jobs])
    ws_of = pa.array([j.spec.workspace_id for j in world.jobs])
    type_of = pa.array([j.node.node_type for j in world.jobs])
    day_of = runs.cluster_start // DAY
    for day in np.unique(day_of):
        idx = np.nonzero(day_of == day)[0]
        n_min = np.maximum((runs.end[idx] - runs.cluster_start[idx]) // MIN, 1)
        per_run = n_min * nodes_of[runs.job[idx]]
        r = np.repeat(idx, per_run)
        k = np.arange(len(r)) - np.repeat(np.cumsum(per_run) - per_run, per_run)
        nodes = nodes_of[runs.job[r]]
        minute, node = k // nodes, k % nodes
        t = runs.cluster_start[r] // MIN * MIN + minute * MIN
        busy = (t >= runs.exec_start[r]) & (t < runs.exec_end[r])
        cpu = np.clip(np.where(busy, rng.uniform(45, 80, len(r)), rng.uniform(2, 8, len(r))), 0.1, 99)
        mem = np.clip(np.where(busy, rng.uniform(40, 75, len(r)), rng.uniform(10, 20, len(r))), 1, 99)
        instance = pc.binary_join_element_wise(
            runs.cluster_id.take(pa.array(r)), pa.array(node.astype(np.int64)).cast(pa.string()), "-node-")
        for lo in range(0, len(r), TIMELINE_ROWS):
            sl = slice(lo, lo + TIMELINE_ROWS)
            n = len(r[sl])
            jobs = pa.array(runs.job[r[sl]])
            yield batch(schema, n, {
                "account_id": world.account_id, "workspace_id": ws_of.take(jobs), "cluster_id": runs.cluster_id.take(pa.array(r[sl])),
                "instance_id": instance[lo:lo + n], "start_time": t[sl], "end_time": t[sl] + MIN, "driver": node[sl] == 0,
                "cpu_user_percent": np.round(cpu[sl] * 0.85, 2), "cpu_system_percent": np.round(cpu[sl] * 0.15, 2),
                "cpu_wait_percent": np.round(rng.uniform(0, 3, n), 2), "mem_used_percent": np.round(mem[sl], 2),
                "mem_swap_percent": 0.0, "network_sent_bytes": rng.integers(10_000, 200_000_000, n),
                "network_received_bytes": rng.integers(10_000, 400_000_000, n),
                "disk_free_bytes_per_mount_point": map_array(_DISKS, rng.integers(0, len(_DISKS), n), pa.int64()),
                "node_type": type_of.take(jobs),
            })


def generate_compute(ctx: Context) -> None:
    """Write node types, clusters and node timeline; record all-purpose uptime for billing."""
    world = ctx.world
    node_rows = [
        {"account_id": world.account_id, "node_type": n.node_type, "core_count": float(n.cores),
         "memory_mb": n.memory_mb, "gpu_count": n.gpus}
        for cloud in sorted({w.info.cloud for w in world.workspaces}) for n in vocab.NODE_TYPES[cloud]
    ]
    ctx.write("system.compute.node_types", rows_table(system_table_schema("system.compute.node_types"), node_rows))

    def clusters() -> Iterator[pa.RecordBatch]:
        yield from rows_table(system_table_schema("system.compute.clusters"), _all_purpose_rows(ctx)).to_batches()
        yield from _job_cluster_batches(ctx)

    ctx.write("system.compute.clusters", clusters())
    rng = ctx.rng("node_timeline")

    def timeline() -> Iterator[pa.RecordBatch]:
        yield from _all_purpose_timeline(ctx, rng)
        yield from _job_timeline(ctx, rng)

    ctx.write("system.compute.node_timeline", timeline())
