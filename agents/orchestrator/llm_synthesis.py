"""The LLM path of the answer: a structured rewrite of the body, checked number by number.

The model gets the evidence (what every agent found, the computed facts and correlations) and
the deterministic draft, and must answer with `SynthesisAnswer`. The answer is used only if
every number in it is in that evidence (`numbers.EvidenceNumbers`); otherwise, or on any error
or timeout, the deterministic body stands and the reason is recorded.
"""

from __future__ import annotations

import functools
import json
import logging
from pathlib import Path
from typing import Any

from jinja2 import Environment
from pydantic import BaseModel, Field, ValidationError

from agents.common.deadline import call_with_deadline
from agents.common.llm_loop import classify
from agents.orchestrator.digest import Fact
from agents.orchestrator.models import Correlation, DomainResult, SynthesisInfo
from agents.orchestrator.numbers import EvidenceNumbers
from include.templating import template_environment
from include.untrusted.redaction import redact

log = logging.getLogger(__name__)
PROMPTS = Path(__file__).resolve().parent / "prompts"
DEFAULT_TIMEOUT_S = 60.0


class SynthesisAnswer(BaseModel):
    """The answer's headline and body (call this exactly once, last)."""

    headline: str = Field(min_length=1, max_length=300, description="One sentence that directly answers the question.")
    body: str = Field(min_length=1, max_length=4000, description="The answer body: plain text, short paragraphs or bullets.")


class SynthesisError(RuntimeError):
    """The LLM's answer is unusable; `reason` is recorded with the answer."""

    def __init__(self, reason: str, rejected: list[str] | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.rejected = rejected or []


@functools.cache
def _env() -> Environment:
    return template_environment(PROMPTS)


def evidence_payload(results: list[DomainResult], facts: list[Fact], correlations: list[Correlation]) -> dict[str, Any]:
    """Everything the model may draw on (and so every number it may cite)."""
    agents = []
    for r in results:
        if r.status == "failed":
            continue
        agents.append({
            "agent": r.domain,
            "status": r.status,
            "partial_reason": r.error,
            "window": f"{r.window_start:%Y-%m-%d %H:%M} to {r.window_end:%Y-%m-%d %H:%M} UTC" if r.window_start and r.window_end else "",
            "headline": r.headline,
            "findings_total": r.findings_total,
            "findings": [{
                "severity": f.severity, "check": f.check, "entity": f"{f.entity_type} {f.entity_id}", "summary": f.summary,
                "metric": f.metric, "observed": f.observed, "baseline": f.baseline,
                "ratio": round(f.observed / f.baseline, 2) if f.observed is not None and f.baseline else None,
                "excess": round(f.observed - f.baseline, 2) if f.observed is not None and f.baseline is not None else None,
                "explanation": f.explanation,
            } for f in r.findings],
            "key_numbers": [k.model_dump() for k in r.key_numbers],
            "facts": [{"text": f.text, "numbers": f.numbers} for f in facts if f.domain == r.domain],
            "checks_that_could_not_run": [e.check for e in r.check_errors],
        })
    return {
        "agents": agents,
        "correlations": [{"kind": c.kind, "key": c.key, "agents": c.domains, "statement": c.statement, "numbers": c.numbers}
                         for c in correlations],
        "could_not_answer": [{"agent": r.domain, "reason": r.error} for r in results if r.status == "failed"],
    }


def render_messages(question: str, window: str, comparison: str, payload: dict[str, Any], draft: str) -> list[tuple[str, str]]:
    """The (role, text) messages sent to the model."""
    env = _env()
    user = env.get_template("synthesis_user.j2").render(
        question=question, window=window, comparison=comparison,
        agents=[a["agent"] for a in payload["agents"]], failed=[f["agent"] for f in payload["could_not_answer"]],
        evidence_json=json.dumps(payload, indent=1, default=str), draft=draft,
    )
    return [("system", env.get_template("synthesis_system.j2").render()), ("human", user)]


def _invoke(model: Any, messages: list[tuple[str, str]]) -> Any:
    structured = model.with_structured_output(SynthesisAnswer, method="function_calling")
    return structured.invoke(messages, config={"metadata": {"lakepilot_agent": "orchestrator"}})


def ask_model(model: Any, messages: list[tuple[str, str]], timeout_s: float) -> SynthesisAnswer:
    """The model's structured answer; `SynthesisError` on timeout, provider error or bad output."""
    try:
        raw = call_with_deadline(_invoke, model, messages, timeout_s=timeout_s, name="lakepilot-synthesis")
    except TimeoutError as exc:
        raise SynthesisError(f"timeout: no answer within {timeout_s:g}s") from exc
    except Exception as exc:  # provider errors, invalid structured output: recorded, then fall back
        status = getattr(exc, "status_code", None)
        raise SynthesisError(f"{classify(exc)}: {type(exc).__name__}{f' (HTTP {status})' if status else ''}") from exc
    try:
        return raw if isinstance(raw, SynthesisAnswer) else SynthesisAnswer.model_validate(raw)
    except ValidationError as exc:
        raise SynthesisError(f"malformed_output: {exc.errors()[0]['msg']}") from exc


def checked_answer(answer: SynthesisAnswer, allowed: EvidenceNumbers) -> SynthesisAnswer:
    """The answer with secrets removed, or `SynthesisError` if it cites a number not in the evidence."""
    rejected = allowed.unsupported(answer.headline + "\n" + answer.body)
    if rejected:
        raise SynthesisError(f"unsupported_numbers: the answer cites {', '.join(rejected[:5])}, not in the evidence", rejected)
    return SynthesisAnswer(headline=redact(answer.headline.strip()), body=redact(answer.body.strip()))


def llm_body(
    model: Any,
    *,
    label: str,
    question: str,
    window: str,
    comparison: str,
    results: list[DomainResult],
    facts: list[Fact],
    correlations: list[Correlation],
    draft: str,
    timeout_s: float | None = None,
) -> tuple[SynthesisAnswer | None, SynthesisInfo]:
    """The LLM's checked headline and body, or None with the reason the draft stands."""
    payload = evidence_payload(results, facts, correlations)
    allowed = EvidenceNumbers.from_evidence(payload, question, window, comparison, draft)
    timeout = timeout_s or float(getattr(model, "lakepilot_timeout_s", DEFAULT_TIMEOUT_S))
    try:
        answer = checked_answer(ask_model(model, render_messages(question, window, comparison, payload, draft), timeout), allowed)
    except SynthesisError as exc:
        log.warning("LLM synthesis not used: %s", exc.reason)
        return None, SynthesisInfo(path="deterministic", llm=label, fallback_reason=exc.reason, rejected_numbers=exc.rejected)
    return answer, SynthesisInfo(path="llm", llm=label)
