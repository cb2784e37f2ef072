"""Critical findings reach a person at once: one alert per sweep, deduplicated per issue, re-told after an interval.

An issue (one per domain, check and entity: `include.health.lifecycle`) is *due* when this sweep found
it at or above `HealthSettings.escalate_min_severity`, it is open (an acknowledged or snoozed issue has
a person on it already), and nobody was told about it in the last `renotify_hours` (wall clock) — unless
it got worse since, or was closed and came back (reopened) since. A sweep's due issues go out as one alert through every configured channel (the
caller's `deliver`: mail through the SMTP connection; Slack, Teams or PagerDuty when their Airflow
connections exist). Each issue told is recorded in `lakepilot.ops.escalations`, keyed by (issue, sweep
time), and the issue keeps when it was last told, at what severity and how often.

Retries: the alert is sent, then recorded. A retried task finds this sweep's alert recorded as sent and
sends nothing again; a task that died between sending and recording sends once more (at least once,
never lost). A sweep of an interval older than `escalate_max_age_hours` (a backfill) tells nobody.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Literal

from pydantic import BaseModel, Field

from include.clock import as_utc, utcnow
from include.health.lifecycle import FindingState, issue_key
from include.health.models import DomainSweep
from include.ops.filters import In
from include.ops.models import SEVERITY_ORDER, Domain, OpsRecord, Severity, register_ops_model, stable_id
from include.ops.store import OpsStore

log = logging.getLogger(__name__)

EscalationStatus = Literal["sent", "failed", "no_channel"]


class AlertIssue(BaseModel):
    """One issue in an alert: what was found, what to do, how to stand the alert down."""

    issue_key: str
    domain: Domain
    check: str
    severity: Severity
    entity_type: str
    entity_id: str
    summary: str
    recommendation: str
    finding_id: str
    first_seen: datetime
    last_seen: datetime
    times_told: int = Field(0, description="how often people were told before this alert")
    reopened: int = 0


class Alert(BaseModel):
    """What one sweep escalates: its due issues, most severe first."""

    domain: Domain
    as_of: datetime
    issues: list[AlertIssue] = Field(min_length=1)

    @property
    def severity(self) -> Severity:
        return min((i.severity for i in self.issues), key=SEVERITY_ORDER.__getitem__)

    @property
    def subject(self) -> str:
        label = self.domain.replace("_", " ")
        if len(self.issues) == 1:
            one = self.issues[0]
            what = f"{one.check.replace('_', ' ')} on {one.entity_id}"
        else:
            what = f"{len(self.issues)} findings need attention now"
        return f"[LakePilot] {self.severity.upper()} {label}: {what}"[:200]


class Delivery(BaseModel):
    """What the channels made of one alert."""

    delivered: list[str] = Field(default_factory=list, description="channels that accepted it")
    failed: dict[str, str] = Field(default_factory=dict, description="channel -> why it did not")
    recipients: list[str] = Field(default_factory=list, description="mail addresses it went to")


Deliver = Callable[[Alert], Delivery]


@register_ops_model
class Escalation(OpsRecord):
    """One issue told (or not) to people by one sweep: the record behind "you were paged"."""

    __table__ = "escalations"
    __key__ = ("escalation_id",)

    escalation_id: str
    issue_key: str
    finding_id: str
    domain: Domain
    check: str
    entity_type: str
    entity_id: str
    severity: Severity
    summary: str
    as_of: datetime
    sent_at: datetime
    status: EscalationStatus
    channels: list[str] = Field(default_factory=list)
    failed: list[str] = Field(default_factory=list)
    recipients: list[str] = Field(default_factory=list)


class EscalationOutcome(BaseModel):
    """Small JSON-able result of an escalate step (XCom, logs)."""

    domain: str
    as_of: datetime
    status: Literal["sent", "partial", "failed", "no_channel", "nothing_due", "already_sent", "backfill"]
    told: list[str] = Field(default_factory=list, description="issue keys people were told about now")
    held_back: list[str] = Field(default_factory=list, description="due by severity, told within the re-notify interval")
    already_sent: list[str] = Field(default_factory=list, description="told by an earlier try of this sweep")
    channels: list[str] = Field(default_factory=list)
    failed: dict[str, str] = Field(default_factory=dict)


class EscalationPolicy(BaseModel):
    """The escalation knobs of `HealthSettings`, on their own."""

    min_severity: Severity = "critical"
    renotify_hours: float = Field(24.0, ge=0)
    max_age_hours: float = Field(48.0, gt=0)

    @classmethod
    def from_settings(cls, settings: object | None) -> EscalationPolicy:
        if settings is None:
            return cls()
        return cls(min_severity=getattr(settings, "escalate_min_severity"),  # noqa: B009 - HealthSettings or alike
                   renotify_hours=getattr(settings, "renotify_hours"),  # noqa: B009
                   max_age_hours=getattr(settings, "escalate_max_age_hours"))  # noqa: B009


def escalation_id(issue: str, as_of: datetime) -> str:
    return stable_id("escalation", issue, as_utc(as_of))


def _worse(severity: str, than: str | None) -> bool:
    return than is None or SEVERITY_ORDER[severity] < SEVERITY_ORDER.get(than, 99)


def due_issues(
    sweep: DomainSweep, states: list[FindingState], policy: EscalationPolicy, now: datetime,
) -> tuple[list[AlertIssue], list[str]]:
    """(issues to tell people about now, keys held back by the re-notify interval), most severe first."""
    by_key = {s.issue_key: s for s in states}
    due: list[AlertIssue] = []
    held: list[str] = []
    for f in sweep.findings:
        if f.evidence.get("informational") or SEVERITY_ORDER[f.severity] > SEVERITY_ORDER[policy.min_severity]:
            continue
        state = by_key.get(issue_key(f.domain, f.check, f.entity_type, f.entity_id))
        if state is None or state.status != "open":
            continue  # acknowledged, snoozed or closed: a person has it, or it is not an issue now
        told = as_utc(state.notified_at) if state.notified_at else None
        reopened_since = told is not None and as_utc(state.status_changed_at) > told  # closed, then back: news
        if told is not None and now - told < timedelta(hours=policy.renotify_hours) \
                and not _worse(f.severity, state.notified_severity) and not reopened_since:
            held.append(state.issue_key)
            continue
        due.append(AlertIssue(
            issue_key=state.issue_key, domain=f.domain, check=f.check, severity=f.severity, entity_type=f.entity_type,
            entity_id=f.entity_id, summary=f.summary, recommendation=f.recommendation, finding_id=f.finding_id,
            first_seen=state.first_seen, last_seen=state.last_seen, times_told=state.notified_count,
            reopened=state.reopened,
        ))
    due.sort(key=lambda i: (SEVERITY_ORDER[i.severity], i.check, i.entity_id))
    return due, sorted(set(held))


def _records(alert: Alert, delivery: Delivery, status: EscalationStatus, now: datetime) -> list[Escalation]:
    failed = [f"{channel}: {why}"[:300] for channel, why in sorted(delivery.failed.items())]
    return [Escalation(
        escalation_id=escalation_id(i.issue_key, alert.as_of), issue_key=i.issue_key, finding_id=i.finding_id,
        domain=i.domain, check=i.check, entity_type=i.entity_type, entity_id=i.entity_id, severity=i.severity,
        summary=i.summary[:500], as_of=alert.as_of, sent_at=now, status=status, channels=sorted(delivery.delivered),
        failed=failed, recipients=delivery.recipients,
    ) for i in alert.issues]


def escalate(
    store: OpsStore, sweep: DomainSweep, *, deliver: Deliver, policy: EscalationPolicy | None = None,
    now: datetime | None = None,
) -> EscalationOutcome:
    """Tell people about this sweep's due issues through `deliver`, and record it.

    Raises `RuntimeError` when every configured channel failed (recorded first), so the task retries.
    """
    policy = policy or EscalationPolicy()
    now = as_utc(now or utcnow())
    as_of = as_utc(sweep.as_of)
    outcome = EscalationOutcome(domain=sweep.domain, as_of=as_of, status="nothing_due")
    if now - as_of > timedelta(hours=policy.max_age_hours):
        log.info("%s sweep as of %s is older than %s h (a backfill): nobody is told", sweep.domain, as_of,
                 policy.max_age_hours)
        return outcome.model_copy(update={"status": "backfill"})
    keys = sorted({issue_key(f.domain, f.check, f.entity_type, f.entity_id) for f in sweep.findings})
    states = store.read(FindingState, {"issue_key": In(keys)}) if keys else []
    due, held = due_issues(sweep, states, policy, now)
    outcome = outcome.model_copy(update={"held_back": held})
    if not due:
        return outcome
    sent = {e.issue_key for e in store.read(Escalation, {"escalation_id": In(sorted(escalation_id(i.issue_key, as_of) for i in due))})
            if e.status == "sent"}
    if sent:
        log.info("%d issue(s) of this sweep were told by an earlier try: not sent again", len(sent))
    due = [i for i in due if i.issue_key not in sent]
    outcome = outcome.model_copy(update={"already_sent": sorted(sent)})
    if not due:
        return outcome.model_copy(update={"status": "already_sent"})

    alert = Alert(domain=sweep.domain, as_of=as_of, issues=due)
    delivery = deliver(alert)
    status: EscalationStatus = "sent" if delivery.delivered else ("failed" if delivery.failed else "no_channel")
    store.upsert(_records(alert, delivery, status, now))
    result = outcome.model_copy(update={
        "status": "no_channel" if status == "no_channel" else ("failed" if status == "failed" else
                                                               ("partial" if delivery.failed else "sent")),
        "channels": sorted(delivery.delivered), "failed": delivery.failed,
        "told": [i.issue_key for i in due] if delivery.delivered else [],
    })
    if delivery.delivered:
        _mark_told(store, alert, now)
        log.info("%s: told %d issue(s) through %s%s", alert.subject, len(due), ", ".join(sorted(delivery.delivered)),
                 f"; failed: {delivery.failed}" if delivery.failed else "")
    elif status == "no_channel":
        log.warning("%s: no alert channel is configured (LAKEPILOT_ESCALATION_EMAIL or LAKEPILOT_ONCALL_EMAIL, or a "
                    "Slack/Teams/PagerDuty connection); recorded as not told", alert.subject)
    else:
        raise RuntimeError(f"no channel took the alert {alert.subject!r}: "
                           + "; ".join(f"{c}: {w}" for c, w in sorted(delivery.failed.items())))
    return result


def _mark_told(store: OpsStore, alert: Alert, now: datetime) -> None:
    """Keep when, at what severity and how often each issue was told (on a fresh read: a person may have acted)."""
    severity = {i.issue_key: i.severity for i in alert.issues}
    fresh = store.read(FindingState, {"issue_key": In(sorted(severity))})
    store.upsert([s.model_copy(update={"notified_at": now, "notified_severity": severity[s.issue_key],
                                       "notified_count": s.notified_count + 1}) for s in fresh])


def escalations_of(store: OpsStore, issue: str) -> list[Escalation]:
    """Every time people were (or could not be) told about one issue, oldest first."""
    return sorted(store.read(Escalation, {"issue_key": issue}), key=lambda e: e.sent_at)
