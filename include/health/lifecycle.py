"""Findings with a lifecycle: an issue stays open until a later sweep shows it gone or a person closes it.

A finding is one sweep's observation; an *issue* is what people track across sweeps: one per
(domain, check, entity). `lakepilot.ops.finding_states` holds each issue's status and
`lakepilot.ops.finding_events` every transition, with who and why.

- **Opened** when a sweep first finds it; **reopened** when found again after it was resolved.
- **Resolved by a sweep** only for *state* checks (a stale table, a failure streak, an idle cluster…):
  a later sweep in which the check ran for that entity without error and did not find it. Findings
  of *event* checks (security's bursts and logins, a cost spike) describe something that happened;
  a later window not containing it says nothing, so they stay open until a person resolves or
  acknowledges them, or **expire** `event_ttl_days` after they were last seen.
- People **acknowledge** (seen, being handled — still counted as unresolved), **resolve**, or
  **snooze** until a time (not counted; open again when the snooze ends and it is still there).
  Every change records who did it and why (CLI, UI, REST all call `change_status`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Literal

from pydantic import Field

from include.clock import as_utc, utcnow
from include.ops.filters import In
from include.ops.models import Domain, Finding, OpsRecord, Severity, register_ops_model
from include.ops.store import OpsStore

IssueStatus = Literal["open", "acknowledged", "snoozed", "resolved", "expired"]
UNRESOLVED: frozenset[str] = frozenset({"open", "acknowledged"})
Action = Literal["acknowledge", "resolve", "snooze", "reopen"]
EVENT_CHECKS: frozenset[str] = frozenset({
    "failed_login_burst", "new_ip_login", "privileged_actions", "read_volume", "sku_spike",
})
EVENT_TTL_DAYS = 7


def issue_key(domain: str, check: str, entity_type: str, entity_id: str) -> str:
    """The stable id of an issue: one per (domain, check, entity), across sweeps."""
    return hashlib.sha256(f"{domain}\x1f{check}\x1f{entity_type}\x1f{entity_id}".encode()).hexdigest()[:16]


@register_ops_model
class FindingState(OpsRecord):
    """One issue's current status."""

    __table__ = "finding_states"
    __key__ = ("issue_key",)

    issue_key: str
    domain: Domain
    check: str
    entity_type: str
    entity_id: str
    status: IssueStatus = "open"
    severity: Severity
    summary: str = ""
    last_finding_id: str
    first_seen: datetime
    last_seen: datetime
    status_changed_at: datetime = Field(default_factory=utcnow)
    changed_by: str = "sweep"
    reason: str = ""
    snoozed_until: datetime | None = None
    reopened: int = 0
    # Set by include.health.escalation when people were told about it: when, at what severity, how often.
    notified_at: datetime | None = None
    notified_severity: Severity | None = None
    notified_count: int = 0


@register_ops_model
class FindingEvent(OpsRecord):
    """One transition of one issue, with who and why (append-only)."""

    __table__ = "finding_events"
    __key__ = ("event_id",)

    event_id: str
    issue_key: str
    from_status: str
    to_status: str
    at: datetime
    by: str
    reason: str = ""


def _event(state: FindingState, to: str, at: datetime, by: str, reason: str) -> FindingEvent:
    basis = f"{state.issue_key}|{state.status}|{to}|{as_utc(at).isoformat()}|{by}"
    return FindingEvent(event_id=hashlib.sha256(basis.encode()).hexdigest()[:24], issue_key=state.issue_key,
                        from_status=state.status, to_status=to, at=at, by=by, reason=reason)


def _moved(state: FindingState, to: IssueStatus, at: datetime, by: str, reason: str,
           events: list[FindingEvent], **changes: object) -> FindingState:
    events.append(_event(state, to, at, by, reason))
    return state.model_copy(update={"status": to, "status_changed_at": at, "changed_by": by, "reason": reason, **changes})


def update_from_sweep(
    store: OpsStore, domain: str, findings: Iterable[Finding], checks_ok: Iterable[str], as_of: datetime, *, event_ttl_days: int = EVENT_TTL_DAYS,
) -> tuple[list[FindingState], list[FindingEvent]]:
    """Fold one sweep of `domain` into the issues: open, reopen, keep, resolve (state checks) or expire (events).

    `checks_ok` are the checks that ran without error in this sweep; only they can resolve an issue.
    Informational findings are states of the workspace, not issues, and are left out.
    """
    as_of = as_utc(as_of)
    found = [f for f in findings if not f.evidence.get("informational")]
    by_key = {issue_key(f.domain, f.check, f.entity_type, f.entity_id): f for f in found}
    ok = set(checks_ok)
    existing = store.read(FindingState, {"domain": domain})
    current = {s.issue_key: s for s in existing}
    states: list[FindingState] = []
    events: list[FindingEvent] = []
    for key, f in by_key.items():
        seen = {"severity": f.severity, "summary": f.summary, "last_finding_id": f.finding_id,
                "last_seen": max(as_utc(f.window_end), as_utc(current[key].last_seen)) if key in current else as_utc(f.window_end)}
        state = current.get(key)
        if state is None:
            fresh = FindingState(issue_key=key, domain=f.domain, check=f.check, entity_type=f.entity_type,
                                 entity_id=f.entity_id, first_seen=as_utc(f.window_end), status_changed_at=as_of, **seen)
            events.append(FindingEvent(event_id=_event(fresh, "open", as_of, "sweep", "").event_id, issue_key=key,
                                       from_status="new", to_status="open", at=as_of, by="sweep", reason="found by a sweep"))
            states.append(fresh)
        elif state.status in ("resolved", "expired") and as_utc(f.window_end) > as_utc(state.last_seen):
            states.append(_moved(state, "open", as_of, "sweep", "found again after it was closed", events,
                                 reopened=state.reopened + 1, snoozed_until=None, **seen))
        elif state.status in ("resolved", "expired"):
            continue  # a re-run of an older window: what was closed stays closed
        elif state.status == "snoozed" and state.snoozed_until is not None and as_utc(state.snoozed_until) <= as_of:
            states.append(_moved(state, "open", as_of, "sweep", "snooze ended and it is still there", events,
                                 snoozed_until=None, **seen))
        else:
            states.append(state.model_copy(update=seen))
    for key, state in current.items():
        if key in by_key or state.status in ("resolved", "expired") or as_utc(state.last_seen) > as_of:
            continue  # found now, already closed, or seen after this sweep's time (a re-run of an older window)
        if state.check in EVENT_CHECKS:
            if as_of - as_utc(state.last_seen) >= timedelta(days=event_ttl_days):
                states.append(_moved(state, "expired", as_of, "sweep",
                                     f"not seen for {event_ttl_days} days and nobody closed it", events))
        elif state.check in ok:
            states.append(_moved(state, "resolved", as_of, "sweep", "a later sweep no longer finds it", events,
                                 snoozed_until=None))
    return states, events


def record_sweep(store: OpsStore, domain: str, findings: Iterable[Finding], checks_ok: Iterable[str], as_of: datetime) -> int:
    """`update_from_sweep` and store the result; returns how many transitions were recorded."""
    states, events = update_from_sweep(store, domain, findings, checks_ok, as_of)
    if states:
        store.upsert(states)
    if events:
        store.upsert(events)
    return len(events)


def change_status(
    store: OpsStore, key: str, action: Action, by: str, reason: str, *, until: datetime | None = None,
    now: datetime | None = None,
) -> FindingState:
    """A person's decision about one issue; raises `LookupError` / `ValueError` naming what is wrong."""
    if not by.strip():
        raise ValueError("who changes the status must be known")
    if not reason.strip():
        raise ValueError("say why (a reason is recorded with every change)")
    now = as_utc(now or utcnow())
    rows = store.read(FindingState, {"issue_key": key})
    if not rows:
        raise LookupError(f"no finding issue {key!r}")
    state = rows[0]
    target: IssueStatus = {"acknowledge": "acknowledged", "resolve": "resolved", "snooze": "snoozed",
                           "reopen": "open"}[action]  # type: ignore[assignment]
    if action == "snooze":
        if until is None or as_utc(until) <= now:
            raise ValueError("a snooze needs an end time in the future")
    events: list[FindingEvent] = []
    updated = _moved(state, target, now, by.strip(), reason.strip()[:500], events,
                     snoozed_until=as_utc(until) if action == "snooze" and until else None)
    store.upsert([updated])
    store.upsert(events)
    return updated


def unresolved(store: OpsStore, domain: str | None = None) -> list[FindingState]:
    """Issues still open or acknowledged (what the overview counts as open)."""
    where: dict[str, object] = {"status": In(sorted(UNRESOLVED))}
    if domain:
        where["domain"] = domain
    return store.read(FindingState, where)
