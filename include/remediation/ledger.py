"""State the decision engine needs, derived from the decision ledger alone.

Budgets, retry counts, the circuit breaker and de-duplication are all computed from past
`RemediationDecision` rows (`lakepilot.ops.remediation_decisions`), never kept in memory, so a
restarted scheduler, a retried task or a replay sees exactly what the original run saw.

Shadow and live decisions are counted apart: shadow mode simulates its own budgets and never
consumes the live ones. A remediation *failed* when its outcome says so, or when the same run
failed again at a later attempt (the repair did not fix it) - so the breaker works even if
outcome recording lagged.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta

from include.clock import as_utc
from include.ops.models import RemediationDecision
from include.remediation.models import NOTIFYING, RUN_STARTING

FAILED_OUTCOMES = frozenset({"failed", "error"})


class LedgerView:
    """Read-only queries over one job's decision history, as of `now`."""

    def __init__(self, history: Iterable[RemediationDecision], *, shadow: bool, now: datetime) -> None:
        self.now = as_utc(now)
        # Only decisions made before `now` exist for a decision made at `now` (replay-safe).
        self.all = sorted(
            (d for d in history if as_utc(d.decided_at) <= self.now),
            key=lambda d: (as_utc(d.decided_at), d.attempt),
        )
        self.mode = [d for d in self.all if d.shadow == shadow]

    def existing(self, run_id: str, attempt: int) -> RemediationDecision | None:
        """The decision already made for this attempt (any mode): deciding twice returns it."""
        return next((d for d in self.all if d.run_id == run_id and d.attempt == attempt), None)

    def run_starts(self, run_id: str, before_attempt: int) -> list[RemediationDecision]:
        """Run-starting decisions on earlier attempts of this run."""
        return [
            d
            for d in self.mode
            if d.run_id == run_id and d.attempt < before_attempt and d.action in RUN_STARTING
        ]

    def job_starts_on(self, job_id: str, day: date) -> int:
        """Run-starting decisions for the job on a UTC day (the daily budget)."""
        return sum(
            1
            for d in self.mode
            if d.job_id == job_id and d.action in RUN_STARTING and as_utc(d.decided_at).date() == day
        )

    def failed_remediations(self, job_id: str, window: timedelta) -> list[RemediationDecision]:
        """Live run-starting decisions of the job in the window whose remediation did not work."""
        since = self.now - window
        live = [d for d in self.all if d.job_id == job_id and not d.shadow]
        later = {(d.run_id, d.attempt) for d in live}
        failed = []
        for d in live:
            if d.action not in RUN_STARTING or as_utc(d.decided_at) < since:
                continue
            superseded = any(run == d.run_id and attempt > d.attempt for run, attempt in later)
            if d.outcome in FAILED_OUTCOMES or superseded:
                failed.append(d)
        return failed

    def last_notification(
        self, job_id: str, fingerprint: str, window: timedelta, actions: Sequence[str] = tuple(NOTIFYING)
    ) -> RemediationDecision | None:
        """The latest notifying decision about the same failure of the job within the window."""
        since = self.now - window
        for d in reversed(self.mode):
            if (
                d.job_id == job_id
                and d.fingerprint == fingerprint
                and d.action in actions
                and as_utc(d.decided_at) >= since
            ):
                return d
        return None

    def open_incident(self, incident: str, window: timedelta) -> RemediationDecision | None:
        """The escalation that opened this incident within the window, if any."""
        since = self.now - window
        for d in reversed(self.mode):
            if d.action == "ESCALATE" and d.incident_id == incident and as_utc(d.decided_at) >= since:
                return d
        return None
