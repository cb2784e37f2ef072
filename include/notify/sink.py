"""A loopback SMTP server that writes every message it accepts as an `.eml` file.

Locally this stands in for a mail relay: the health report and remediation notices are
really sent over SMTP, and land in `include.config.outbox_dir()` where `lakepilot mail list`
(or any mail client opening the .eml) shows them. It only ever binds to a loopback address.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import tempfile
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from include.config import outbox_dir

log = logging.getLogger(__name__)

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
_SLUG = re.compile(r"[^A-Za-z0-9]+")


def _envelope_headers(mail_from: str, rcpt_tos: list[str], peer: Any) -> bytes:
    """Headers recording the SMTP envelope, which the message itself does not carry (e.g. Bcc)."""
    received = datetime.now(UTC).strftime("%a, %d %b %Y %H:%M:%S +0000")
    lines = [
        f"X-LakePilot-Sink-Received: {received}",
        f"X-Envelope-From: {mail_from}",
        f"X-Envelope-To: {', '.join(rcpt_tos)}",
        f"X-Peer: {peer[0] if isinstance(peer, tuple) else peer}",
    ]
    return ("\r\n".join(lines) + "\r\n").encode()


class OutboxHandler:
    """aiosmtpd handler: one atomically written `.eml` file per accepted message."""

    def __init__(self, outbox: Path) -> None:
        self.outbox = Path(outbox)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd hook name
        try:
            path = self.write(envelope.mail_from or "", list(envelope.rcpt_tos), envelope.original_content or envelope.content, session.peer)
        except OSError as exc:
            log.error("mail sink could not write the message: %s", exc)
            return "451 Requested action aborted: local error writing the message"
        log.info("mail sink stored %s", path.name)
        return "250 Message accepted for delivery"

    def write(self, mail_from: str, rcpt_tos: list[str], content: bytes, peer: Any = "local") -> Path:
        """Store one message; the file appears complete or not at all."""
        self.outbox.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        subject = _subject(content)
        slug = _SLUG.sub("-", subject).strip("-").lower()[:60] or "message"
        final = self.outbox / f"{stamp}-{slug}-{uuid.uuid4().hex[:6]}.eml"
        fd, tmp = tempfile.mkstemp(dir=self.outbox, prefix=".incoming-", suffix=".eml")
        with os.fdopen(fd, "wb") as handle:
            handle.write(_envelope_headers(mail_from, rcpt_tos, peer))
            handle.write(content.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n"))
        os.replace(tmp, final)
        return final


def _subject(content: bytes) -> str:
    from email import message_from_bytes, policy

    try:
        return str(message_from_bytes(content, policy=policy.default).get("Subject", "")).strip()
    except Exception:  # a malformed message still gets stored, just without a pretty name
        return ""


class SinkInfo(BaseModel):
    """Where a running sink listens and writes."""

    host: str
    port: int
    outbox: str


class MailSink:
    """The loopback SMTP sink. `start()` binds (port 0 picks a free port) and serves in a thread."""

    def __init__(self, port: int = 8025, host: str = "127.0.0.1", outbox: Path | None = None) -> None:
        if host not in LOOPBACK:
            raise ValueError(f"the mail sink only listens on loopback addresses, not {host!r}")
        self.host = host
        self.port = port
        self.outbox = Path(outbox) if outbox else outbox_dir()
        self._controller: Any = None

    @property
    def running(self) -> bool:
        return self._controller is not None

    def start(self) -> SinkInfo:
        """Start serving; raise OSError when the port is taken."""
        from aiosmtpd.controller import Controller

        sink = self

        class _Controller(Controller):
            def _trigger_server(self) -> None:
                # With port 0 the OS picked the port: read it before the readiness probe uses it.
                if isinstance(self.server, asyncio.Server) and self.server.sockets:
                    self.port = self.server.sockets[0].getsockname()[1]
                    sink.port = self.port
                super()._trigger_server()  # type: ignore[no-untyped-call]  # aiosmtpd leaves it unannotated

        if self._controller is not None:
            raise RuntimeError("the mail sink is already running")
        if self.port:
            _check_port_free(self.host, self.port)
        self.outbox.mkdir(parents=True, exist_ok=True)
        controller = _Controller(OutboxHandler(self.outbox), hostname=self.host, port=self.port, ready_timeout=10)
        controller.start()
        self._controller = controller
        log.info("mail sink listening on %s:%d, writing to %s", self.host, self.port, self.outbox)
        return self.info()

    def stop(self) -> None:
        """Stop serving (idempotent)."""
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def info(self) -> SinkInfo:
        return SinkInfo(host=self.host, port=self.port, outbox=str(self.outbox))

    def __enter__(self) -> MailSink:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _check_port_free(host: str, port: int) -> None:
    """Fail at once with a clear message (aiosmtpd would only time out) when the port is taken."""
    import socket

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise OSError(exc.errno, f"cannot start the mail sink: {host}:{port} is already in use") from exc


def start_sink(port: int = 8025, host: str = "127.0.0.1", outbox: Path | None = None) -> MailSink:
    """Start a sink and return it (call `.stop()` on it to end it); for `lakepilot up`."""
    sink = MailSink(port=port, host=host, outbox=outbox)
    sink.start()
    return sink
