"""The emulator's own control API under `/_emulator/` (not part of Databricks' API).

For tests and demos: set how a job fails, run the clock/scheduler now, flush timelines, read
why a task attempt succeeded or failed, and inject faults (`faults`: see include/emulator/faults.py).
Same token as the Jobs API, except `GET health`.
"""

from __future__ import annotations

import re
from typing import Any

from include.emulator.errors import endpoint_not_found, invalid, job_not_found
from include.emulator.params import Params, to_int
from include.emulator.service import Emulator

MAX_ADVANCE_S = 366 * 24 * 3600
_JOB_BEHAVIOUR = re.compile(r"^jobs/(\d+)/behaviour$")
_RUN_OUTCOMES = re.compile(r"^runs/(\d+)/outcomes$")


def _rate(p: Params) -> float:
    value = p.raw("failure_rate", 1.0)
    try:
        return float(value)
    except (TypeError, ValueError):
        raise invalid(f"Invalid value for failure_rate: {str(value)[:40]!r} is not a number") from None


def _job_summary(em: Emulator, job_id: int) -> dict[str, Any]:
    job = em.job(job_id)
    if job is None:
        raise job_not_found(job_id)
    return {"job_id": job.job_id, "name": job.name, "behaviour": job.behaviour, "failure_rate": job.failure_rate,
            "typical_duration_s": job.typical_duration_s, "baseline_cluster": job.baseline.model_dump(), "source": job.source}


def handle(em: Emulator, method: str, path: str, p: Params) -> dict[str, Any]:
    """Answer one control request."""
    if (method, path) == ("GET", "health"):
        return em.health()
    if (method, path) == ("POST", "tick"):
        advance = p.raw("schedule_advance_seconds", 0) or 0
        try:
            seconds = float(advance)
        except (TypeError, ValueError):
            raise invalid(f"Invalid value for schedule_advance_seconds: {str(advance)[:40]!r}") from None
        if not 0 <= seconds <= MAX_ADVANCE_S:
            raise invalid(f"schedule_advance_seconds must be between 0 and {MAX_ADVANCE_S} (one year).")
        return em.tick(seconds, force_flush=p.bool("flush"))
    if (method, path) == ("POST", "flush"):
        return {"timeline_rows_written": em.tick(force_flush=True)["timeline_rows_written"]}
    if (method, path) == ("GET", "jobs"):
        return {"jobs": [_job_summary(em, j.job_id) for j in em.list_jobs(None, 0, 10**9)[0]]}
    if (method, path) == ("POST", "submit-behaviour"):
        name = p.str("run_name", required=True)
        behaviour = p.str("behaviour", required=True)
        assert name is not None and behaviour is not None
        em.set_submit_behaviour(name, behaviour, _rate(p))
        return {"run_name": name, "behaviour": behaviour, "failure_rate": _rate(p)}
    if method == "POST" and (match := _JOB_BEHAVIOUR.match(path)):
        behaviour = p.str("behaviour", required=True)
        assert behaviour is not None
        job = em.set_behaviour(to_int("job_id", match.group(1)), behaviour, _rate(p))
        return _job_summary(em, job.job_id)
    if path == "faults" and method in ("GET", "POST", "DELETE"):
        if method == "GET":
            return em.faults.status()
        if method == "DELETE":
            return em.faults.clear()
        return em.faults.configure(dict(p.values))
    if method == "GET" and (match := _RUN_OUTCOMES.match(path)):
        run = em.get_run(int(match.group(1)))
        return {"run_id": run.run_id, "affected": run.affected, "failing_task": run.failing_task, "tasks": [
            {"task_key": t.task_key, "run_id": t.run_id, "attempt_number": t.attempt,
             "outcome": t.outcome.model_dump(exclude={"error_trace"}) if t.outcome else None}
            for t in run.tasks]}
    raise endpoint_not_found(method, f"/_emulator/{path}")
