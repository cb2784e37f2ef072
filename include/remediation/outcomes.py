"""Record how repairs ended: `acted` decisions become `succeeded` or `failed` when their repair finishes.

Run by a task in every DAG run (a later one than the repair): for each live decision with
outcome `acted`, `runs/get` (with history) finds the repair by its id; once that repair is
terminal the outcome is written with the repair's result. A run that no longer exists gets
`error`. Both `failed` and `error` feed the decision engine's circuit breaker.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from include.ops.models import RemediationDecision
from include.remediation.acting import update_decision
from include.remediation.detection import TERMINAL_LIFE_CYCLES
from include.remediation.jobs_client import JobsApi, JobsApiError

if TYPE_CHECKING:
    from include.ops.store import OpsStore

log = logging.getLogger(__name__)


class OutcomeCheck(BaseModel):
    """What one outcome sweep found."""

    checked: int = 0
    succeeded: list[str] = Field(default_factory=list)
    failed: list[str] = Field(default_factory=list)
    still_running: list[str] = Field(default_factory=list)
    errors: dict[str, str] = Field(default_factory=dict)


def _repair_wave(run: dict[str, Any], decision: RemediationDecision) -> dict[str, Any] | None:
    history: list[dict[str, Any]] = run.get("repair_history") or []
    for item in history:
        if decision.repair_id is not None and str(item.get("id")) == str(decision.repair_id):
            return item
    # No id recorded (should not happen): the wave right after the decided attempt.
    return history[decision.attempt + 1] if len(history) > decision.attempt + 1 else None


def check_outcomes(store: OpsStore, jobs: JobsApi, now: datetime, limit: int = 200) -> OutcomeCheck:
    """Record the outcome of every finished repair LakePilot started (oldest first, at most `limit`)."""
    now = now.replace(tzinfo=UTC) if now.tzinfo is None else now.astimezone(UTC)
    acted = sorted(
        (d for d in store.read(RemediationDecision, {"outcome": "acted"}) if not d.shadow),
        key=lambda d: (d.decided_at, d.decision_id),
    )[:limit]
    report = OutcomeCheck()
    for d in acted:
        report.checked += 1
        try:
            run = jobs.get_run(int(d.run_id))
        except JobsApiError as exc:
            if exc.status is not None and 400 <= exc.status < 500 and exc.status != 429:
                update_decision(store, d, outcome="error", outcome_at=now,
                                act_detail=f"{d.act_detail or ''}; outcome unknown: the run can no longer be read ({exc})")
                report.errors[d.run_id] = str(exc)[:200]
            else:
                log.warning("run %s: outcome check postponed: %s", d.run_id, exc)
                report.still_running.append(d.run_id)
            continue
        wave = _repair_wave(run, d)
        life = str(((wave or {}).get("state") or {}).get("life_cycle_state") or "").upper()
        if wave is None or life not in TERMINAL_LIFE_CYCLES:
            report.still_running.append(d.run_id)
            continue
        result = str((wave.get("state") or {}).get("result_state") or life).upper()
        outcome = "succeeded" if result == "SUCCESS" else "failed"
        end_ms = wave.get("end_time")
        ended = datetime.fromtimestamp(int(end_ms) / 1000, UTC) if end_ms else now
        update_decision(store, d, outcome=outcome, outcome_at=ended, repaired_result=result)
        (report.succeeded if outcome == "succeeded" else report.failed).append(d.run_id)
        log.info("run %s repair %s ended %s: outcome %s", d.run_id, d.repair_id, result, outcome)
    return report
