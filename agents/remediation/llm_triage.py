"""The LLM path of triage: one tool call, validated against closed sets, bounded in time.

The model answers by calling the `TriageAnalysis` tool. Its arguments are validated by pydantic
(closed categories, closed actions without IGNORE, confidence in [0, 1], no extra fields); an
answer that does not validate, an exception or a timeout becomes an error string and the caller
falls back to the pattern verdict. A valid answer is still only an opinion: the decision engine
decides (include/remediation/combine.py).
"""

from __future__ import annotations

import json
import logging
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from agents.common.deadline import call_with_deadline
from agents.remediation.prompting import TOOL_NAME, render_prompt
from include.remediation.models import Category, FailureContext, LLMOpinion, PatternTriage
from include.untrusted.redaction import redact

log = logging.getLogger(__name__)
ERROR_CHARS = 300


class TriageAnalysis(BaseModel):
    """Classify one failed Databricks job run and suggest the first remediation."""

    model_config = ConfigDict(extra="forbid", title=TOOL_NAME)

    category: Category = Field(description="one of the listed failure categories")
    suggested_action: Literal["RETRY", "RETRY_WITH_NEW_PARAMS", "SEND_EMAIL", "ESCALATE"] = Field(
        description="the first thing a careful on-call engineer would do"
    )
    confidence: float = Field(ge=0.0, le=1.0, description="0..1, how sure you are of the category")
    rationale: str = Field(max_length=1000, description="at most three sentences")
    params_change: dict[str, str | int | float | dict[str, str | int | float]] = Field(
        default_factory=dict,
        description='only for RETRY_WITH_NEW_PARAMS: allowed keys and new values, e.g. {"spark.executor.memory": "16g"}',
    )


class LLMOutcome(BaseModel):
    """What the LLM path produced: an opinion, or the reason there is none."""

    opinion: LLMOpinion | None = None
    error: str | None = None


def _tool_args(message: Any) -> dict[str, Any]:
    """Arguments of the TriageAnalysis call (or a JSON answer in plain text, for endpoints without tools)."""
    calls = getattr(message, "tool_calls", None) or []
    for call in calls:
        if call.get("name") == TOOL_NAME:
            return dict(call.get("args") or {})
    if calls:
        raise ValueError(f"model called an unknown tool {str(calls[0].get('name'))[:40]!r}")
    content = getattr(message, "content", "")
    text = content if isinstance(content, str) else json.dumps(content)
    start, end = text.find("{"), text.rfind("}")
    if start < 0 or end <= start:
        raise ValueError("model answered without calling the tool")
    return dict(json.loads(text[start : end + 1]))


def analyse_with_llm(
    failure: FailureContext, pattern: PatternTriage, chat_model: Any, *, timeout_s: float = 30.0
) -> LLMOutcome:
    """Ask the model for its classification; never raises (errors come back in `LLMOutcome.error`)."""
    from langchain_core.messages import HumanMessage, SystemMessage

    prompt = render_prompt(failure, pattern)
    messages = [SystemMessage(content=prompt.system), HumanMessage(content=prompt.user)]
    try:
        bound = chat_model.bind_tools([TriageAnalysis], tool_choice=TOOL_NAME)
        reply = call_with_deadline(bound.invoke, messages, timeout_s=timeout_s, name="lakepilot-triage-llm")
        analysis = TriageAnalysis.model_validate(_tool_args(reply))
    except ValidationError as exc:
        fields = sorted({".".join(str(p) for p in e["loc"]) or "answer" for e in exc.errors()})
        error = f"answer outside the allowed schema ({', '.join(fields)[:200]})"
    except TimeoutError as exc:
        error = f"timeout: {exc}"
    except Exception as exc:  # noqa: BLE001 - any model/client failure means: use the pattern path
        error = f"{type(exc).__name__}: {redact(str(exc))[:ERROR_CHARS]}"
    else:
        return LLMOutcome(
            opinion=LLMOpinion(
                category=analysis.category,
                suggested_action=analysis.suggested_action,
                confidence=analysis.confidence,
                rationale=analysis.rationale,
                params_change=dict(analysis.params_change),
            )
        )
    log.warning("triage LLM path failed for run %s: %s", failure.run_id, error)
    return LLMOutcome(error=error)
