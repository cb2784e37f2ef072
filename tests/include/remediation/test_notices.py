"""Notices over real SMTP into the loopback sink: who gets what, once per failure, and the sweep.

Decisions are produced by the production decide step against the emulator, so the mail shows
what a real failure looks like (run link, redacted excerpt, reason).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from include.notify.message import html_part, text_part
from include.notify.outbox import list_outbox, load_message
from include.notify.sink import MailSink
from include.notify.smtp import SmtpSettings
from include.ops.models import RemediationDecision
from include.remediation.acting import act_on_decision, load_decision, update_decision
from include.remediation.detection import ref_of
from include.remediation.incidents import RemediationIncident
from include.remediation.notices import notify_decision
from include.remediation.service import decide_failed_run
from include.remediation.sweep import sweep_pending
from tests.include.remediation.support import ONCALL, OWNER, failed_run, repair_count, wait_terminal


@pytest.fixture
def mail(tmp_path: Path) -> Iterator[tuple[SmtpSettings, Path]]:
    outbox = tmp_path / "outbox"
    with MailSink(port=0, outbox=outbox) as sink:
        yield SmtpSettings(host="127.0.0.1", port=sink.port, local_sink=True), outbox


def _decided(hook, jobs, store, policy, key: str, now: datetime | None = None) -> RemediationDecision:
    run_id = failed_run(hook, key)
    ref = decide_failed_run(ref_of(jobs.get_run(run_id)), jobs, store, policy, now or datetime.now(UTC))
    return load_decision(store, ref.run_id, ref.attempt)


def test_permission_failure_mails_the_owner_once_with_link_excerpt_and_reason(hook, jobs, store, policy, mail) -> None:
    smtp, outbox = mail
    d = _decided(hook, jobs, store, policy, "permission")
    assert d.action == "SEND_EMAIL"
    result = notify_decision(store, d.run_id, d.attempt, policy, datetime.now(UTC), smtp=smtp)
    assert (result.status, result.kind, result.recipients) == ("sent", "action_needed", [OWNER])
    (item,) = list_outbox(outbox)
    assert item.to == OWNER and "Action needed" in item.subject and d.run_id in item.subject
    msg = load_message(Path(item.path))
    text, html = text_part(msg), html_part(msg)
    assert d.run_page_url and d.run_page_url in text and f'href="{d.run_page_url}"' in html
    assert "PERMISSION_DENIED" in text or "permission" in text.lower()
    assert d.reason[:40] in text and f"lakepilot remediation feedback {d.decision_id}" in text
    row = load_decision(store, d.run_id, d.attempt)
    assert (row.outcome, row.notified) == ("notified", [OWNER])
    # A retried notify task sends nothing more.
    assert notify_decision(store, d.run_id, d.attempt, policy, datetime.now(UTC), smtp=smtp).status == "nothing"
    assert len(list_outbox(outbox)) == 1


def test_the_same_failure_again_is_not_mailed_twice(hook, jobs, store, policy, mail) -> None:
    smtp, outbox = mail
    first = _decided(hook, jobs, store, policy, "permission")
    second = _decided(hook, jobs, store, policy, "permission")
    assert second.action == "IGNORE" and second.duplicate_of == first.decision_id  # the engine's dedup
    # Two decisions recorded at the same instant both say SEND_EMAIL: the notify step dedups them.
    update_decision(store, second, action="SEND_EMAIL", outcome="pending", guard=None, duplicate_of=None,
                    recipients=[OWNER])
    sent = [notify_decision(store, d.run_id, 0, policy, datetime.now(UTC), smtp=smtp) for d in (first, second)]
    assert [s.status for s in sent] == ["sent", "duplicate"]
    assert len(list_outbox(outbox)) == 1
    assert load_decision(store, second.run_id, 0).duplicate_of == first.decision_id


def test_escalation_pages_oncall_and_owner_and_opens_one_incident(hook, jobs, store, policy, mail) -> None:
    smtp, outbox = mail
    d = _decided(hook, jobs, store, policy, "stubborn")
    act_on_decision(store, jobs, d.run_id, 0, policy, datetime.now(UTC))
    assert wait_terminal(hook, int(d.run_id)) == "FAILED"
    ref = decide_failed_run(ref_of(jobs.get_run(int(d.run_id))), jobs, store, policy)
    assert (ref.action, ref.attempt) == ("ESCALATE", 1)
    result = notify_decision(store, d.run_id, 1, policy, datetime.now(UTC), smtp=smtp)
    assert result.status == "sent" and set(result.recipients) == {ONCALL, OWNER}
    escalation = [m for m in list_outbox(outbox) if "Escalation" in m.subject]
    assert len(escalation) == 1
    (incident,) = store.read(RemediationIncident)
    row = load_decision(store, d.run_id, 1)
    assert incident.incident_id == row.incident_id and incident.decision_ids == [row.decision_id]
    assert incident.occurrences == 1 and incident.status == "open" and row.outcome == "notified"


def test_a_resize_tells_the_owner_what_changed(hook, jobs, store, policy, mail) -> None:
    smtp, outbox = mail
    d = _decided(hook, jobs, store, policy, "oom")
    act_on_decision(store, jobs, d.run_id, 0, policy, datetime.now(UTC))
    result = notify_decision(store, d.run_id, 0, policy, datetime.now(UTC), smtp=smtp)
    assert (result.status, result.kind, result.recipients) == ("sent", "changed", [OWNER])
    text = text_part(load_message(Path(list_outbox(outbox)[0].path)))
    assert "node_type_id = r5.2xlarge" in text and "r5.xlarge -> r5.2xlarge" in text
    row = load_decision(store, d.run_id, 0)
    assert row.outcome == "acted" and row.notified == [OWNER]  # the outcome waits for the repair


def test_no_recipient_is_an_error_in_the_ledger(hook, jobs, store, mail) -> None:
    from include.remediation.policy import RemediationPolicy

    smtp, _ = mail
    d = _decided(hook, jobs, store, RemediationPolicy(), "permission")
    update_decision(store, d, owner=None, recipients=[])
    result = notify_decision(store, d.run_id, 0, RemediationPolicy(), datetime.now(UTC), smtp=smtp)
    assert result.status == "error" and load_decision(store, d.run_id, 0).outcome == "error"


def test_sweep_acts_on_due_backoffs_and_sends_owed_notices(hook, jobs, store, mail) -> None:
    from include.remediation.policy import RemediationPolicy

    smtp, outbox = mail
    slow = RemediationPolicy(backoff_base_seconds=300, oncall=[ONCALL])
    now = datetime.now(UTC)
    retry = _decided(hook, jobs, store, slow, "transient", now)
    owed = _decided(hook, jobs, store, slow, "permission", now)  # its notify task never ran
    early = sweep_pending(store, jobs, slow, smtp=smtp, now=now + timedelta(seconds=60))
    assert (early.acted, early.notified) == ([], [])
    # Decisions of the sweeping DAG run itself are left to that run's act tasks.
    own_run = sweep_pending(store, jobs, slow, smtp=smtp, now=now + timedelta(minutes=20),
                            decided_before=now - timedelta(seconds=1), notice_grace=timedelta(hours=1))
    assert (own_run.acted, own_run.notified) == ([], [])
    later = sweep_pending(store, jobs, slow, smtp=smtp, now=now + timedelta(minutes=20))
    assert [a["run_id"] for a in later.acted if a["status"] == "acted"] == [retry.run_id]
    assert [n["decision_id"] for n in later.notified] == [owed.decision_id]
    assert repair_count(hook, int(retry.run_id)) == 1 and len(list_outbox(outbox)) == 1
    again = sweep_pending(store, jobs, slow, smtp=smtp, now=now + timedelta(minutes=40))
    assert (again.acted, again.notified) == ([], [])
