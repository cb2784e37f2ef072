"""The remediation triage agent: pattern engine always, LLM when configured, engine decides.

Entry points for the Airflow side and the CLI:

  triage_failure(failure, llm=...)            -> TriageResult
  remediate(failure, history, policy, now)    -> RemediationDecision (pure: no I/O besides the LLM)
  remediate_and_record(failure, store, ...)   -> RemediationDecision, read from / written to the ledger
                                                (the DAG's decide step, agents/remediation/pipeline.py, goes through it)

`llm` is an `agents.llm.LLMConfig` (the model is built by `agents.llm.build_chat_model`), a ready
LangChain chat model (tests), or None for the deterministic path. Which path decided is recorded
on every decision (`decided_by`, `llm_error`, `llm_model`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from agents.llm import LLMConfig, build_chat_model
from agents.remediation.llm_triage import analyse_with_llm
from include.ops.models import RemediationDecision
from include.ops.store import OpsStore
from include.remediation.decide import decide
from include.remediation.models import FailureContext, TriageResult
from include.remediation.patterns import RuleSet, classify_failure
from include.remediation.policy import RemediationPolicy
from include.untrusted.redaction import excerpt

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
    pattern = classify_failure(failure, rules)
    result = TriageResult(pattern=pattern, excerpt=excerpt(failure.error_text()))
    try:
        model, label, default_timeout = _model_and_label(llm)
    except Exception as exc:  # noqa: BLE001 - a broken LLM config must not stop triage
        log.warning("could not build the chat model: %s", exc)
        return result.model_copy(
            update={"llm_configured": True, "llm_error": f"model not built: {type(exc).__name__}"}
        )
    if model is None:
        return result
    outcome = analyse_with_llm(failure, pattern, model, timeout_s=timeout_s or default_timeout)
    return result.model_copy(
        update={
            "llm_configured": True,
            "llm": outcome.opinion,
            "llm_error": outcome.error,
            "llm_model": label,
        }
    )


def remediate(
    failure: FailureContext,
    history: Iterable[RemediationDecision] = (),
    policy: RemediationPolicy | None = None,
    now: datetime | None = None,
    *,
    llm: LLMConfig | Any | None = None,
    rules: RuleSet | None = None,
) -> RemediationDecision:
    """Triage and decide one failed attempt against the given ledger history."""
    history = list(history)
    policy = policy or RemediationPolicy()
    now = now or datetime.now(UTC)
    earlier = next((d for d in history if d.run_id == failure.run_id and d.attempt == failure.attempt), None)
    if earlier is not None:
        return earlier  # decided before (retried task / replay): do not ask the LLM again
    triage = triage_failure(failure, llm=llm, rules=rules)
    return decide(failure, triage, history, policy, now)


def remediate_and_record(
    failure: FailureContext,
    store: OpsStore,
    policy: RemediationPolicy | None = None,
    now: datetime | None = None,
    *,
    llm: LLMConfig | Any | None = None,
    rules: RuleSet | None = None,
    history: list[RemediationDecision] | None = None,
    context: dict[str, Any] | None = None,
) -> RemediationDecision:
    """Read the job's ledger (unless `history` is given), decide, add `context` (what the run looked like
    when it failed) and upsert the decision — idempotent on (run_id, attempt). The decide step of the
    remediation DAG (agents/remediation/pipeline.py) goes through here."""
    if history is None:
        history = store.read(RemediationDecision, {"job_id": failure.job_id})
    decision = remediate(failure, history, policy, now, llm=llm, rules=rules)
    if context:
        decision = RemediationDecision.model_validate({**decision.model_dump(), **context})
    store.upsert([decision])
    log.info(
        "run %s attempt %s: %s (%s/%s, %s, guard %s)", decision.run_id, decision.attempt, decision.action,
        decision.category, decision.kind, decision.decided_by, decision.guard,
    )
    return decision
