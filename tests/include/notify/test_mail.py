"""Messages are built right, really cross SMTP into a loopback sink, and land in the outbox."""

from __future__ import annotations

import ssl
from pathlib import Path

import pytest
from pydantic import SecretStr

from include.config import outbox_dir
from include.notify.message import Attachment, build_message, html_part, text_part
from include.notify.outbox import list_outbox, load_message
from include.notify.sink import MailSink
from include.notify.smtp import SmtpSettings, send_message

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture
def sink():
    with MailSink(port=0) as running:
        yield running


def _message(to="platform-team@example.com"):
    return build_message(
        "LakePilot health report 2026-05-10",
        to,
        '<html><body><h1>Report</h1><img src="cid:cost_trend"></body></html>',
        "Report\n3 findings",
        [
            Attachment(filename="cost.png", content=PNG, mime_type="image/png", inline=True, content_id="cost_trend"),
            Attachment(filename="report.html", content=b"<html>full</html>", mime_type="text/html"),
        ],
    )


def test_message_has_text_html_inline_image_and_attachment() -> None:
    msg = _message("a@example.com, b@example.com")
    assert msg["To"] == "a@example.com, b@example.com"
    assert "3 findings" in text_part(msg)
    assert 'src="cid:cost_trend"' in html_part(msg)
    related = [p for p in msg.walk() if p["Content-ID"] == "<cost_trend>"]
    assert len(related) == 1 and related[0].get_content_type() == "image/png"
    assert [p.get_filename() for p in msg.iter_attachments()] == ["report.html"]


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"subject": "", "to": ["a@example.com"]}, "subject"),
        ({"subject": "two\nlines", "to": ["a@example.com"]}, "single line"),
        ({"subject": "s", "to": ["not-an-address"]}, "not e-mail addresses"),
        ({"subject": "s", "to": []}, "to"),
    ],
)
def test_bad_message_input_is_named(kwargs: dict, error: str) -> None:
    with pytest.raises(ValueError, match=error):
        build_message(kwargs["subject"], kwargs["to"], "<p>x</p>", "x")


def test_inline_attachment_needs_content_id() -> None:
    with pytest.raises(ValueError, match="content_id"):
        build_message("s", "a@example.com", "<p/>", "x", [Attachment(filename="a.png", content=PNG, mime_type="image/png", inline=True)])


def test_send_through_real_loopback_sink_writes_eml(sink: MailSink) -> None:
    assert sink.port > 0
    settings = SmtpSettings(host="127.0.0.1", port=sink.port, local_sink=True)
    result = send_message(_message(), settings)
    assert result.accepted == ["platform-team@example.com"]
    assert "local mail sink" in result.server
    files = list(outbox_dir().glob("*.eml"))
    assert len(files) == 1
    stored = load_message(files[0])
    assert stored["Subject"] == "LakePilot health report 2026-05-10"
    assert stored["X-Envelope-To"] == "platform-team@example.com"
    assert "<h1>Report</h1>" in html_part(stored)
    listed = list_outbox()
    assert [m.subject for m in listed] == ["LakePilot health report 2026-05-10"]
    assert listed[0].attachments[-1] == "report.html"


def test_two_sinks_cannot_share_a_port(sink: MailSink) -> None:
    with pytest.raises(OSError):
        MailSink(port=sink.port).start()


def test_sink_refuses_non_loopback_address() -> None:
    with pytest.raises(ValueError, match="loopback"):
        MailSink(host="0.0.0.0")


def test_sending_to_a_closed_port_raises() -> None:
    with MailSink(port=0) as tmp:
        port = tmp.port
    with pytest.raises(OSError):
        send_message(_message(), SmtpSettings(port=port, timeout_s=2))


def test_settings_from_connection_follow_provider_defaults() -> None:
    remote = SmtpSettings.from_connection_fields("smtp.example.com", None, "bot", "s3cret", {"from_email": "lp@example.com"})
    assert (remote.ssl, remote.starttls, remote.port, remote.sender) == (True, False, 465, "lp@example.com")
    assert "s3cret" not in remote.describe() and "s3cret" not in repr(remote)
    tls = SmtpSettings.from_connection_fields("smtp.example.com", 587, None, None, '{"disable_ssl": true}')
    assert (tls.ssl, tls.starttls) == (False, True)
    local = SmtpSettings.from_connection_fields("127.0.0.1", 8025, None, None, None)
    assert local.local_sink and not local.ssl and not local.starttls
    with pytest.raises(ValueError, match="no host"):
        SmtpSettings.from_connection_fields(None, 25, None, None, None)


def test_settings_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AIRFLOW_CONN_SMTP_DEFAULT", raising=False)
    monkeypatch.setenv("LAKEPILOT_SMTP_PORT", "2525")
    default = SmtpSettings.from_env()
    assert (default.host, default.port, default.local_sink) == ("127.0.0.1", 2525, True)
    monkeypatch.setenv("AIRFLOW_CONN_SMTP_DEFAULT", "smtp://bot:p%40ss@mail.example.com:587?disable_ssl=true")
    uri = SmtpSettings.from_env()
    assert (uri.host, uri.port, uri.user, uri.starttls) == ("mail.example.com", 587, "bot", True)
    assert uri.password is not None and uri.password.get_secret_value() == "p@ss"


def test_outbox_ignores_half_written_files(tmp_path: Path) -> None:
    (tmp_path / ".incoming-x.eml").write_bytes(b"Subject: partial\r\n\r\n")
    assert list_outbox(tmp_path) == []


def test_message_without_recipients_is_refused_before_connecting() -> None:
    msg = _message()
    del msg["To"]
    with pytest.raises(ValueError, match="no To"):
        send_message(msg, SmtpSettings(port=1))


class _Relay:
    """A real aiosmtpd relay on loopback speaking implicit TLS or STARTTLS with a generated certificate,
    requiring AUTH (only over TLS); it keeps what it received."""

    def __init__(self, tmp_path, mode: str) -> None:
        import ssl as _ssl

        from aiosmtpd.controller import Controller
        from aiosmtpd.smtp import AuthResult

        from include.emulator.tls import make_certificates

        self.files = make_certificates(tmp_path / f"tls-{mode}")
        context = _ssl.SSLContext(_ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.files.cert, self.files.key)
        self.messages: list[bytes] = []
        self.logins: list[str] = []
        outer = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd hook name
                outer.messages.append(envelope.original_content or envelope.content)
                return "250 OK"

        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = auth_data.login == b"reports" and auth_data.password == b"relay-pass-1"
            if ok:
                outer.logins.append(auth_data.login.decode())
            return AuthResult(success=ok)

        from include.devstack.procs import free_port

        self.port = free_port()
        if mode == "ssl":  # the whole session is TLS (aiosmtpd's auth_require_tls only knows STARTTLS)
            self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port, ssl_context=context,
                                         server_kwargs={"authenticator": authenticator, "auth_require_tls": False})
        else:  # AUTH is only offered after STARTTLS
            self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port,
                                         server_kwargs={"authenticator": authenticator, "auth_require_tls": True,
                                                        "tls_context": context, "require_starttls": True})
        self.controller.start()


@pytest.mark.parametrize("mode", ["ssl", "starttls"])
def test_tls_relays_with_auth_over_implicit_tls_and_starttls(tmp_path, monkeypatch: pytest.MonkeyPatch, mode: str) -> None:
    import smtplib

    relay = _Relay(tmp_path, mode)
    try:
        extra = {"disable_ssl": mode != "ssl", "disable_tls": False, "from_email": "lakepilot@example.com"}
        settings = SmtpSettings.from_connection_fields("127.0.0.1", relay.port, "reports", "relay-pass-1", extra)
        assert (settings.ssl, settings.starttls, settings.local_sink) == (mode == "ssl", mode == "starttls", False)
        assert ("SSL" if mode == "ssl" else "STARTTLS") in settings.describe() and "relay-pass-1" not in settings.describe()
        msg = build_message("Daily health", ["platform@example.com"], "<p>ok</p>", "ok", sender=settings.sender)
        with pytest.raises((ssl.SSLError, smtplib.SMTPServerDisconnected, OSError)):  # the CA is not trusted by default
            send_message(msg, settings)
        monkeypatch.setenv("SSL_CERT_FILE", str(relay.files.ca_cert))
        result = send_message(msg, settings)
        assert result.accepted == ["platform@example.com"] and relay.logins == ["reports"]
        assert b"Subject: Daily health" in relay.messages[0]
        wrong = settings.model_copy(update={"password": SecretStr("nope"), "timeout_s": 5.0})
        # refused (aiosmtpd answers a failed AUTH late over implicit TLS: the client's timeout ends it); nothing is sent
        with pytest.raises((smtplib.SMTPAuthenticationError, smtplib.SMTPServerDisconnected)):
            send_message(msg, wrong)
        assert len(relay.messages) == 1
    finally:
        relay.controller.stop()


def test_a_text_attachment_arrives_as_the_same_unicode_text(sink: MailSink) -> None:
    """The stored report is UTF-8 ("·", "—", "×"); the mailed file must read back as exactly that text."""
    report = "<html><meta charset='utf-8'><p>Cost · budget — usage × price: €1 …</p></html>"
    message = build_message("r", "platform-team@example.com", "<p>see attached</p>", "see attached",
                            [Attachment(filename="report.html", content=report.encode(), mime_type="text/html")])
    send_message(message, SmtpSettings(host="127.0.0.1", port=sink.port, local_sink=True))
    (stored,) = [load_message(p) for p in outbox_dir().glob("*.eml")]
    (part,) = list(stored.iter_attachments())
    assert part.get_content_charset() == "utf-8" and part.get_content() == report
