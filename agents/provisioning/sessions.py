"""Conversation sessions on disk: `<state_dir>/provisioning/sessions/<id>.json`, written atomically
after every turn so `lakepilot provision --session ID` resumes exactly where it stopped."""

from __future__ import annotations

import os
import re
import secrets
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field

from agents.provisioning.draft import Draft
from include.config import state_dir
from include.provisioning.capability import Question

Status = Literal["open", "ready", "triggered", "cancelled"]
_ID = re.compile(r"^[A-Za-z0-9_-]{4,64}$")


def _now() -> datetime:
    return datetime.now(UTC)


class Message(BaseModel):
    """One line of the conversation."""

    role: Literal["lakepilot", "user"]
    text: str
    key: str | None = None
    at: datetime = Field(default_factory=_now)


class Session(BaseModel):
    """A provisioning conversation and its draft plan."""

    id: str = Field(default_factory=lambda: "prov-" + secrets.token_hex(4))
    created_at: datetime = Field(default_factory=_now)
    updated_at: datetime = Field(default_factory=_now)
    status: Status = "open"
    draft: Draft = Field(default_factory=Draft)
    capabilities_confirmed: bool = False
    names_confirmed: bool = False
    pending: Question | None = None
    history: list[Message] = Field(default_factory=list)
    agent_path: Literal["deterministic", "llm"] = "deterministic"
    plan: dict[str, Any] | None = None
    run: dict[str, Any] | None = None


def sessions_dir() -> Path:
    return state_dir() / "provisioning" / "sessions"


def session_path(session_id: str) -> Path:
    if not _ID.match(session_id):
        raise ValueError(f"session id {session_id!r} must be 4-64 letters, digits, '_' or '-'")
    return sessions_dir() / f"{session_id}.json"


def save_session(session: Session) -> Path:
    session.updated_at = _now()
    path = session_path(session.id)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(session.model_dump_json(indent=2))
    os.replace(tmp, path)
    return path


def load_session(session_id: str) -> Session:
    path = session_path(session_id)
    if not path.is_file():
        known = sorted(p.stem for p in sessions_dir().glob("*.json")) if sessions_dir().is_dir() else []
        raise FileNotFoundError(f"no provisioning session {session_id!r} in {sessions_dir()}"
                                + (f" (known: {', '.join(known[-5:])})" if known else ""))
    return Session.model_validate_json(path.read_text())
