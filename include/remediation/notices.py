"""E-mail about decisions: ask the owner to act, page on-call, or say what LakePilot changed.

One message per decision at most, and one per failure: before sending, the ledger is checked for
another decision about the same job and failure (fingerprint, or incident for escalations) that
already reached someone within the policy's dedup window. Messages carry the run link, the
redacted error excerpt, the decision and its reason, and are built from Jinja2 templates
(`templates/notice.*.j2`). Delivery is at-least-once: the ledger is updated after the SMTP server
accepted the message, so a worker dying in between re-sends on retry rather than losing a page.

Check, send and record run under a per-job file lock in the state directory: mapped notify tasks
of one burst run side by side, and without it two of them both found no earlier notice and both
sent (two pages for one incident). Like provisioning's stack locks, this needs the state directory
shared between workers when the executor is distributed.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from email.message import EmailMessage
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from filelock import FileLock
from jinja2 import Environment
from pydantic import BaseModel, Field

from include.clock import as_utc
from include.config import state_dir
from include.notify.message import addresses, build_message
from include.notify.smtp import SendResult, SmtpSettings, send_message
from include.ops.models import RemediationDecision
from include.remediation.acting import STARTED_OUTCOMES, load_decision, update_decision
from include.remediation.incidents import record_escalation
from include.remediation.models import NOTIFYING, RUN_STARTING
from include.remediation.policy import RemediationPolicy
from include.templating import template_environment
from include.untrusted.redaction import excerpt, redact

if TYPE_CHECKING:
    from include.ops.store import OpsStore

log = logging.getLogger(__name__)

TEMPLATES = Path(__file__).resolve().parent / "templates"
NoticeKind = Literal["action_needed", "escalation", "changed", "not_retried"]
_SPACE = re.compile(r"\s+")
_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]")
NOTICE_LOCK_TIMEOUT_S = 120.0

HEADLINES: dict[str, str] = {
    "action_needed": "Action needed: a job failed and needs a person",
    "escalation": "Escalation: a failing job needs on-call",
    "changed": "LakePilot changed a job's cluster and repaired the run",
    "not_retried": "Not retried: the job's daily retry budget is spent",
}
SUBJECTS: dict[str, str] = {
    "action_needed": "Action needed",
    "escalation": "Escalation",
    "changed": "Changed and repaired",
    "not_retried": "Not retried",
}
TODO: dict[str, str] = {
    "action_needed": "fix the cause shown below (grant, code, input data), then repair the run from its page.",
    "escalation": "investigate; automatic remediation has stopped for this failure.",
    "changed": "nothing, unless the change is not wanted; LakePilot records whether the repair succeeded.",
    "not_retried": "repair the run yourself if it should run today.",
}


class NotifyResult(BaseModel):
    """What the notify step did for one decision."""

    decision_id: str
    kind: NoticeKind | None = None
    status: Literal["sent", "duplicate", "nothing", "error"]
    recipients: list[str] = Field(default_factory=list)
    subject: str = ""
    detail: str = ""


@lru_cache(maxsize=1)
def _env() -> Environment:
    return template_environment(TEMPLATES, "mixed", trim_blocks=False, keep_trailing_newline=True)


# The only outcomes after which `notice_kind` can still owe a notice (a bound for reading the ledger).
OWING_OUTCOMES = frozenset({"pending", "skipped"}) | STARTED_OUTCOMES


def notice_kind(d: RemediationDecision) -> NoticeKind | None:
    """Which notice (if any) the decision still owes someone."""
    if d.shadow:
        return None
    if d.action == "SEND_EMAIL" and d.outcome == "pending":
        return "action_needed"
    if d.action == "ESCALATE" and d.outcome == "pending":
        return "escalation"
    if d.notified:
        return None
    if d.action == "RETRY_WITH_NEW_PARAMS" and d.outcome in STARTED_OUTCOMES:
        return "changed"
    if d.action in RUN_STARTING and d.outcome == "skipped" and d.guard == "budget_exhausted":
        return "not_retried"
    return None


def recipients_for(d: RemediationDecision, kind: NoticeKind, oncall: list[str]) -> list[str]:
    """Who gets it: the decision's recipients for notifications, else the owner; on-call as fallback."""
    wanted = list(d.recipients) if kind in ("action_needed", "escalation") else [d.owner or ""]
    if kind == "escalation":
        wanted = [*oncall, *wanted]
    return addresses(*wanted) or addresses(*oncall)


def render_notice(d: RemediationDecision, kind: NoticeKind) -> tuple[str, str, str]:
    """(subject, text, html) of the notice."""
    job_label = _SPACE.sub(" ", redact(d.job_name or ""))[:120] or f"job {d.job_id}"
    job_label = f"{job_label} (job {d.job_id})" if d.job_name else job_label
    subject = f"[LakePilot] {SUBJECTS[kind]}: {job_label} run {d.run_id} ({d.category})"
    done = {"changed": d.act_detail or "", "not_retried": d.act_detail or ""}.get(kind, "")
    change_lines = [f"{k} = {v}" for k, v in sorted(d.params_change.items())] if kind == "changed" else []
    values = {
        "d": d,
        "headline": HEADLINES[kind],
        "job_label": job_label,
        "done": done,
        "todo": TODO[kind],
        "change_lines": change_lines,
        "excerpt": excerpt(d.error_excerpt, 3000) or "(no error text was reported)",
    }
    text = _env().get_template("notice.txt.j2").render(**values)
    html = _env().get_template("notice.html.j2").render(**values)
    return _SPACE.sub(" ", subject)[:300], redact(text), redact(html)


def _already_notified(d: RemediationDecision, kind: NoticeKind, history: list[RemediationDecision],
                      window: timedelta, now: datetime) -> RemediationDecision | None:
    if kind not in ("action_needed", "escalation") or window.total_seconds() <= 0:
        return None
    for other in sorted(history, key=lambda x: as_utc(x.decided_at), reverse=True):
        if other.decision_id == d.decision_id or other.shadow or not other.notified:
            continue
        if as_utc(other.outcome_at or other.decided_at) < now - window:
            continue
        if kind == "escalation" and other.action == "ESCALATE" and other.incident_id == d.incident_id:
            return other
        if kind == "action_needed" and other.action in NOTIFYING and other.fingerprint == d.fingerprint:
            return other
    return None


@contextmanager
def notice_lock(job_id: str) -> Iterator[None]:
    """Serialise check-send-record for one job's notices across processes (see the module doc)."""
    locks = state_dir() / "locks"
    locks.mkdir(parents=True, exist_ok=True)
    with FileLock(str(locks / f"notice-{_UNSAFE.sub('_', str(job_id))[:80]}.lock"), timeout=NOTICE_LOCK_TIMEOUT_S):
        yield


def notify_decision(
    store: OpsStore,
    run_id: str,
    attempt: int,
    policy: RemediationPolicy,
    now: datetime,
    *,
    smtp: SmtpSettings | None = None,
    send: Callable[[EmailMessage], SendResult] | None = None,
) -> NotifyResult:
    """Send the notice the decision owes (if any), record who got it; see the module doc."""
    now = as_utc(now)
    d = load_decision(store, run_id, attempt)
    if notice_kind(d) is None:
        return NotifyResult(decision_id=d.decision_id, status="nothing", detail=f"{d.action}/{d.outcome}")
    with notice_lock(d.job_id):
        return _notify_locked(store, run_id, attempt, policy, now, smtp=smtp, send=send)


def _notify_locked(
    store: OpsStore,
    run_id: str,
    attempt: int,
    policy: RemediationPolicy,
    now: datetime,
    *,
    smtp: SmtpSettings | None,
    send: Callable[[EmailMessage], SendResult] | None,
) -> NotifyResult:
    d = load_decision(store, run_id, attempt)  # again, under the lock: another task may have just sent
    kind = notice_kind(d)
    if kind is None:
        return NotifyResult(decision_id=d.decision_id, status="nothing", detail=f"{d.action}/{d.outcome}")
    history = store.read(RemediationDecision, {"job_id": d.job_id})
    earlier = _already_notified(d, kind, history, timedelta(minutes=policy.dedup_window_minutes), now)
    if earlier is not None:
        update_decision(store, d, outcome="ignored", outcome_at=now, duplicate_of=earlier.decision_id,
                        act_detail=f"already notified by decision {earlier.decision_id}")
        return NotifyResult(decision_id=d.decision_id, kind=kind, status="duplicate", detail=earlier.decision_id)
    to = recipients_for(d, kind, list(policy.oncall))
    if not to:
        if kind in ("action_needed", "escalation"):
            update_decision(store, d, outcome="error", outcome_at=now,
                            act_detail="no deliverable recipient (no owner address, no on-call configured)")
        return NotifyResult(decision_id=d.decision_id, kind=kind, status="error", detail="no recipient")
    if kind == "escalation":
        record_escalation(store, d, to, now)
    subject, text, html = render_notice(d, kind)
    message = build_message(subject, to, html, text, sender=smtp.sender if smtp else None)
    if send is None:
        if smtp is None:
            raise ValueError("notify_decision needs smtp settings or a send function")
        result = send_message(message, smtp)
    else:
        result = send(message)
    if not result.accepted:
        raise RuntimeError(f"no recipient accepted the notice for decision {d.decision_id}: {result.refused}")
    changes: dict[str, Any] = {"notified": sorted(result.accepted)}
    if kind in ("action_needed", "escalation"):
        changes.update(outcome="notified", outcome_at=now)
    update_decision(store, d, **changes)
    log.info("decision %s: %s notice sent to %s", d.decision_id, kind, ", ".join(result.accepted))
    return NotifyResult(decision_id=d.decision_id, kind=kind, status="sent", recipients=result.accepted, subject=subject)
