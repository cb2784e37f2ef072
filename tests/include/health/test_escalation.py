"""Critical findings are told at once, once per issue until the re-notify interval passes, and recorded.

The sweeps are stored by the real `sweep_and_store` (a stand-in sweep function returns the findings) into
Delta tables; the alert goes out as a real mail through a loopback SMTP server.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from include.health.escalation import Alert, Delivery, Escalation, EscalationPolicy, escalate, escalations_of
from include.health.lifecycle import FindingState, change_status, issue_key
from include.health.models import DomainSweep
from include.health.service import escalate_stored, load_stored_sweep, sweep_and_store
from include.health.settings import HealthSettings
from include.lakehouse.warehouse import LocalWarehouse
from include.notify.alerts import alert_message
from include.notify.message import html_part, text_part
from include.notify.outbox import list_outbox, load_message
from include.notify.sink import MailSink
from include.notify.smtp import SmtpSettings, send_message
from include.ops.models import Finding
from include.ops.store import LocalOpsStore

T0 = datetime(2026, 11, 30, 9, tzinfo=UTC)
IP = "185.220.100.234"


def _finding(at: datetime, entity: str = IP, severity: str = "critical", check: str = "failed_login_burst") -> Finding:
    return Finding(domain="security", check=check, severity=severity, entity_type="ip_address", entity_id=entity,
                   window_start=at - timedelta(hours=1), window_end=at, metric="failed_logins", observed=120,
                   summary=f"120 failed sign-ins from {entity} against 8 accounts",
                   recommendation="Block the address at the IdP and reset the targeted accounts.")


class Mailer:
    """Delivers alerts as real mails through the loopback sink (or fails, when told to)."""

    def __init__(self, sink: MailSink) -> None:
        self.settings = SmtpSettings(host="127.0.0.1", port=sink.port)
        self.broken = False

    def __call__(self, alert: Alert) -> Delivery:
        if self.broken:
            return Delivery(failed={"mail": "SMTPServerDisconnected: relay down"})
        result = send_message(alert_message(alert, ["secops@example.com"], renotify_hours=24,
                                            findings_url="http://airflow.local/lakepilot/findings"), self.settings)
        return Delivery(delivered=["mail"], recipients=list(result.accepted))


@pytest.fixture
def sink(tmp_path: Path):
    with MailSink(port=0, outbox=tmp_path / "outbox") as running:
        yield running


@pytest.fixture
def store(lakehouse: Path) -> LocalOpsStore:
    return LocalOpsStore(lakehouse)


def _sweep(store: LocalOpsStore, at: datetime, *findings: Finding) -> DomainSweep:
    sweep = DomainSweep(domain="security", as_of=at, window_start=at - timedelta(hours=24), window_end=at,
                        findings=list(findings), checks_run=sorted({f.check for f in findings}))
    sweep_and_store(None, "security", at, store=store, sweep_fn=lambda *a, **k: sweep)
    return load_stored_sweep(store, "security", at)[1]


def _state(store: LocalOpsStore, entity: str = IP, check: str = "failed_login_burst") -> FindingState:
    return store.read(FindingState, {"issue_key": issue_key("security", check, "ip_address", entity)})[0]


def _mails(sink: MailSink) -> list[str]:
    return [m.subject for m in list_outbox(sink.outbox)]


def test_a_critical_finding_is_mailed_once_and_again_only_after_the_interval(store, sink) -> None:
    mailer = Mailer(sink)
    first = escalate(store, _sweep(store, T0, _finding(T0)), deliver=mailer, now=T0 + timedelta(minutes=2))
    assert (first.status, first.channels) == ("sent", ["mail"])
    assert _mails(sink) == [f"[LakePilot] CRITICAL security: failed login burst on {IP}"]
    (mail,) = list_outbox(sink.outbox)
    body = text_part(load_message(Path(mail.path)))
    assert "Block the address at the IdP" in body and f"lakepilot findings ack {first.told[0]}" in body
    state = _state(store)
    assert (state.notified_count, state.notified_severity) == (1, "critical")
    (record,) = escalations_of(store, state.issue_key)
    assert (record.status, record.recipients, record.finding_id) == ("sent", ["secops@example.com"], state.last_finding_id)

    # The hourly sweeps after it still find the burst: nobody is told again within 24 hours...
    for hours in (1, 2, 23):
        at = T0 + timedelta(hours=hours)
        later = escalate(store, _sweep(store, at, _finding(at)), deliver=mailer, now=at + timedelta(minutes=2))
        assert (later.status, later.held_back, later.told) == ("nothing_due", [state.issue_key], [])
    assert len(_mails(sink)) == 1
    # ...and once it has been open that long, it is told again, saying so.
    at = T0 + timedelta(hours=24)
    again = escalate(store, _sweep(store, at, _finding(at)), deliver=mailer, now=at + timedelta(minutes=2))
    assert again.told == [state.issue_key] and len(_mails(sink)) == 2
    assert "told 1 time(s) before" in text_part(load_message(Path(list_outbox(sink.outbox)[0].path)))
    assert _state(store).notified_count == 2 and len(escalations_of(store, state.issue_key)) == 2


def test_a_retried_task_does_not_send_the_same_alert_twice(store, sink) -> None:
    sweep = _sweep(store, T0, _finding(T0))
    escalate(store, sweep, deliver=Mailer(sink), now=T0)
    retry = escalate(store, sweep, deliver=Mailer(sink), now=T0,
                     policy=EscalationPolicy(renotify_hours=0))  # even when the interval would allow it
    assert (retry.status, retry.already_sent) == ("already_sent", [_state(store).issue_key])
    assert len(_mails(sink)) == 1 and len(store.read(Escalation)) == 1


def test_only_open_issues_at_the_threshold_are_told(store, sink) -> None:
    mailer = Mailer(sink)
    high = _finding(T0, entity="10.0.0.9", severity="high", check="new_ip_login")
    acked = _finding(T0, entity="203.0.113.7")
    _sweep(store, T0 - timedelta(hours=1), acked)
    change_status(store, _state(store, "203.0.113.7").issue_key, "acknowledge", "ana", "blocking it", now=T0)
    outcome = escalate(store, _sweep(store, T0, _finding(T0), high, acked), deliver=mailer, now=T0)
    assert outcome.told == [_state(store).issue_key]  # not the high one, not the acknowledged one
    # Told at "high" too when the threshold says so; the high one is then due, the critical one held back.
    at = T0 + timedelta(hours=1)
    wider = escalate(store, _sweep(store, at, _finding(at), _finding(at, "10.0.0.9", "high", "new_ip_login")),
                     deliver=mailer, now=at, policy=EscalationPolicy(min_severity="high"))
    assert wider.told == [_state(store, "10.0.0.9", "new_ip_login").issue_key]
    assert wider.held_back == [_state(store).issue_key]
    assert _mails(sink)[0] == "[LakePilot] HIGH security: new ip login on 10.0.0.9"


def test_an_issue_that_gets_worse_is_told_again_at_once(store, sink) -> None:
    mailer, policy = Mailer(sink), EscalationPolicy(min_severity="high")
    escalate(store, _sweep(store, T0, _finding(T0, severity="high")), deliver=mailer, now=T0, policy=policy)
    at = T0 + timedelta(hours=1)
    worse = escalate(store, _sweep(store, at, _finding(at)), deliver=mailer, now=at, policy=policy)
    assert worse.told == [_state(store).issue_key] and _state(store).notified_severity == "critical"
    assert [s.split(":")[0] for s in _mails(sink)] == ["[LakePilot] CRITICAL security", "[LakePilot] HIGH security"]


def test_a_backfill_tells_nobody(store, sink) -> None:
    outcome = escalate(store, _sweep(store, T0, _finding(T0)), deliver=Mailer(sink), now=T0 + timedelta(days=5))
    assert outcome.status == "backfill" and _mails(sink) == [] and store.read(Escalation) == []


def test_when_every_channel_fails_the_task_fails_and_the_retry_sends_it(store, sink) -> None:
    mailer = Mailer(sink)
    mailer.broken = True
    sweep = _sweep(store, T0, _finding(T0))
    with pytest.raises(RuntimeError, match="relay down"):
        escalate(store, sweep, deliver=mailer, now=T0)
    (failed,) = store.read(Escalation)
    assert failed.status == "failed" and failed.failed == ["mail: SMTPServerDisconnected: relay down"]
    assert _state(store).notified_at is None  # nobody was told: the next try must tell them
    mailer.broken = False
    assert escalate(store, sweep, deliver=mailer, now=T0 + timedelta(minutes=2)).status == "sent"
    assert [e.status for e in store.read(Escalation)] == ["sent"] and len(_mails(sink)) == 1


def test_no_channel_is_recorded_and_leaves_the_issue_untold(store) -> None:
    outcome = escalate(store, _sweep(store, T0, _finding(T0)), deliver=lambda alert: Delivery(), now=T0)
    assert outcome.status == "no_channel"
    assert [e.status for e in store.read(Escalation)] == ["no_channel"] and _state(store).notified_count == 0


def test_escalate_stored_reads_the_threshold_and_interval_from_the_settings(store, lakehouse, sink) -> None:
    mailer = Mailer(sink)
    seen: list[float] = []

    def deliver(alert: Alert, renotify_hours: float) -> Delivery:
        seen.append(renotify_hours)
        return mailer(alert)

    _sweep(store, T0, _finding(T0, severity="high", check="new_ip_login"))
    settings = HealthSettings(escalate_min_severity="high", renotify_hours=6, escalate_max_age_hours=10_000)
    outcome = escalate_stored(LocalWarehouse(lakehouse), "security", T0, deliver=deliver, settings=settings, store=store)
    assert outcome.status == "sent" and seen == [6]


def test_names_from_the_system_tables_cannot_inject_markup(sink) -> None:
    hostile = "<script>alert(1)</script><!channel>"
    alert = Alert(domain="security", as_of=T0, issues=[{
        "issue_key": "k", "domain": "security", "check": "new_ip_login", "severity": "critical",
        "entity_type": "user", "entity_id": hostile, "summary": f"sign-in by {hostile}", "recommendation": "r",
        "finding_id": "f", "first_seen": T0, "last_seen": T0}])
    msg = alert_message(alert, ["a@example.com"], renotify_hours=24)
    assert "<script>" not in html_part(msg) and "&lt;script&gt;" in html_part(msg)
    from include.notify.alerts import slack_text

    assert "<!channel>" not in slack_text(alert) and "&lt;!channel&gt;" in slack_text(alert)


def test_an_issue_that_was_closed_and_came_back_is_told_again_at_once(store, sink) -> None:
    """A state check's issue told at 09:00, resolved by the 10:00 sweep, back at 11:00: news, not a repeat."""
    mailer = Mailer(sink)
    stale = "stale_table"

    def finding(at: datetime) -> Finding:
        return _finding(at, entity="main.sales.orders", check=stale)

    escalate(store, _sweep(store, T0, finding(T0)), deliver=mailer, now=T0)
    at = T0 + timedelta(hours=1)
    gone = DomainSweep(domain="security", as_of=at, window_start=at - timedelta(hours=24), window_end=at,
                       checks_run=[stale])
    sweep_and_store(None, "security", at, store=store, sweep_fn=lambda *a, **k: gone)
    assert _state(store, "main.sales.orders", stale).status == "resolved"
    at = T0 + timedelta(hours=2)
    back = escalate(store, _sweep(store, at, finding(at)), deliver=mailer, now=at)
    assert back.told == [_state(store, "main.sales.orders", stale).issue_key] and len(_mails(sink)) == 2
