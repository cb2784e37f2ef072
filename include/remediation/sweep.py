"""Sweep up what earlier DAG runs left: backoffs that came due, notices still owed.

A decision whose `not_before` was too far away for its act task to wait stays `pending`; a DAG
run killed between steps can leave a notice unsent. Every run sweeps both, so nothing decided is
forgotten. Notices are only swept once their decision is older than `notice_grace`, so a sweep
does not race the notify task of the run that is sending it right now.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from include.clock import as_utc
from include.ops.filters import In
from include.ops.models import RemediationDecision
from include.remediation.acting import act_on_decision, due_decisions, record_act_error
from include.remediation.jobs_client import JobsApi, JobsApiError
from include.remediation.notices import OWING_OUTCOMES, notice_kind, notify_decision
from include.remediation.policy import RemediationPolicy

if TYPE_CHECKING:
    from include.ops.store import OpsStore

log = logging.getLogger(__name__)
NOTICE_GRACE = timedelta(minutes=15)


class SweepReport(BaseModel):
    """What one sweep did."""

    acted: list[dict[str, Any]] = Field(default_factory=list)
    notified: list[dict[str, Any]] = Field(default_factory=list)
    errors: dict[str, str] = Field(default_factory=dict)


def sweep_pending(
    store: OpsStore,
    jobs: JobsApi,
    policy: RemediationPolicy,
    *,
    smtp: Any = None,
    send: Any = None,
    now: datetime | None = None,
    decided_before: datetime | None = None,
    notice_grace: timedelta = NOTICE_GRACE,
) -> SweepReport:
    """Act on due pending decisions, then send notices owed for longer than `notice_grace`.

    `decided_before` (the DAG run's start) keeps the sweep off decisions the same DAG run's own
    act tasks are handling.
    """
    now = as_utc(now or datetime.now(UTC))
    report = SweepReport()
    for d in due_decisions(store, now, decided_before=decided_before):
        try:
            result = act_on_decision(store, jobs, d.run_id, d.attempt, policy, now)
        except Exception as exc:  # one bad run must not stop the sweep; the next run tries again
            log.warning("run %s: acting failed in the sweep: %s", d.run_id, exc)
            report.errors[d.decision_id] = str(exc)[:300]
            if isinstance(exc, JobsApiError) and exc.status is not None and 400 <= exc.status < 500 and exc.status != 429:
                record_act_error(store, d.run_id, d.attempt, exc, now)  # a client error will not heal by itself
            continue
        report.acted.append(result.model_dump(mode="json"))
    owed = [
        d
        for d in store.read(RemediationDecision, {"shadow": False, "outcome": In(sorted(OWING_OUTCOMES))})
        if notice_kind(d) is not None and as_utc(d.outcome_at or d.decided_at) <= now - notice_grace
    ]
    for d in owed:
        try:
            notice = notify_decision(store, d.run_id, d.attempt, policy, now, smtp=smtp, send=send)
        except Exception as exc:
            log.warning("decision %s: notice failed in the sweep: %s", d.decision_id, exc)
            report.errors[d.decision_id] = str(exc)[:300]
            continue
        report.notified.append(notice.model_dump(mode="json"))
    return report
