"""Simulate every scheduled job run (and its task runs) of the window, incidents included.

The result is a struct of numpy arrays, small even at large scale (one row per run), from which
the lakeflow timelines, job-cluster rows, job billing and lineage writes are all derived, so
they agree with one another.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from include.simulator.ids import SEC, stream
from include.simulator.plan import Plan
from include.simulator.schedule import CLEANUP_S, SETUP_S, scheduled_times
from include.simulator.world import World

# Failure behaviour -> (system-table result_state, termination_code, termination_type).
OUTCOMES: dict[str, tuple[str, str, str]] = {
    "none": ("SUCCEEDED", "SUCCESS", "SUCCESS"),
    "transient": ("FAILED", "DRIVER_ERROR", "INTERNAL_ERROR"),
    "capacity": ("ERROR", "CLOUD_FAILURE", "CLOUD_FAILURE"),
    "oom": ("FAILED", "RUN_EXECUTION_ERROR", "CLIENT_ERROR"),
    "permission": ("FAILED", "UNAUTHORIZED_ERROR", "CLIENT_ERROR"),
    "syntax": ("FAILED", "RUN_EXECUTION_ERROR", "CLIENT_ERROR"),
    "missing_table": ("FAILED", "RUN_EXECUTION_ERROR", "CLIENT_ERROR"),
}
BEHAVIOURS = list(OUTCOMES)
_ALNUM = np.frombuffer(b"abcdefghijklmnopqrstuvwxyz0123456789", dtype=np.uint8)


@dataclass
class RunSet:
    """One entry per job run, sorted by start time."""

    job: np.ndarray  # index into world.jobs
    run_id: np.ndarray
    start: np.ndarray  # run (and timeline) start, µs
    cluster_start: np.ndarray
    exec_start: np.ndarray
    exec_end: np.ndarray
    end: np.ndarray
    queue_s: np.ndarray
    setup_s: np.ndarray
    exec_s: np.ndarray
    cleanup_s: np.ndarray
    outcome: np.ndarray  # index into BEHAVIOURS (0 = success)
    failed_task: np.ndarray  # -1 when the run succeeded
    done_share: np.ndarray  # share of the job's work done before the run ended
    cluster_id: pa.Array

    def __len__(self) -> int:
        return len(self.job)

    @property
    def succeeded(self) -> np.ndarray:
        succeeded: np.ndarray = self.outcome == 0
        return succeeded


@dataclass
class TaskRunSet:
    """One entry per task run; tasks after a failed one never ran and have no entry."""

    run: np.ndarray  # index into the RunSet
    task: np.ndarray  # index into the job's task list
    task_run_id: np.ndarray
    start: np.ndarray
    end: np.ndarray
    outcome: np.ndarray


def _job_runs(world: World, plan: Plan, j: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    job = world.jobs[j]
    sched = scheduled_times(job, world.start_us, world.end_us)
    effect = plan.jobs.get(job.job_id)
    if effect and effect.paused:
        sched = sched[sched < effect.t0]
    n = len(sched)
    start = sched + (rng.uniform(1, 12, n) * SEC).astype(np.int64)
    queue = np.round(rng.exponential(2.0, n), 1)
    setup = rng.uniform(*SETUP_S, n)
    mult = np.ones(n)
    if effect and effect.duration_mult != 1.0:
        mult[sched >= effect.t0] = effect.duration_mult
    if effect and effect.ramp_start is not None:
        frac = np.clip((sched - effect.ramp_start) / (world.end_us - effect.ramp_start), 0, 1)
        mult *= 1 + effect.ramp_gain * frac
    noise = effect.noise if effect and effect.noise is not None else 0.08
    exec_s = job.duration_s * rng.lognormal(0.0, noise, n) * mult
    cleanup = rng.uniform(*CLEANUP_S, n)
    outcome = np.zeros(n, dtype=np.int8)
    draw = rng.random(n)
    if effect and (effect.fail_all or effect.fail_prob):
        after = sched >= effect.t0
        failing = after if effect.fail_all else after & (draw < effect.fail_prob)
        outcome[failing] = BEHAVIOURS.index(effect.behaviour)
    elif not effect and job.spec.failure_behaviour in ("transient", "capacity"):
        outcome[draw < job.spec.failure_rate] = BEHAVIOURS.index(job.spec.failure_behaviour)
    failed = outcome > 0
    n_tasks = len(job.spec.tasks)
    failed_task = np.where(failed, rng.integers(0, n_tasks, n), -1)
    capacity = outcome == BEHAVIOURS.index("capacity")
    permission = outcome == BEHAVIOURS.index("permission")
    failed_task[capacity] = 0
    failed_task[permission] = n_tasks - 1
    setup[capacity] = rng.uniform(300, 900, int(capacity.sum()))
    weights = stream(world.seed, f"tasks:{job.job_id}").dirichlet(np.full(n_tasks, 4.0))
    done_share = np.where(failed, (np.cumsum(weights)[np.maximum(failed_task, 0)] - weights[np.maximum(failed_task, 0)])
                          + weights[np.maximum(failed_task, 0)] * rng.uniform(0.1, 0.9, n), 1.0)
    done_share[capacity] = 0.0
    exec_s = exec_s * done_share
    cluster_start = start + (queue * SEC).astype(np.int64)
    exec_start = cluster_start + (setup * SEC).astype(np.int64)
    exec_end = exec_start + (exec_s * SEC).astype(np.int64)
    end = exec_end + (cleanup * SEC).astype(np.int64)
    return {
        "job": np.full(n, j, dtype=np.int32), "start": start, "cluster_start": cluster_start,
        "exec_start": exec_start, "exec_end": exec_end, "end": end, "queue_s": queue, "setup_s": setup,
        "exec_s": exec_s, "cleanup_s": cleanup, "outcome": outcome, "failed_task": failed_task.astype(np.int16),
        "done_share": done_share,
    }


def _cluster_ids(rng: np.random.Generator, created_us: np.ndarray) -> pa.Array:
    stamp = pc.strftime(pa.array(created_us, type=pa.timestamp("us", tz="UTC")), format="%m%d-%H%M%S")
    suffix = _ALNUM[rng.integers(0, len(_ALNUM), size=(len(created_us), 8))]
    tail = pa.array(np.ascontiguousarray(suffix).view("S8").ravel()).cast(pa.string())
    return pc.binary_join_element_wise(stamp, tail, "-")


def simulate_runs(world: World, plan: Plan) -> RunSet:
    """Every job run in `[start, end)`, with incident effects applied."""
    rng = stream(world.seed, "runs")
    parts = [_job_runs(world, plan, j, rng) for j in range(len(world.jobs))]
    cols = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    keep = cols["end"] < world.end_us
    order = np.argsort(cols["start"][keep], kind="stable")
    cols = {k: v[keep][order] for k, v in cols.items()}
    n = len(cols["start"])
    run_id = 400_000_000_000_000 + np.cumsum(rng.integers(10, 5_000, n))
    return RunSet(run_id=run_id.astype(np.int64), cluster_id=_cluster_ids(rng, cols["cluster_start"]), **cols)


def task_runs(world: World, runs: RunSet) -> TaskRunSet:
    """Sequential task runs of every job run (a failed task ends its run)."""
    out: dict[str, list[np.ndarray]] = {k: [] for k in ("run", "task", "start", "end", "outcome")}
    for j, job in enumerate(world.jobs):
        idx = np.nonzero(runs.job == j)[0]
        if not len(idx):
            continue
        n_tasks = len(job.spec.tasks)
        weights = stream(world.seed, f"tasks:{job.job_id}").dirichlet(np.full(n_tasks, 4.0))
        bounds = np.concatenate([[0.0], np.cumsum(weights)])
        failed_task = runs.failed_task[idx]
        # Duration the whole job would have taken: the run did `done_share` of it.
        full_span = (runs.exec_end[idx] - runs.exec_start[idx]) / np.maximum(runs.done_share[idx], 1e-9)
        for t in range(n_tasks):
            ran = (failed_task < 0) | (failed_task >= t)
            if not ran.any():
                continue
            r = idx[ran]
            is_failed = failed_task[ran] == t
            t_start = np.minimum(runs.exec_start[r] + (bounds[t] * full_span[ran]).astype(np.int64), runs.exec_end[r])
            t_end = runs.exec_start[r] + (bounds[t + 1] * full_span[ran]).astype(np.int64)
            t_end = np.where(is_failed, runs.exec_end[r], np.minimum(t_end, runs.exec_end[r]))
            out["run"].append(r)
            out["task"].append(np.full(len(r), t, dtype=np.int16))
            out["start"].append(t_start)
            out["end"].append(t_end)
            out["outcome"].append(np.where(is_failed, runs.outcome[r], 0).astype(np.int8))
    cols = {k: np.concatenate(v) for k, v in out.items()}
    order = np.lexsort((cols["task"], cols["run"]))
    cols = {k: v[order] for k, v in cols.items()}
    return TaskRunSet(task_run_id=runs.run_id[cols["run"]] + 1 + cols["task"], **cols)
