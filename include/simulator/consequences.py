"""Incidents that follow from injected ones, read back from the generated data.

A job that keeps failing also stops refreshing the tables it writes (and fails their
freshness monitors); a failing training job may fail often enough to be a failure streak.
Those knock-on problems are real in the data, so they belong in the truth: they are derived
here with the same definitions the checks document (`HealthSettings` defaults), and marked
`details.derived_from` so an evaluation can tell them apart from the planned ones.
"""

from __future__ import annotations

import numpy as np

from include.health.settings import HealthSettings
from include.simulator.context import Context
from include.simulator.gen_quality import expected_interval, stale_limit_us
from include.simulator.ids import HOUR, from_us
from include.simulator.manifest import Incident


def _cause(ctx: Context, job_id: str | None) -> str:
    if job_id is None:
        return "unknown"
    planned = next((i for i in ctx.plan.incidents if i.entity_id == job_id), None)
    return f"{planned.domain}.{planned.kind}:{job_id}" if planned else f"job:{job_id}"


def _failure_streaks(ctx: Context, settings: HealthSettings) -> None:
    runs, world, end = ctx.runs, ctx.world, ctx.world.end_us
    window_start = end - settings.window_hours * HOUR
    for j, job in enumerate(world.jobs):
        idx = np.nonzero(runs.job == j)[0]
        if not len(idx) or runs.end[idx[-1]] < window_start:
            continue
        failed = runs.outcome[idx] > 0
        trailing = len(failed) - (np.nonzero(~failed)[0][-1] + 1) if (~failed).any() else len(failed)
        # the check's rule: `streak_min` failures, or `streak_min_daily` for a job running at most twice a day
        needed = settings.streak_min_daily if job.period_us >= 12 * HOUR else settings.streak_min
        if trailing >= needed and not ctx.plan.has("reliability", job.job_id):
            ctx.plan.add(Incident(
                domain="reliability", kind="failure_streak", entity_type="job", entity_id=job.job_id,
                window_start=from_us(int(runs.start[idx[-trailing]])), window_end=from_us(end),
                workspace_id=job.spec.workspace_id, details={"failed_runs": int(trailing), "derived_from": _cause(ctx, job.job_id)},
            ))


def _stale_tables(ctx: Context, settings: HealthSettings) -> None:
    end = ctx.world.end_us
    for table, writes in sorted(ctx.last_writes.items()):
        interval = expected_interval(writes)
        if interval is None or len(writes) < settings.stale_min_writes:
            continue
        limit = stale_limit_us(interval, settings)
        if end - writes[-1] > limit and not ctx.plan.has("data_quality", table):
            info = ctx.world.tables[table]
            ctx.plan.add(Incident(
                domain="data_quality", kind="stale_table", entity_type="table", entity_id=table,
                window_start=from_us(int(writes[-1] + limit)), window_end=from_us(end),
                workspace_id=ctx.world.workspaces[info.ws].info.workspace_id,
                details={"last_write": from_us(int(writes[-1])).isoformat(), "derived_from": _cause(ctx, info.writer_job)},
            ))


def _failing_monitors(ctx: Context, latest: dict[str, str]) -> None:
    end = ctx.world.end_us
    for table, status in sorted(latest.items()):
        if status == "Unhealthy" and not ctx.plan.has("data_quality", table):
            info = ctx.world.tables[table]
            ctx.plan.add(Incident(
                domain="data_quality", kind="failing_monitor", entity_type="table", entity_id=table,
                window_start=from_us(end - 24 * HOUR), window_end=from_us(end),
                workspace_id=ctx.world.workspaces[info.ws].info.workspace_id,
                details={"check": "freshness", "derived_from": _cause(ctx, info.writer_job)},
            ))


def derive_incidents(ctx: Context, settings: HealthSettings, monitor_latest: dict[str, str]) -> None:
    """Add the knock-on incidents present in the generated data to the plan's truth."""
    _failure_streaks(ctx, settings)
    _stale_tables(ctx, settings)
    _failing_monitors(ctx, monitor_latest)
