"""Conversation sessions in `lakepilot.ops.conversations`: one `ConversationTurn` per question.

Turns are numbered 1, 2, … per session and MERGE on (session_id, turn). A caller that may retry
(the ask DAG) passes a `request_id`: a retry finds the turn that request already wrote and
writes the same turn again instead of adding one. The previous turn's route context (domains,
window, offered options) is stored with each turn and read back for the next question.
"""

from __future__ import annotations

import logging
import re
import uuid
from typing import Any

from agents.orchestrator.models import Answer
from agents.orchestrator.router.models import RouteContext, RouteResult
from include.ops.models import ConversationTurn
from include.ops.store import OpsStore

log = logging.getLogger(__name__)

SESSION_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")
REQUEST_ID = re.compile(r"^[A-Za-z0-9_.:+-]{1,250}$")


def new_session_id() -> str:
    return uuid.uuid4().hex


def check_session_id(value: str | None) -> str:
    """The given session id (validated), or a new one."""
    if value is None or value == "":
        return new_session_id()
    if not SESSION_ID.match(value):
        raise ValueError(f"session id {value!r} must be 1-64 letters, digits or . _ : -")
    return value


class Conversation:
    """The turns of one session."""

    def __init__(self, store: OpsStore, session_id: str) -> None:
        self.store = store
        self.session_id = session_id
        self._turns: list[ConversationTurn] | None = None

    def turns(self) -> list[ConversationTurn]:
        """Stored turns, oldest first."""
        if self._turns is None:
            self._turns = sorted(self.store.read(ConversationTurn, {"session_id": self.session_id}), key=lambda t: t.turn)
        return self._turns

    def next_turn(self, request_id: str | None = None) -> tuple[int, ConversationTurn | None]:
        """(this question's turn number, the turn before it); a repeated request_id reuses its turn."""
        if request_id is not None and not REQUEST_ID.match(request_id):
            raise ValueError(f"request id {request_id!r} must be 1-250 letters, digits or . _ : + -")
        turns = self.turns()
        if request_id:
            same = [t for t in turns if t.request_id == request_id]
            if same:
                number = same[0].turn
                earlier = [t for t in turns if t.turn < number]
                return number, (earlier[-1] if earlier else None)
        return (turns[-1].turn + 1 if turns else 1), (turns[-1] if turns else None)

    @staticmethod
    def context_of(previous: ConversationTurn | None) -> RouteContext | None:
        """The route context stored with `previous`, or None (first turn, or unreadable)."""
        if previous is None or not previous.context.get("route"):
            return None
        try:
            return RouteContext.model_validate(previous.context["route"])
        except ValueError as exc:
            log.warning("session %s turn %d: stored route context unreadable (%s); starting fresh",
                        previous.session_id, previous.turn, exc)
            return None

    def save(self, answer: Answer, routed: RouteResult | None, request_id: str | None = None) -> ConversationTurn:
        """Write (or rewrite, on a retry) the answer's turn."""
        context: dict[str, Any] = {"now": answer.now.isoformat()}
        if routed is not None:
            context["route"] = RouteContext.from_result(routed).model_dump(mode="json")
        turn = ConversationTurn(
            session_id=answer.session_id,
            turn=answer.turn,
            question=answer.question,
            answer=answer.answer,
            domains=[d.domain for d in answer.domains],
            agents=answer.agents(),
            context=context,
            agent_path=answer.agent_path,
            request_id=request_id or "",
            status=answer.status,
            headline=answer.headline,
            time_window=answer.time_window.describe() if answer.time_window else "",
            synthesis_fallback=answer.synthesis.fallback_reason,
            details=answer.summary(),
        )
        self.store.upsert([turn])
        self._turns = None
        return turn
