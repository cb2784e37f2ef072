"""The demo start of `lakepilot up`: each kind of failing job runs once at once, so a first day shows repairs
and notices within minutes instead of whenever a daily job's cron next comes round.

Only for the local simulated workspace (the emulator's jobs and their manifest); the runs go through the
emulator's Jobs API like any `run-now`, and fail as often as those jobs fail on schedule.
"""

from __future__ import annotations

from include.emulator.client import EmulatorClient
from include.simulator.manifest import JobSpec, WorkspaceManifest


def failing_jobs(manifest: WorkspaceManifest) -> list[JobSpec]:
    """One unpaused job per failure behaviour other than "none": the one that fails most often (then lowest id)."""
    def rank(job: JobSpec) -> tuple[float, int, str]:
        return -job.failure_rate, len(job.job_id), job.job_id  # numeric ids: shorter is smaller

    best: dict[str, JobSpec] = {}
    for job in manifest.jobs:
        if job.failure_behaviour == "none" or job.paused:
            continue
        current = best.get(job.failure_behaviour)
        if current is None or rank(job) < rank(current):
            best[job.failure_behaviour] = job
    return [best[b] for b in sorted(best)]


def run_failing_jobs(client: EmulatorClient, manifest: WorkspaceManifest) -> list[tuple[JobSpec, int]]:
    """`run-now` each of `failing_jobs`; (job, run_id) of the runs started."""
    started = []
    for job in failing_jobs(manifest):
        run = client.request("POST", "/api/2.2/jobs/run-now", {"job_id": int(job.job_id)})
        started.append((job, int(run["run_id"])))
    return started
