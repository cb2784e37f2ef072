"""Incident records for escalations: one row per `incident_id`, updated by every escalation of it.

The decision engine derives `incident_id` from the job, the failure and the reason, so the same
problem escalated again (after the dedup window, or by a replayed task) updates one incident
instead of opening another. Stored in `lakepilot.ops.remediation_incidents`.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from pydantic import Field

from include.clock import utcnow
from include.ops.models import OpsRecord, RemediationDecision, register_ops_model

if TYPE_CHECKING:
    from include.ops.store import OpsStore


@register_ops_model
class RemediationIncident(OpsRecord):
    """An escalated failure that needs on-call."""

    __table__ = "remediation_incidents"
    __key__ = ("incident_id",)

    incident_id: str
    job_id: str
    job_name: str = ""
    category: str = ""
    kind: str = ""
    fingerprint: str = ""
    status: str = "open"
    summary: str = ""
    run_page_url: str | None = None
    decision_ids: list[str] = Field(default_factory=list)
    recipients: list[str] = Field(default_factory=list)
    occurrences: int = 0
    opened_at: datetime = Field(default_factory=utcnow)
    last_seen_at: datetime = Field(default_factory=utcnow)


def record_escalation(
    store: OpsStore, decision: RemediationDecision, recipients: list[str], now: datetime
) -> RemediationIncident:
    """Open the decision's incident, or add this escalation to it (idempotent per decision)."""
    if not decision.incident_id:
        raise ValueError(f"decision {decision.decision_id} has no incident_id (action {decision.action})")
    rows = store.read(RemediationIncident, {"incident_id": decision.incident_id})
    if rows and decision.decision_id in rows[0].decision_ids:
        return rows[0]
    base = rows[0] if rows else None
    incident = RemediationIncident(
        incident_id=decision.incident_id,
        job_id=decision.job_id,
        job_name=decision.job_name,
        category=decision.category,
        kind=decision.kind,
        fingerprint=decision.fingerprint,
        status="open",
        summary=decision.reason[:1000],
        run_page_url=decision.run_page_url,
        decision_ids=[*(base.decision_ids if base else []), decision.decision_id],
        recipients=sorted({*(base.recipients if base else []), *recipients}),
        occurrences=(base.occurrences if base else 0) + 1,
        opened_at=base.opened_at if base else now,
        last_seen_at=now,
    )
    store.upsert([incident])
    return incident
