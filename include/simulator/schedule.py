"""When scheduled jobs run, and what they cost per day when all goes well."""

from __future__ import annotations

import numpy as np

from include.simulator.ids import HOUR, SEC
from include.simulator.world import JobPlan, World

SETUP_S = (150.0, 330.0)  # job-cluster start-up, uniform
CLEANUP_S = (5.0, 30.0)


def horizon_us(job: JobPlan) -> int:
    """Runs scheduled later than `end - horizon` would still be running at the end: not emitted."""
    return int((4 * job.duration_s + 900) * SEC)


def scheduled_times(job: JobPlan, start_us: int, end_us: int) -> np.ndarray:
    """Scheduled start times (epoch µs) of a job's runs that complete inside `[start, end)`."""
    first = start_us - (start_us % job.period_us) + job.offset_us
    if first < start_us:
        first += job.period_us
    last = end_us - horizon_us(job)
    if last < first:
        return np.empty(0, dtype=np.int64)
    return np.arange(first, last + 1, job.period_us, dtype=np.int64)


def runs_per_day(job: JobPlan) -> float:
    return 24 * HOUR / job.period_us


def expected_daily_dbu(job: JobPlan) -> float:
    """DBUs a job burns per day when nothing is wrong."""
    hours = (job.duration_s + sum(SETUP_S) / 2) / 3600
    return runs_per_day(job) * hours * job.nodes * job.node.dbu_per_hour


def workspace_job_dbu(world: World, ws: int) -> float:
    return sum(expected_daily_dbu(j) for j in world.jobs if j.ws == ws)
