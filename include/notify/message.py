"""Build e-mail messages: an HTML body with a plain-text alternative, optional attachments.

Small and generic on purpose: the health report and remediation notices both use it.
Images meant to appear inside the HTML (`inline=True`) travel as `multipart/related` parts
referenced by `cid:` URLs, which mail clients show; `data:` URLs and inline SVG are stripped
by many of them.
"""

from __future__ import annotations

import re
from email.message import EmailMessage, MIMEPart
from email.utils import formataddr, formatdate, make_msgid, parseaddr

from pydantic import BaseModel, Field, field_validator

DEFAULT_SENDER = "LakePilot <lakepilot@localhost>"
_MIME = re.compile(r"^[a-z0-9.+-]+/[a-z0-9.+-]+$")
_CID = re.compile(r"^[A-Za-z0-9._-]+$")



def addresses(*values: str | None) -> list[str]:
    """The e-mail addresses among comma-separated values, in order, once each (anything else is dropped)."""
    parts = (part.strip() for value in values for part in (value or "").split(","))
    return [p for p in dict.fromkeys(parts) if p and "@" in parseaddr(p)[1]]

class Attachment(BaseModel):
    """A file to send with a message; `inline` images are referenced from the HTML as `cid:<content_id>`."""

    filename: str
    content: bytes
    mime_type: str = "application/octet-stream"
    inline: bool = False
    content_id: str | None = None

    @field_validator("mime_type")
    @classmethod
    def _mime(cls, value: str) -> str:
        if not _MIME.match(value):
            raise ValueError(f"mime_type {value!r} is not of the form type/subtype")
        return value

    @field_validator("content_id")
    @classmethod
    def _cid(cls, value: str | None) -> str | None:
        if value is not None and not _CID.match(value):
            raise ValueError(f"content_id {value!r} may hold only letters, digits, '.', '_' and '-'")
        return value


class MessageSpec(BaseModel):
    """The validated inputs of `build_message` (kept as a model so callers can log/serialise it)."""

    subject: str = Field(min_length=1, max_length=300)
    to: list[str] = Field(min_length=1)
    sender: str = DEFAULT_SENDER

    @field_validator("to")
    @classmethod
    def _addresses(cls, values: list[str]) -> list[str]:
        bad = [v for v in values if "@" not in parseaddr(v)[1]]
        if bad:
            raise ValueError(f"not e-mail addresses: {', '.join(map(repr, bad))}")
        return values

    @field_validator("subject")
    @classmethod
    def _one_line(cls, value: str) -> str:
        if "\n" in value or "\r" in value:
            raise ValueError("subject must be a single line")
        return value


def build_message(
    subject: str,
    to: list[str] | str,
    html: str,
    text: str,
    attachments: list[Attachment] | None = None,
    *,
    sender: str | None = None,
) -> EmailMessage:
    """An `EmailMessage` with a text part, an HTML alternative, inline images and attachments.

    Args:
        subject: One-line subject.
        to: Recipient address(es); a comma-separated string is split.
        html: The HTML body (may reference inline attachments as `cid:<content_id>`).
        text: Plain-text alternative for clients that do not show HTML.
        attachments: Files; those with `inline=True` must have a `content_id` and an image type.
        sender: The From header (default `LakePilot <lakepilot@localhost>`).

    Raises:
        ValueError: on an empty subject, a malformed address, or an inline part without a content id.
    """
    recipients = [a.strip() for a in to.split(",")] if isinstance(to, str) else list(to)
    spec = MessageSpec(subject=subject, to=[r for r in recipients if r], sender=sender or DEFAULT_SENDER)
    msg = EmailMessage()
    msg["Subject"] = spec.subject
    name, addr = parseaddr(spec.sender)
    msg["From"] = formataddr((name, addr)) if name else addr
    msg["To"] = ", ".join(spec.to)
    msg["Date"] = formatdate(localtime=False, usegmt=True)
    msg["Message-ID"] = make_msgid(domain=addr.rsplit("@", 1)[-1] or "localhost")
    msg.set_content(text)
    msg.add_alternative(html, subtype="html")
    parts = msg.get_payload()
    html_part = parts[1] if isinstance(parts, list) and len(parts) > 1 else None
    if not isinstance(html_part, MIMEPart):  # add_alternative made msg multipart/alternative: [text, html]
        raise TypeError("the message has no HTML alternative part to attach inline images to")
    for item in attachments or []:
        maintype, subtype = item.mime_type.split("/", 1)
        if item.inline:
            if not item.content_id or maintype != "image":
                raise ValueError(f"inline attachment {item.filename!r} needs an image type and a content_id")
            html_part.add_related(
                item.content,
                maintype=maintype,
                subtype=subtype,
                cid=f"<{item.content_id}>",
                filename=item.filename,
                disposition="inline",
            )
    for item in attachments or []:
        if not item.inline:
            maintype, subtype = item.mime_type.split("/", 1)
            # Text files are UTF-8 (the report's "·", "—", "×"): without the charset a mail client reads them as ASCII.
            params = {"charset": "utf-8"} if maintype == "text" else {}
            msg.add_attachment(item.content, maintype=maintype, subtype=subtype, filename=item.filename, params=params)
    return msg


def html_part(msg: EmailMessage) -> str:
    """The HTML body of a message built here (or parsed from an .eml), or '' when it has none."""
    part = msg.get_body(preferencelist=("html",))
    return part.get_content() if part is not None else ""


def text_part(msg: EmailMessage) -> str:
    """The plain-text body of a message, or ''."""
    part = msg.get_body(preferencelist=("plain",))
    return part.get_content() if part is not None else ""
