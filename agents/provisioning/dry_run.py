"""What a request would become, with no prompts: the conversation run to its end on the given answers
and the suggested defaults, for scripts and reviews (`lakepilot provision --request … --dry-run`).

Every question is answered from `answers` (question key → answers, in order) when it has one there,
else with the question's suggested default, else — for the confirmations of what is already known
(capabilities, names, the final plan) — with "yes". The first question that has none of these is
reported as open and the run stops there. Nothing is saved, planned or triggered.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from agents.provisioning.conversation import Conversation
from agents.provisioning.llm_parser import LLMRequestParser
from agents.provisioning.sessions import Session
from include.provisioning.registry import CapabilityRegistry

CONFIRMATIONS = ("capabilities", "names", "confirm")
MAX_TURNS = 40
MAX_REPEATS = 3  # the same question asked again this often: what was given does not answer it


class Step(BaseModel):
    """One question of the conversation and how the dry run answered it."""

    key: str
    question: str = Field(description="The question's first line.")
    answer: str
    source: Literal["answers", "suggested", "confirmed"]


class OpenQuestion(BaseModel):
    """A question the dry run could not answer: what `--answers` must say next."""

    key: str
    question: str


class DryRun(BaseModel):
    """The plan a request would become, or what it still needs."""

    request: str
    complete: bool
    capabilities: list[str]
    team: str | None
    environment: str | None
    region: str | None
    params: dict[str, dict[str, Any]]
    names: dict[str, str]
    steps: list[Step]
    open_question: OpenQuestion | None
    notes: list[str] = Field(description="What the conversation said along the way: additions, refusals, problems.")
    plan: dict[str, Any] | None = Field(default=None, description="The validated plan (DAG conf) when complete.")
    parsed_by: str


def dry_run(
    request: str, answers: dict[str, list[str]] | None = None, *, target: str = "sandbox",
    llm: LLMRequestParser | None = None, registry: CapabilityRegistry | None = None,
) -> DryRun:
    """Run the conversation for `request` without prompts (see the module docstring)."""
    session = Session()
    session.draft.target = target  # type: ignore[assignment]
    conversation = Conversation(session, llm, registry)
    queue = {k: list(v) for k, v in (answers or {}).items()}
    reply = conversation.start(request)
    steps: list[Step] = []
    notes = list(reply.messages)
    open_question: OpenQuestion | None = None
    asked: dict[str, int] = {}
    for _ in range(MAX_TURNS):
        if reply.status != "open" or reply.question is None:
            break
        question = reply.question
        first_line = question.text.strip().splitlines()[0] if question.text.strip() else question.key
        asked[question.key] = asked.get(question.key, 0) + 1
        given = queue.get(question.key)
        source: Literal["answers", "suggested", "confirmed"]
        if given:
            text, source = given.pop(0), "answers"
        elif asked[question.key] > MAX_REPEATS:
            open_question = OpenQuestion(key=question.key, question=question.text)
            break
        elif question.default:
            text, source = question.default, "suggested"
        elif question.key in CONFIRMATIONS and (question.key != "capabilities" or session.draft.capabilities):
            text, source = "yes", "confirmed"
        else:
            open_question = OpenQuestion(key=question.key, question=question.text)
            break
        steps.append(Step(key=question.key, question=first_line, answer=text, source=source))
        reply = conversation.answer(text)
        notes += reply.messages
    else:
        if reply.status == "open" and reply.question is not None:
            open_question = OpenQuestion(key=reply.question.key, question=reply.question.text)
    draft = session.draft
    complete = session.status == "ready"
    return DryRun(
        request=draft.request, complete=complete, capabilities=list(draft.capabilities), team=draft.team,
        environment=draft.environment, region=draft.region, params=draft.params, names=draft.names, steps=steps,
        open_question=None if complete else open_question, notes=[n.strip() for n in notes if n.strip()],
        plan=session.plan if complete else None, parsed_by=session.agent_path,
    )
