"""The provisioning conversation: from a free request to a confirmed, validated plan.

It proposes the capabilities the request needs and lets the user confirm or change them, asks
only for what is missing, suggests names by convention (overridable), accepts edits at any
point, shows the cost estimate, and asks for a final yes. State lives in a `Session`, saved by
the caller after every turn. Questions carry keys, so `--answers FILE` can answer them.
"""

from __future__ import annotations

import logging

from pydantic import BaseModel

from agents.provisioning.draft import Draft, plan_problems
from agents.provisioning.llm_parser import LLMRequestParser
from agents.provisioning.parser import parse_request
from agents.provisioning.sessions import Message, Session, Status
from agents.provisioning.summary_text import capabilities_text, names_text, plan_text
from include.provisioning.capability import Question
from include.provisioning.facts import RequestFacts
from include.provisioning.plan import PlanValidationError, ValidatedPlan, plan_json, validate_plan
from include.provisioning.registry import CapabilityRegistry, get_registry
from include.untrusted.limits import PROVISIONING_REQUEST, Clipped, clip
from include.untrusted.redaction import redact

log = logging.getLogger(__name__)


class Reply(BaseModel):
    """What to show, what to ask next, and where the conversation stands."""

    messages: list[str]
    question: Question | None
    status: Status


def _untrusted(text: str) -> Clipped:
    """A user's turn as the conversation reads it: secrets redacted, bounded to `PROVISIONING_REQUEST`."""
    return clip(redact(text or ""), PROVISIONING_REQUEST)


class Conversation:
    """Drives one session; `llm` is optional (deterministic parsing otherwise)."""

    def __init__(self, session: Session, llm: LLMRequestParser | None = None,
                 registry: CapabilityRegistry | None = None) -> None:
        self.session = session
        self.llm = llm
        self.registry = registry or get_registry()
        self._llm_failed = False

    @property
    def draft(self) -> Draft:
        return self.session.draft

    # -- turns -----------------------------------------------------------------------------------
    def start(self, request: str) -> Reply:
        self.draft.request = _untrusted(request).text.strip()
        return self.answer(request, key="request")

    def resume(self) -> Reply:
        """The pending question again (after `--session ID`)."""
        if self.session.status != "open":
            return Reply(messages=[f"Session {self.session.id} is {self.session.status}."], question=None,
                         status=self.session.status)
        return self._next(["Resuming session " + self.session.id + "."])

    def answer(self, text: str, key: str | None = None) -> Reply:
        key = key or (self.session.pending.key if self.session.pending else "request")
        pending = self.session.pending
        clipped = _untrusted(text)
        text = clipped.text
        if not text.strip() and pending and pending.default:
            text = pending.default
        self.session.history.append(Message(role="user", text=text, key=key))
        facts = self._parse(text, key)
        if facts.answer == "yes" and pending and pending.default and key not in ("capabilities", "names", "confirm"):
            facts = self._parse(pending.default, key)
        had_caps = set(self.draft.capabilities)
        notes = self.draft.apply(facts, self.registry)
        if set(self.draft.capabilities) - had_caps:
            self.session.names_confirmed = False
        messages = [f"• {n}" for n in notes]
        if clipped.cut:
            messages.insert(0, f"({clipped.note('your message')}; the limit is {PROVISIONING_REQUEST.chars:,})")
        if self._llm_failed:
            messages.insert(0, "(the LLM could not be reached; I used the built-in parser for that)")
            self._llm_failed = False
        if facts.answer == "yes" and not notes:
            messages += self._accept(key)
        elif facts.answer == "no" and not notes:
            if key == "confirm":
                self.session.status = "cancelled"
                self.session.pending = None
                return self._say(["Cancelled: nothing was planned or triggered."], None)
            messages.append("Tell me what to change (for example: 'drop the OpenAI part', "
                            "'call the resource group rg-ml-team-prod'), or 'cancel' at the final question.")
        elif not notes and not facts.is_empty():
            messages.append("Nothing changed: the plan already says that.")
        elif not notes:
            messages.append("I did not understand that; here is the question again.")
        if self.session.status == "ready":
            return self._say(messages, None)
        return self._next(messages)

    def _accept(self, key: str) -> list[str]:
        if key == "capabilities" and self.draft.capabilities:
            self.session.capabilities_confirmed = True
        elif key == "names":
            self.session.names_confirmed = True
        elif key == "confirm":
            try:
                validated = self.validated()
            except (PlanValidationError, ValueError) as exc:
                return ["The plan cannot run yet:", *[f"  - {p}" for p in plan_problems(exc)]]
            self.session.plan = plan_json(validated.plan)
            self.session.status = "ready"
            self.session.pending = None
            return [f"Plan for stack {validated.plan.stack} confirmed."]
        return []

    def _parse(self, text: str, key: str) -> RequestFacts:
        hint = None if key == "request" else key
        if self.llm is not None:
            try:
                facts = self.llm.parse(text, self.session.pending, self.draft.model_dump_json(exclude={"request"}))
                self.session.agent_path = "llm"
                return facts
            except Exception as exc:  # any model/transport failure: fall back, and say so
                log.warning("LLM parse failed (%s); using the deterministic parser", type(exc).__name__)
                self._llm_failed = True
        return parse_request(text, hint=hint, registry=self.registry)

    # -- what to ask next ------------------------------------------------------------------------
    def validated(self) -> ValidatedPlan:
        return validate_plan(self.draft.to_plan(self.registry), self.registry)

    def _next(self, messages: list[str]) -> Reply:
        d = self.draft
        if not d.capabilities:
            q = Question(key="capabilities", text="What should I provision? I can set up: " + "; ".join(
                f"{self.registry.get(n).title} ({self.registry.get(n).description})" for n in self.registry.names()))
        elif not self.session.capabilities_confirmed:
            q = Question(key="capabilities", text=capabilities_text(d, self.registry))
        elif missing := d.missing(self.registry):
            q = missing[0]
        elif not self.session.names_confirmed:
            q = Question(key="names", text=names_text(d, self.registry))
        else:
            try:
                q = Question(key="confirm", text=plan_text(self.validated(), self.registry))
            except (PlanValidationError, ValueError) as exc:
                q = Question(key="confirm", text="The plan has problems to fix before it can run:\n" + "\n".join(
                    f"  - {p}" for p in plan_problems(exc)) + "\nTell me what to change (or 'cancel').")
        self.session.pending = q
        return self._say(messages, q)

    def _say(self, messages: list[str], question: Question | None) -> Reply:
        for text in [*messages, *([question.text] if question else [])]:
            self.session.history.append(Message(role="lakepilot", text=text, key=question.key if question else None))
        return Reply(messages=messages, question=question, status=self.session.status)
