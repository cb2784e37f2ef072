"""Which runs are new failures: pure rules over Jobs API JSON, shared by the trigger and the tests.

A run is a failure to remediate when it is finished and its result is FAILED or TIMEDOUT, or its
life cycle ended in INTERNAL_ERROR. Cancelled, skipped and successful runs are not. A failure is
identified by (run_id, attempt), attempt = the index of the run's latest `repair_history` item,
which is also the decision ledger's natural key - so "new" means "not in the ledger".

`runs/list` filters on a run's *start* time, but a repaired run fails again long after it started:
the scan therefore lists runs that started `run_lookback` before the window and keeps those that
*ended* inside it; runs LakePilot repaired itself are also checked by id (`watch_runs`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import BaseModel, Field

FAILED_RESULTS = frozenset({"FAILED", "TIMEDOUT"})
FAILED_LIFE_CYCLES = frozenset({"INTERNAL_ERROR"})
TERMINAL_LIFE_CYCLES = frozenset({"TERMINATED", "SKIPPED", "INTERNAL_ERROR"})


class FailedRunRef(BaseModel):
    """One failed attempt of one run, as the sensor hands it to the decide step (small, no error text)."""

    run_id: str
    attempt: int = Field(ge=0)
    job_id: str
    run_name: str = ""
    result_state: str = ""
    end_time_ms: int = 0
    run_page_url: str | None = None

    @property
    def key(self) -> str:
        return ledger_key(self.run_id, self.attempt)


def ledger_key(run_id: str | int, attempt: int) -> str:
    """`"<run_id>:<attempt>"`, the form the sensor passes known decisions to the trigger in."""
    return f"{run_id}:{int(attempt)}"


def is_terminal(run: Mapping[str, Any]) -> bool:
    return str((run.get("state") or {}).get("life_cycle_state") or "").upper() in TERMINAL_LIFE_CYCLES


def is_failed(run: Mapping[str, Any]) -> bool:
    """Finished and failed (not cancelled, skipped or successful)."""
    state = run.get("state") or {}
    life = str(state.get("life_cycle_state") or "").upper()
    result = str(state.get("result_state") or "").upper()
    if life in FAILED_LIFE_CYCLES:
        return True
    return life == "TERMINATED" and result in FAILED_RESULTS


def attempt_of(run: Mapping[str, Any]) -> int:
    """The repair count of a `runs/get` (with history) response: 0 for the original run."""
    return max(len(run.get("repair_history") or []) - 1, 0)


def failed_in_window(runs: Iterable[Mapping[str, Any]], since_ms: int) -> list[Mapping[str, Any]]:
    """Failed runs (from `runs/list`) that ended at or after `since_ms`, oldest end first."""
    picked = [r for r in runs if is_failed(r) and int(r.get("end_time") or 0) >= since_ms]
    return sorted(picked, key=lambda r: (int(r.get("end_time") or 0), int(r.get("run_id") or 0)))


def ref_of(run: Mapping[str, Any]) -> FailedRunRef:
    """The reference for a failed run from its `runs/get` (with history) response."""
    state = run.get("state") or {}
    return FailedRunRef(
        run_id=str(run["run_id"]),
        attempt=attempt_of(run),
        job_id=str(run.get("job_id") or ""),
        run_name=str(run.get("run_name") or "")[:200],
        result_state=str(state.get("result_state") or state.get("life_cycle_state") or ""),
        end_time_ms=int(run.get("end_time") or 0),
        run_page_url=run.get("run_page_url"),
    )


def new_failures(runs_with_history: Iterable[Mapping[str, Any]], known: Iterable[str]) -> list[FailedRunRef]:
    """References of the failed runs whose (run_id, attempt) is not in `known`, without duplicates."""
    seen = set(known)
    out: list[FailedRunRef] = []
    for run in runs_with_history:
        if not is_failed(run) or not run.get("job_id"):
            continue  # one-time runs without a job cannot be repaired through their job
        ref = ref_of(run)
        if ref.key in seen:
            continue
        seen.add(ref.key)
        out.append(ref)
    return out
