"""The Airflow notifiers mail people through a real SMTP server on loopback: approvers when a plan waits,
whoever LAKEPILOT_FAILURE_EMAIL names when a task fails; neither ever fails the task it is about.

The context is what Airflow hands a notifier (`ti` with its ids and log URL); the e2e golden path
checks the same mails coming out of real Airflow tasks."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from lakepilot_airflow.notifiers import ApprovalWaitingNotifier, TaskFailedNotifier

from include.notify.message import text_part
from include.notify.outbox import list_outbox, load_message
from include.notify.sink import MailSink

LOG_URL = "http://127.0.0.1:8080/dags/provision_infrastructure/runs/r1/tasks/firewall_ports.approve?try_number=1"


@pytest.fixture
def sink(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    with MailSink(port=0, outbox=tmp_path / "outbox") as running:
        monkeypatch.setenv("LAKEPILOT_SMTP_PORT", str(running.port))
        monkeypatch.delenv("AIRFLOW_CONN_SMTP_DEFAULT", raising=False)
        yield running


def _context(**extra: object) -> dict[str, object]:
    ti = SimpleNamespace(dag_id="provision_infrastructure", run_id="r1", task_id="firewall_ports.approve",
                         try_number=2, log_url=LOG_URL)
    return {"ti": ti, **extra}


def _mails(sink: MailSink) -> list[tuple[str, str, str]]:
    return [(m.subject, m.to, text_part(load_message(Path(m.path)))) for m in list_outbox(sink.outbox)]


def test_approvers_get_the_plan_summary_the_deadline_and_the_link(sink: MailSink, monkeypatch) -> None:
    monkeypatch.setenv("LAKEPILOT_APPROVER_EMAIL", "platform-leads@example.com")
    notifier = ApprovalWaitingNotifier(subject="approve firewall_ports", summary="open 443/tcp from 10.20.0.0/16",
                                       approvers=["admin", "alice@example.com"], timeout_s=7200)
    notifier.notify(_context())
    ((subject, to, text),) = _mails(sink)
    assert subject == "[LakePilot] Approval needed: approve firewall_ports"
    assert to == "platform-leads@example.com, alice@example.com"  # user ids that are not addresses are not mailed
    assert "open 443/tcp from 10.20.0.0/16" in text and "within 2.0 h it is rejected" in text
    assert LOG_URL.split("?")[0] + "/required_actions" in text


def test_nobody_to_tell_sends_nothing(sink: MailSink, monkeypatch) -> None:
    monkeypatch.delenv("LAKEPILOT_APPROVER_EMAIL", raising=False)
    ApprovalWaitingNotifier(subject="s", summary="x", approvers=["admin"]).notify(_context())
    monkeypatch.delenv("LAKEPILOT_FAILURE_EMAIL", raising=False)
    monkeypatch.delenv("LAKEPILOT_ONCALL_EMAIL", raising=False)
    TaskFailedNotifier().notify(_context(exception=RuntimeError("boom")))
    assert _mails(sink) == []


def test_a_failed_task_mails_its_error_redacted(sink: MailSink, monkeypatch) -> None:
    monkeypatch.setenv("LAKEPILOT_ONCALL_EMAIL", "oncall@example.com")
    error = RuntimeError("terraform apply: 403 for token dapi0123456789abcdef0123456789abcdef " + "x" * 5000)
    TaskFailedNotifier().notify(_context(exception=error))
    ((subject, to, text),) = _mails(sink)
    assert subject == "[LakePilot] provision_infrastructure.firewall_ports.approve failed" and to == "oncall@example.com"
    assert "RuntimeError: terraform apply: 403" in text and "try 2" in text and LOG_URL.split("?")[0] in text
    assert "dapi0123456789abcdef" not in text and len(text) < 2000


def test_a_mail_server_that_is_down_never_fails_the_task(monkeypatch, caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setenv("LAKEPILOT_SMTP_PORT", "9")  # nothing listens
    monkeypatch.setenv("LAKEPILOT_FAILURE_EMAIL", "oncall@example.com")
    TaskFailedNotifier().notify(_context(exception=RuntimeError("boom")))  # logged, not raised
    assert "could not mail the failure notice for provision_infrastructure.firewall_ports.approve" in caplog.text
