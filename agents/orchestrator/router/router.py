"""`route()`: which domain agents answer a question, over which time window, or what to ask back."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from agents.llm import LLMConfig
from agents.orchestrator.router.classifier import get_model
from agents.orchestrator.router.decision import (
    INHERITED_CONFIDENCE,
    clarification,
    inherited_domains,
    offline_scores,
    reconcile,
)
from agents.orchestrator.router.llm_router import LLMRouteError, ask_llm
from agents.orchestrator.router.models import RouteContext, RouteResult, TimeWindow
from agents.orchestrator.router.time_window import parse_time_window
from include.clock import as_utc, utcnow
from include.untrusted.limits import QUESTION

log = logging.getLogger(__name__)
DEFAULT_LLM_TIMEOUT_S = 30.0
MAX_QUESTION_CHARS = QUESTION.chars  # callers cut longer questions first (include.untrusted.limits)


def _chat_model(llm: LLMConfig | Any) -> tuple[Any, float, str]:
    if isinstance(llm, LLMConfig):
        from agents.llm import build_chat_model

        return build_chat_model(llm), llm.timeout_s, llm.label()
    return llm, float(getattr(llm, "lakepilot_timeout_s", DEFAULT_LLM_TIMEOUT_S)), type(llm).__name__


def _window(question: str, now: datetime, context: RouteContext | None) -> tuple[TimeWindow | None, str]:
    """The question's own window ("question"), the previous turn's ("inherited"), or none ("none")."""
    previous = context.time_window if context else None
    window = parse_time_window(question, now, previous=previous)
    if window is not None:
        return window, "question"
    if previous is not None:
        return previous, "inherited"
    return None, "none"


def route(
    question: str,
    now: datetime | None = None,
    llm: LLMConfig | Any | None = None,
    context: RouteContext | None = None,
) -> RouteResult:
    """Decide which domains answer `question`, over which window, or ask back.

    Args:
        question: the user's words (untrusted; they can only pick among the six domains).
        now: reference instant for relative times ("last Tuesday"); default the current UTC time.
        llm: an `LLMConfig` or a LangChain chat model; None routes offline only. Any LLM failure,
            timeout or invalid answer falls back to the offline route (recorded in `llm_error`).
        context: the previous turn, so "and the week before?" or "what about security?" resolve.

    Returns:
        A `RouteResult` with domains (and confidences) or a clarification, the time window,
        and `path` = "offline" | "llm" | "llm+offline".

    Raises:
        ValueError: the question is empty or longer than `MAX_QUESTION_CHARS`.
    """
    text = " ".join((question or "").split())
    if not text:
        raise ValueError("the question is empty")
    if len(text) > MAX_QUESTION_CHARS:
        raise ValueError(f"the question is {len(text)} characters long; the limit is {MAX_QUESTION_CHARS}")
    now = as_utc(now or utcnow())
    model = get_model()
    scored, offline = model.decide(text)
    scores = scored.scores
    reasons = [f"rule {name} -> {domain}" for domain, names in scored.rules.items() for name in names]
    by_clause = model.added_by_clause(scored, offline)
    reasons += [f"clause score -> {domain} (second intent)" for domain in by_clause]
    window, window_source = _window(text, now, context)
    if window_source == "inherited":
        reasons.append("time window kept from the previous turn")
    inherited = inherited_domains(text, offline, context, window_changed=window_source == "question")
    if inherited:
        offline = inherited
        scores = {**scores, **{d: max(scores[d], INHERITED_CONFIDENCE) for d in offline}}
        reasons.append(f"follow-up: domains {offline} from the previous turn")
    followup = bool(inherited) or window_source == "inherited"

    result = RouteResult(
        question=text,
        domains=offline_scores(offline, scores),
        time_window=window,
        clarification=None if offline else clarification(scores, list(context.domains) if context else None),
        path="offline",
        followup=followup,
        scores={d: round(s, 4) for d, s in scored.scores.items()},
        reasons=reasons,
    )
    if llm is None:
        return result
    chat_model, timeout_s, label = _chat_model(llm)
    try:
        answer = ask_llm(text, chat_model, timeout_s, list(context.domains) if context else None)
    except LLMRouteError as exc:
        log.warning("LLM routing failed, using the offline route: %s", exc)
        return result.model_copy(update={"llm_model": label, "llm_error": str(exc)})
    domains, clarify, path, why = reconcile(answer, offline, scores)
    return RouteResult(
        question=text,
        domains=domains,
        time_window=window,
        clarification=clarify,
        path=path,
        followup=result.followup,
        scores=result.scores,
        reasons=[*reasons, *why],
        llm_model=label,
    )
