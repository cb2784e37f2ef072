"""An escalated alert goes out through every configured channel, with the providers' real hooks.

Mail through a loopback SMTP server; Slack (`SlackWebhookHook`), Teams (`HttpHook`) and PagerDuty
(`PagerdutyEventsHook`) post to a loopback HTTP server, their connections given the way Airflow reads
them (`AIRFLOW_CONN_*`). The server speaks TLS with a test CA (the clients trust it through
`SSL_CERT_FILE`/`REQUESTS_CA_BUNDLE`; PagerDuty's client refuses anything but https). PagerDuty's Events API
address is fixed in its client; the test points the client's default base URL at the loopback server,
nothing else is replaced.
"""

from __future__ import annotations

import json
import ssl
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from lakepilot_airflow.alerts import deliver_alert, findings_url

from include.emulator.tls import make_certificates
from include.health.escalation import Alert
from include.notify.message import text_part
from include.notify.outbox import list_outbox, load_message
from include.notify.sink import MailSink
from tests.http_stub import send_json

T0 = datetime(2026, 11, 30, 9, tzinfo=UTC)
ALERT = Alert(domain="security", as_of=T0, issues=[{
    "issue_key": "9f2c0d1e5a6b7c8d", "domain": "security", "check": "failed_login_burst", "severity": "critical",
    "entity_type": "ip_address", "entity_id": "185.220.100.234", "summary": "120 failed sign-ins against 8 accounts",
    "recommendation": "Block the address at the IdP.", "finding_id": "f1", "first_seen": T0, "last_seen": T0}])


class Hooks:
    """A loopback HTTP server that records what each webhook received."""

    def __init__(self, tls_dir: Path) -> None:
        self.posts: list[tuple[str, dict]] = []
        self.fail: set[str] = set()
        hooks = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])) or b"{}")
                hooks.posts.append((self.path, body))
                if any(self.path.startswith(p) for p in hooks.fail):
                    send_json(self, 500, {"error": "down"})
                elif self.path.startswith("/v2/enqueue"):
                    send_json(self, 202, {"status": "success", "dedup_key": body.get("dedup_key")})
                elif self.path.startswith("/services/"):  # Slack answers a plain "ok"
                    self.send_response(200)
                    self.send_header("Content-Length", "2")
                    self.end_headers()
                    self.wfile.write(b"ok")
                else:
                    send_json(self, 202, {})

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.tls = make_certificates(tls_dir)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.tls.cert, self.tls.key)
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.url = f"https://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def hooks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Hooks]:
    running = Hooks(tmp_path / "tls")
    monkeypatch.setenv("SSL_CERT_FILE", str(running.tls.ca_cert))
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(running.tls.ca_cert))
    yield running
    running.server.shutdown()


@pytest.fixture
def sink(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[MailSink]:
    with MailSink(port=0, outbox=tmp_path / "outbox") as running:
        monkeypatch.setenv("LAKEPILOT_SMTP_PORT", str(running.port))
        monkeypatch.delenv("AIRFLOW_CONN_SMTP_DEFAULT", raising=False)
        monkeypatch.setenv("LAKEPILOT_ESCALATION_EMAIL", "secops@example.com")
        for conn in ("LAKEPILOT_SLACK", "LAKEPILOT_TEAMS", "LAKEPILOT_PAGERDUTY"):
            monkeypatch.delenv(f"AIRFLOW_CONN_{conn}", raising=False)
        yield running


def _connect(monkeypatch: pytest.MonkeyPatch, hooks: Hooks) -> None:
    import pagerduty

    monkeypatch.setenv("AIRFLOW_CONN_LAKEPILOT_SLACK", json.dumps(
        {"conn_type": "slackwebhook", "password": f"{hooks.url}/services/T000/B000/secret"}))
    monkeypatch.setenv("AIRFLOW_CONN_LAKEPILOT_TEAMS", json.dumps(
        {"conn_type": "http", "host": hooks.url, "password": "/workflows/abc/triggers/manual?sig=secret"}))
    monkeypatch.setenv("AIRFLOW_CONN_LAKEPILOT_PAGERDUTY", json.dumps({"conn_type": "pagerduty_events", "password": "r" * 32}))
    monkeypatch.setattr(pagerduty.EventsApiV2Client, "default_base_url", property(lambda self: hooks.url))


def test_mail_alone_when_no_chat_connection_exists(sink: MailSink) -> None:
    delivery = deliver_alert(ALERT, link="http://airflow.local/lakepilot/findings")
    assert (delivery.delivered, delivery.recipients, delivery.failed) == (["mail"], ["secops@example.com"], {})
    (mail,) = list_outbox(sink.outbox)
    assert mail.subject == "[LakePilot] CRITICAL security: failed login burst on 185.220.100.234"
    assert "http://airflow.local/lakepilot/findings" in text_part(load_message(Path(mail.path)))


def test_every_configured_channel_gets_the_alert(sink: MailSink, hooks: Hooks, monkeypatch: pytest.MonkeyPatch) -> None:
    _connect(monkeypatch, hooks)
    delivery = deliver_alert(ALERT, link="http://airflow.local/lakepilot/findings")
    assert sorted(delivery.delivered) == ["mail", "pagerduty", "slack", "teams"] and delivery.failed == {}
    posts = dict(hooks.posts)
    assert "185.220.100.234" in posts["/services/T000/B000/secret"]["text"]
    card = posts["/workflows/abc/triggers/manual?sig=secret"]["attachments"][0]["content"]
    assert card["type"] == "AdaptiveCard" and "failed login burst" in card["body"][0]["text"]
    event = posts["/v2/enqueue"]
    assert event["dedup_key"] == "lakepilot-9f2c0d1e5a6b7c8d" and event["payload"]["severity"] == "critical"
    assert event["routing_key"] == "r" * 32


def test_a_failing_channel_is_reported_and_the_others_still_go(sink: MailSink, hooks: Hooks, monkeypatch) -> None:
    _connect(monkeypatch, hooks)
    hooks.fail.add("/workflows/")
    delivery = deliver_alert(ALERT)
    assert sorted(delivery.delivered) == ["mail", "pagerduty", "slack"] and list(delivery.failed) == ["teams"]
    assert "sig=secret" not in delivery.failed["teams"]  # the webhook's secret never lands in the record


def test_the_findings_link_comes_from_the_task_log_url() -> None:
    from types import SimpleNamespace

    ti = SimpleNamespace(log_url="http://af.example.com:8080/dags/health_security/runs/r/tasks/escalate?try_number=1")
    assert findings_url({"ti": ti}) == "http://af.example.com:8080/lakepilot/findings"
    assert findings_url({}) == ""


def test_approvals_and_failures_are_posted_to_slack_and_teams(sink: MailSink, hooks: Hooks, monkeypatch) -> None:
    from types import SimpleNamespace

    from lakepilot_airflow.notifiers import ApprovalWaitingNotifier, TaskFailedNotifier

    _connect(monkeypatch, hooks)
    monkeypatch.setenv("LAKEPILOT_FAILURE_EMAIL", "oncall@example.com")
    ti = SimpleNamespace(dag_id="provision_infrastructure", run_id="r1", task_id="firewall_ports.approve", try_number=1,
                         log_url="http://af:8080/dags/provision_infrastructure/runs/r1/tasks/firewall_ports.approve?try_number=1")
    ApprovalWaitingNotifier(subject="approve firewall_ports", summary="open 443/tcp from 10.20.0.0/16",
                            approvers=["admin"]).notify({"ti": ti})
    error = RuntimeError("<!channel> token=dapi0123456789abcdef0123456789abcdef refused")
    TaskFailedNotifier().notify({"ti": ti, "exception": error})
    slack = [body["text"] for path, body in hooks.posts if path.startswith("/services/")]
    teams = [body["attachments"][0]["content"] for path, body in hooks.posts if path.startswith("/workflows/")]
    assert len(slack) == 2 and len(teams) == 2
    assert "Approval needed: approve firewall_ports" in slack[0] and "/required_actions|Open in Airflow>" in slack[0]
    assert "provision_infrastructure.firewall_ports.approve failed" in slack[1]
    assert "<!channel>" not in slack[1] and "dapi0123456789abcdef" not in slack[1]  # escaped and redacted
    assert "dapi0123456789abcdef" not in json.dumps(teams[1])
    assert {m.subject for m in list_outbox(sink.outbox)} == {
        "[LakePilot] provision_infrastructure.firewall_ports.approve failed"}  # no approver address: no approval mail
