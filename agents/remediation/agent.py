"""The remediation triage agent: the LLM's opinion beside the pattern engine; the engine decides.

  triage_failure(failure, llm=...)          -> TriageResult (pattern verdict + the LLM's opinion or error)
  triager(llm)                              -> the `Triager` the remediation service takes
  remediate(failure, history, policy, now)  -> include.remediation.service.remediate with this triager

Everything but the model - reading the run, deciding within budgets, the ledger, acting, notices - is
the remediation service (include/remediation/service.py). `llm` is an `agents.llm.LLMConfig` (the model
is built by `agents.llm.build_chat_model`), a ready LangChain chat model (tests), or None for the
deterministic path. Which path decided is recorded on every decision (`decided_by`, `llm_error`,
`llm_model`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from agents.llm import LLMConfig, build_chat_model
from agents.remediation.llm_triage import analyse_with_llm
from include.ops.models import RemediationDecision
from include.remediation import service
from include.remediation.models import FailureContext, TriageResult
from include.remediation.patterns import RuleSet
from include.remediation.policy import RemediationPolicy

log = logging.getLogger(__name__)
DEFAULT_TIMEOUT_S = 30.0


def _model_and_label(llm: LLMConfig | Any | None) -> tuple[Any | None, str | None, float]:
    if llm is None:
        return None, None, DEFAULT_TIMEOUT_S
    if isinstance(llm, LLMConfig):
        # The client's own timeout bounds each request; the deadline adds one retry's worth.
        return build_chat_model(llm), llm.label(), llm.timeout_s * 2 + 1
    return llm, type(llm).__name__, float(getattr(llm, "triage_timeout_s", DEFAULT_TIMEOUT_S))


def triage_failure(
    failure: FailureContext,
    *,
    llm: LLMConfig | Any | None = None,
    rules: RuleSet | None = None,
    timeout_s: float | None = None,
) -> TriageResult:
    """Classify a failure: the pattern engine always, plus the LLM's opinion when one is configured."""
    result = service.pattern_triage(failure, rules)
    try:
        model, label, default_timeout = _model_and_label(llm)
    except Exception as exc:  # noqa: BLE001 - a broken LLM config must not stop triage
        log.warning("could not build the chat model: %s", exc)
        return result.model_copy(
            update={"llm_configured": True, "llm_error": f"model not built: {type(exc).__name__}"}
        )
    if model is None:
        return result
    outcome = analyse_with_llm(failure, result.pattern, model, timeout_s=timeout_s or default_timeout)
    return result.model_copy(
        update={
            "llm_configured": True,
            "llm": outcome.opinion,
            "llm_error": outcome.error,
            "llm_model": label,
        }
    )


def triager(llm: LLMConfig | Any | None) -> service.Triager:
    """The triage the remediation service runs: the pattern engine alone when no model is configured."""
    if llm is None:
        return service.pattern_triage

    def triage(failure: FailureContext, rules: RuleSet | None) -> TriageResult:
        return triage_failure(failure, llm=llm, rules=rules)

    return triage


def remediate(
    failure: FailureContext,
    history: Iterable[RemediationDecision] = (),
    policy: RemediationPolicy | None = None,
    now: datetime | None = None,
    *,
    llm: LLMConfig | Any | None = None,
    rules: RuleSet | None = None,
) -> RemediationDecision:
    """Triage (with the LLM when configured) and decide one failed attempt against the given history."""
    return service.remediate(failure, history, policy, now, triage=triager(llm), rules=rules)
