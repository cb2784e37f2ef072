"""`system.lakeflow.*`: job definitions (SCD2), task definitions, run and task-run timelines."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pyarrow as pa

from include.lakehouse.schema import system_table_schema
from include.simulator.arrowkit import NULL, batch, rows_table
from include.simulator.context import Context
from include.simulator.ids import DAY, HOUR, SEC, from_us
from include.simulator.runs import BEHAVIOURS, OUTCOMES
from include.simulator.world import JobPlan, World

_RESULT = pa.array([OUTCOMES[b][0] for b in BEHAVIOURS])
_CODE = pa.array([OUTCOMES[b][1] for b in BEHAVIOURS])
_TYPE = pa.array([OUTCOMES[b][2] for b in BEHAVIOURS])
SLICE_ROWS = 500_000


def _user_id(world: World, email_or_app: str) -> str:
    user = next((u for u in world.users if u.email == email_or_app), None)
    return user.user_id if user else email_or_app


def _job_row(
    ctx: Context, job: JobPlan, change_us: int, *, tags: dict[str, str], paused: bool
) -> dict[str, Any]:
    spec, world = job.spec, ctx.world
    rules = ([{"metric": "RUN_DURATION_SECONDS", "operator": "GREATER_THAN", "value": spec.sla_minutes * 60}]
             if spec.sla_minutes else None)
    return {
        "account_id": world.account_id, "workspace_id": spec.workspace_id, "job_id": spec.job_id,
        "name": spec.name, "creator_id": _user_id(world, spec.owner), "tags": list(tags.items()),
        "run_as": _user_id(world, spec.run_as), "change_time": from_us(change_us), "delete_time": None,
        "description": f"{spec.workload} job for {spec.team}",
        "trigger": {"schedule": {"quartz_cron_expression": spec.quartz_cron, "timezone_id": spec.timezone}},
        "trigger_type": "CRON", "run_as_user_name": spec.run_as, "creator_user_name": spec.owner,
        "paused": paused, "timeout_seconds": spec.timeout_seconds, "health_rules": rules,
        "deployment": {"kind": "BUNDLE", "metadata_file_path": f"/Workspace/Users/{spec.owner}/.bundle/{spec.name}/state/metadata.json"},
        "create_time": from_us(job.created_us),
    }


def _jobs(ctx: Context) -> None:
    rows, task_rows = [], []
    for job in ctx.world.jobs:
        spec = job.spec
        effect = ctx.plan.jobs.get(spec.job_id)
        base_tags = dict(spec.tags)
        # An earlier edit of the job before the window: SCD2 history, the newest row wins.
        rows.append(_job_row(ctx, job, job.created_us, tags=base_tags, paused=False))
        rows.append(_job_row(ctx, job, job.created_us + 3 * DAY, tags=base_tags, paused=False))
        if effect and effect.untagged:
            untagged = {k: v for k, v in base_tags.items() if k not in ("team", "cost_center")}
            rows.append(_job_row(ctx, job, effect.t0, tags=untagged, paused=False))
        if effect and effect.paused:
            rows.append(_job_row(ctx, job, effect.t0, tags=base_tags, paused=True))
        for task in spec.tasks:
            task_rows.append({
                "account_id": ctx.world.account_id, "workspace_id": spec.workspace_id, "job_id": spec.job_id,
                "task_key": task.task_key, "depends_on_keys": task.depends_on, "change_time": from_us(job.created_us),
                "delete_time": None, "timeout_seconds": None, "health_rules": None,
            })
    ctx.write("system.lakeflow.jobs", rows_table(system_table_schema("system.lakeflow.jobs"), rows))
    ctx.write("system.lakeflow.job_tasks", rows_table(system_table_schema("system.lakeflow.job_tasks"), task_rows))


def _slices(start: np.ndarray, end: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Cut intervals at hour boundaries: (row index, slice start, slice end, is-final-slice)."""
    first = start // HOUR
    count = (np.maximum(end - 1, start) // HOUR - first + 1).astype(np.int64)
    idx = np.repeat(np.arange(len(start)), count)
    k = np.arange(len(idx)) - np.repeat(np.cumsum(count) - count, count)
    s = np.maximum(start[idx], (first[idx] + k) * HOUR)
    e = np.minimum(end[idx], (first[idx] + k + 1) * HOUR)
    return idx, s, e, k == count[idx] - 1


def _single_list(values: pa.Array) -> pa.Array:
    return pa.ListArray.from_arrays(pa.array(np.arange(len(values) + 1, dtype=np.int32)), values)


def _compute_list(cluster_ids: pa.Array) -> pa.Array:
    n = len(cluster_ids)
    structs = pa.StructArray.from_arrays(
        [pa.repeat(pa.scalar("CLUSTER"), n), cluster_ids, pa.nulls(n, pa.string())], names=["type", "cluster_id", "warehouse_id"]
    )
    return _single_list(structs)


def _final(values: pa.Array, final: np.ndarray) -> pa.Array:
    return pa.array(np.where(final, values.to_numpy(zero_copy_only=False), NULL), type=values.type)


def _final_seconds(values: np.ndarray, final: np.ndarray) -> pa.Array:
    return pa.array(np.where(final, np.round(values).astype(np.int64), NULL), type=pa.int64())


def _run_timeline(ctx: Context) -> Iterator[pa.RecordBatch]:
    runs, world = ctx.runs, ctx.world
    schema = system_table_schema("system.lakeflow.job_run_timeline")
    idx, s, e, final = _slices(runs.start, runs.end)
    ws_ids = pa.array([j.spec.workspace_id for j in world.jobs])
    job_ids = pa.array([j.spec.job_id for j in world.jobs])
    names = pa.array([j.spec.name for j in world.jobs])
    for lo in range(0, len(idx), SLICE_ROWS):
        sl = slice(lo, lo + SLICE_ROWS)
        i, fin = idx[sl], final[sl]
        jobs = pa.array(runs.job[i])
        outcome = pa.array(runs.outcome[i].astype(np.int64))
        clusters = runs.cluster_id.take(pa.array(i))
        yield batch(schema, len(i), {
            "account_id": world.account_id, "workspace_id": ws_ids.take(jobs), "job_id": job_ids.take(jobs),
            "run_id": runs.run_id[i], "period_start_time": s[sl], "period_end_time": e[sl], "trigger_type": "CRON",
            "result_state": _final(_RESULT.take(outcome), fin), "run_type": "JOB_RUN", "run_name": names.take(jobs),
            "compute_ids": _single_list(clusters), "termination_code": _final(_CODE.take(outcome), fin),
            "compute": _compute_list(clusters), "termination_type": _final(_TYPE.take(outcome), fin),
            "setup_duration_seconds": _final_seconds(runs.setup_s[i], fin),
            "queue_duration_seconds": _final_seconds(runs.queue_s[i], fin),
            "run_duration_seconds": _final_seconds((runs.end[i] - runs.start[i]) / SEC, fin),
            "cleanup_duration_seconds": _final_seconds(runs.cleanup_s[i], fin),
            "execution_duration_seconds": _final_seconds((runs.exec_end[i] - runs.exec_start[i]) / SEC, fin),
        })


def _task_timeline(ctx: Context) -> Iterator[pa.RecordBatch]:
    runs, tasks, world = ctx.runs, ctx.tasks, ctx.world
    schema = system_table_schema("system.lakeflow.job_task_run_timeline")
    idx, s, e, final = _slices(tasks.start, np.maximum(tasks.end, tasks.start + SEC))
    ws_ids = pa.array([j.spec.workspace_id for j in world.jobs])
    job_ids = pa.array([j.spec.job_id for j in world.jobs])
    offsets = np.cumsum([0] + [len(j.spec.tasks) for j in world.jobs])
    keys = pa.array([t.task_key for j in world.jobs for t in j.spec.tasks])
    for lo in range(0, len(idx), SLICE_ROWS):
        sl = slice(lo, lo + SLICE_ROWS)
        i, fin = idx[sl], final[sl]
        run = tasks.run[i]
        jobs = pa.array(runs.job[run])
        outcome = pa.array(tasks.outcome[i].astype(np.int64))
        clusters = runs.cluster_id.take(pa.array(run))
        dur = (tasks.end[i] - tasks.start[i]) / SEC
        yield batch(schema, len(i), {
            "account_id": world.account_id, "workspace_id": ws_ids.take(jobs), "job_id": job_ids.take(jobs),
            "run_id": tasks.task_run_id[i], "job_run_id": runs.run_id[run], "parent_run_id": runs.run_id[run],
            "period_start_time": s[sl], "period_end_time": e[sl],
            "task_key": keys.take(pa.array(offsets[runs.job[run]] + tasks.task[i])),
            "compute_ids": _single_list(clusters), "result_state": _final(_RESULT.take(outcome), fin),
            "termination_code": _final(_CODE.take(outcome), fin), "compute": _compute_list(clusters),
            "termination_type": _final(_TYPE.take(outcome), fin),
            "setup_duration_seconds": pa.array(np.where(fin, 0, NULL), type=pa.int64()),
            "cleanup_duration_seconds": pa.array(np.where(fin, 0, NULL), type=pa.int64()),
            "execution_duration_seconds": pa.array(np.where(fin, np.round(dur).astype(np.int64), NULL), type=pa.int64()),
        })


def generate_lakeflow(ctx: Context) -> None:
    """Write the four lakeflow tables from the world's jobs and the simulated runs."""
    _jobs(ctx)
    ctx.write("system.lakeflow.job_run_timeline", _run_timeline(ctx))
    ctx.write("system.lakeflow.job_task_run_timeline", _task_timeline(ctx))
