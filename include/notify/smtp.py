"""Send messages over SMTP with settings from an Airflow connection (`smtp_default`) or the env.

The connection fields map as Airflow's SMTP provider uses them: host, port, login, password,
and extra `{"from_email", "disable_tls", "disable_ssl", "timeout"}`. Locally, with no
connection configured, mail goes to the loopback sink (`lakepilot mail serve`), and the
settings say so in `describe()` so nobody mistakes it for real delivery.
"""

from __future__ import annotations

import json
import logging
import os
import smtplib
import ssl
from email.message import EmailMessage
from typing import Any

from pydantic import BaseModel, Field, SecretStr

from include.notify.message import DEFAULT_SENDER

log = logging.getLogger(__name__)

ENV_CONN = "AIRFLOW_CONN_SMTP_DEFAULT"
ENV_SINK_PORT = "LAKEPILOT_SMTP_PORT"
DEFAULT_SINK_PORT = 8025
_TRUE = {"1", "true", "yes", "on"}


class SmtpSettings(BaseModel):
    """Where and how to send mail. The password is a SecretStr (prints as '**********')."""

    host: str = "127.0.0.1"
    port: int = Field(default=DEFAULT_SINK_PORT, ge=1, le=65535)
    user: str | None = None
    password: SecretStr | None = None
    starttls: bool = False
    ssl: bool = False
    timeout_s: float = Field(default=30.0, gt=0)
    sender: str = DEFAULT_SENDER
    local_sink: bool = False

    def describe(self) -> str:
        """Safe description (no password) for banners and logs."""
        where = f"{self.host}:{self.port}"
        if self.local_sink:
            return f"local mail sink at {where} (writes .eml files to the outbox; nothing is delivered)"
        mode = "SSL" if self.ssl else ("STARTTLS" if self.starttls else "plain")
        return f"SMTP {where} ({mode}{', auth' if self.user else ''})"

    @classmethod
    def from_connection_fields(
        cls,
        host: str | None,
        port: int | None,
        login: str | None,
        password: str | None,
        extra: dict[str, Any] | str | None,
    ) -> SmtpSettings:
        """Build from an Airflow connection's fields (as the SMTP provider reads them)."""
        ex: dict[str, Any] = json.loads(extra) if isinstance(extra, str) and extra else dict(extra or {})
        if not host:
            raise ValueError("the smtp_default connection has no host")
        # Same defaults as the SMTP provider: SSL unless disable_ssl, else STARTTLS unless disable_tls.
        use_ssl = not _flag(ex.get("disable_ssl", False))
        starttls = not _flag(ex.get("disable_tls", False)) and not use_ssl
        # The local sink on loopback speaks plain SMTP: a loopback connection that says nothing about TLS is
        # that sink (the report must not fail over a default flag). One that sets disable_ssl/disable_tls
        # is a real relay on this machine (a tunnel, a sidecar) and gets exactly the TLS it asks for.
        explicit = "disable_ssl" in ex or "disable_tls" in ex
        sink = host in {"127.0.0.1", "localhost", "::1"} and not (explicit and (use_ssl or starttls))
        return cls(
            host=host,
            port=int(port or (465 if use_ssl else 587 if starttls else 25)),
            user=login or None,
            password=SecretStr(password) if password else None,
            starttls=starttls and not sink,
            ssl=use_ssl and not sink,
            timeout_s=float(ex.get("timeout", 30)),
            sender=ex.get("from_email") or DEFAULT_SENDER,
            local_sink=sink,
        )

    @classmethod
    def from_env(cls) -> SmtpSettings:
        """From the `smtp_default` connection (include.connections); else the local sink on `LAKEPILOT_SMTP_PORT`."""
        from include.connections import SMTP_CONN_ID, get_connection

        conn = get_connection(SMTP_CONN_ID)
        if conn is None:
            port = int(os.environ.get(ENV_SINK_PORT) or DEFAULT_SINK_PORT)
            return cls(host="127.0.0.1", port=port, local_sink=True)
        return cls.from_connection_fields(conn.host, conn.port, conn.login, conn.password, conn.extra_dejson)


def _flag(value: Any) -> bool:
    return value if isinstance(value, bool) else str(value).strip().lower() in _TRUE


class SendResult(BaseModel):
    """What the SMTP server accepted."""

    accepted: list[str]
    refused: dict[str, str] = Field(default_factory=dict)
    server: str


def send_message(msg: EmailMessage, settings: SmtpSettings) -> SendResult:
    """Send one message; raise `smtplib.SMTPException`/`OSError` when nothing could be sent.

    A message refused for some recipients but accepted for others returns normally with the
    refusals listed, so the caller can record exactly who got it.
    """
    recipients = [a.strip() for a in str(msg["To"] or "").split(",") if a.strip()]
    if not recipients:
        raise ValueError("message has no To recipients")
    if settings.ssl:
        client: smtplib.SMTP = smtplib.SMTP_SSL(
            settings.host, settings.port, timeout=settings.timeout_s, context=ssl.create_default_context()
        )
    else:
        client = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout_s)
    with client:
        if settings.starttls:
            client.starttls(context=ssl.create_default_context())
        if settings.user:
            client.login(settings.user, settings.password.get_secret_value() if settings.password else "")
        refused = client.send_message(msg)
    result = SendResult(
        accepted=[r for r in recipients if r not in refused],
        refused={k: f"{v[0]} {v[1].decode(errors='replace') if isinstance(v[1], bytes) else v[1]}" for k, v in refused.items()},
        server=settings.describe(),
    )
    log.info("mail %r sent via %s to %s", msg["Subject"], result.server, ", ".join(result.accepted))
    return result
