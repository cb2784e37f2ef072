"""Read the local outbox: the `.eml` files the loopback sink wrote."""

from __future__ import annotations

from datetime import datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from pathlib import Path

from pydantic import BaseModel

from include.config import outbox_dir


class OutboxMessage(BaseModel):
    """One stored message, summarised."""

    path: str
    subject: str
    sender: str
    to: str
    date: datetime | None
    size_bytes: int
    attachments: list[str]


def load_message(path: Path) -> EmailMessage:
    """Parse one .eml file."""
    return message_from_bytes(Path(path).read_bytes(), policy=policy.default)


def list_outbox(outbox: Path | None = None) -> list[OutboxMessage]:
    """Messages in the outbox, newest first (half-written temp files are never listed)."""
    root = Path(outbox) if outbox else outbox_dir()
    if not root.is_dir():
        return []
    items: list[OutboxMessage] = []
    for path in sorted(root.glob("*.eml"), reverse=True):
        if path.name.startswith("."):
            continue
        msg = load_message(path)
        try:
            date = parsedate_to_datetime(str(msg["Date"])) if msg["Date"] else None
        except (TypeError, ValueError):
            date = None
        items.append(
            OutboxMessage(
                path=str(path),
                subject=str(msg["Subject"] or "").strip(),  # a folded header unfolds with its leading space
                sender=str(msg["From"] or ""),
                to=str(msg["X-Envelope-To"] or msg["To"] or ""),
                date=date,
                size_bytes=path.stat().st_size,
                attachments=[p.get_filename() or "" for p in msg.iter_attachments()],
            )
        )
    return items
