"""The decision engine: (failure, triage, ledger history, policy, now) -> RemediationDecision.

A pure function - no I/O, no clock, no randomness - so a decision can be tested, replayed and
explained. Guards run in a fixed order and the first that applies is recorded in `guard`:

  existing decision for (run_id, attempt) -> returned unchanged (retried tasks, replays)
  not_a_failure      cancelled / skipped runs            -> IGNORE
  disagreement       pattern and LLM disagree, unsure    -> ESCALATE
  llm_only           LLM-only class, may not start runs  -> SEND_EMAIL
  low_confidence     below min_confidence_to_act         -> SEND_EMAIL
  no_allowed_change  resize needed, none on the ladder   -> SEND_EMAIL
  retry_limit        per-run retries used up             -> ESCALATE
  breaker_open       N failed remediations in window     -> ESCALATE
  budget_exhausted   job's daily action budget spent     -> SEND_EMAIL
  duplicate          same failure already notified       -> IGNORE (points at the earlier decision)
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from include.ops.models import RemediationDecision
from include.remediation.combine import Verdict, combine
from include.remediation.fingerprint import failure_fingerprint, idempotency_token, incident_id
from include.remediation.ledger import LedgerView
from include.remediation.models import RUN_STARTING, Action, FailureContext, TriageResult
from include.remediation.params import ParamsChange, Rejection, check_suggestion, default_change
from include.remediation.policy import RemediationPolicy
from include.untrusted.redaction import excerpt, redact

ENGINE_VERSION = "1"
_RATIONALE_CHARS = 500


def _backoff(policy: RemediationPolicy, prior: int) -> timedelta:
    seconds = policy.backoff_base_seconds * (policy.backoff_factor**prior)
    return timedelta(seconds=min(seconds, policy.backoff_max_seconds))


def _plan_change(
    failure: FailureContext, verdict: Verdict, policy: RemediationPolicy
) -> tuple[ParamsChange, list[Rejection]]:
    """The allow-listed change for RETRY_WITH_NEW_PARAMS: the LLM's if valid, else the default."""
    rejected: list[Rejection] = []
    if verdict.llm_params:
        change, rejected = check_suggestion(
            verdict.llm_params, failure.cluster, failure.timeout_seconds, policy.limits
        )
        if not change.is_empty():
            return change, rejected
    kind = verdict.kind
    if verdict.category == "timeout":
        kind = "run_timeout"
    elif verdict.category == "resource" and kind not in ("memory", "disk"):
        kind = "memory"
    return default_change(kind, failure.cluster, failure.timeout_seconds, policy.limits), rejected


def decide(
    failure: FailureContext,
    triage: TriageResult,
    history: Iterable[RemediationDecision],
    policy: RemediationPolicy,
    now: datetime,
) -> RemediationDecision:
    """Decide what to do about one failed attempt of one run (see the module doc for the guards)."""
    now = now.replace(tzinfo=UTC) if now.tzinfo is None else now.astimezone(UTC)
    ledger = LedgerView(history, shadow=policy.shadow, now=now)
    if (previous := ledger.existing(failure.run_id, failure.attempt)) is not None:
        return previous

    verdict = combine(triage, policy)
    fingerprint = failure_fingerprint(
        failure.error_text(), failure.termination_code, failure.failed_task_keys()
    )
    action: Action = verdict.action
    guard: str | None = None
    change = ParamsChange()
    rejected: list[Rejection] = []
    explain: list[str] = []
    not_before: datetime | None = None
    token: str | None = None
    duplicate_of: str | None = None
    incident: str | None = None

    states = {s.upper() for s in (failure.termination_code, failure.result_state) if s}
    if states & {s.upper() for s in policy.not_failures}:
        action, guard = "IGNORE", "not_a_failure"
        explain.append(f"run ended {'/'.join(sorted(states))}: nothing to remediate")
    elif verdict.decided_by == "disagreement":
        guard = "disagreement"
        explain.append(verdict.note)

    if action in RUN_STARTING and guard is None:
        if not verdict.may_start_runs:
            action, guard = "SEND_EMAIL", "llm_only"
            explain.append(
                "only the LLM recognised this failure; a person should confirm before anything reruns"
            )
        elif verdict.confidence < policy.min_confidence_to_act:
            action, guard = "SEND_EMAIL", "low_confidence"
            explain.append(
                f"confidence {verdict.confidence:.2f} < {policy.min_confidence_to_act:.2f}: not acting"
            )
    if action == "RETRY_WITH_NEW_PARAMS" and guard is None:
        change, rejected = _plan_change(failure, verdict, policy)
        if change.is_empty():
            if verdict.category == "timeout":
                action = "RETRY"
                explain.append("no timeout configured to raise; retrying as is")
            else:
                action, guard = "SEND_EMAIL", "no_allowed_change"
                why = (
                    "cluster settings not reported"
                    if failure.cluster is None
                    else "unknown or largest node type"
                )
                explain.append(f"needs a bigger cluster but no allow-listed change is possible ({why})")
    if action in RUN_STARTING and guard is None:
        transient = action == "RETRY" and policy.is_transient(verdict.category, verdict.kind)
        starts = ledger.run_starts(failure.run_id, failure.attempt)
        same_class = [
            d
            for d in starts
            if transient == (d.action == "RETRY" and policy.is_transient(d.category, d.kind))
        ]
        limit = policy.max_retries_transient if transient else policy.max_retries_other
        failed = ledger.failed_remediations(failure.job_id, timedelta(minutes=policy.breaker_window_minutes))
        if len(same_class) >= limit:
            action, guard = "ESCALATE", "retry_limit"
            explain.append(
                f"{len(same_class)} of {limit} {'transient ' if transient else ''}retries already used on this run"
            )
        elif len(failed) >= policy.breaker_threshold:
            action, guard = "ESCALATE", "breaker_open"
            explain.append(
                f"circuit breaker open: {len(failed)} failed remediations of this job in the last "
                f"{policy.breaker_window_minutes} min; no more automatic retries"
            )
        elif ledger.job_starts_on(failure.job_id, now.date()) >= policy.job_daily_budget:
            action, guard = "SEND_EMAIL", "budget_exhausted"
            explain.append(
                f"daily budget of {policy.job_daily_budget} automatic actions for this job is spent"
            )
        else:
            not_before = now + _backoff(policy, len(starts))
            token = idempotency_token(failure.run_id, failure.attempt)
            attempt_no = len(same_class) + 1
            if action == "RETRY_WITH_NEW_PARAMS":
                explain.append(f"repair with {change.describe(failure.cluster, failure.timeout_seconds)}")
            else:
                explain.append("repair the failed tasks")
            explain.append(f"attempt {attempt_no} of {limit}, not before {not_before:%Y-%m-%dT%H:%M:%SZ}")

    recipients: list[str] = []
    if action in ("SEND_EMAIL", "ESCALATE"):
        window = timedelta(minutes=policy.dedup_window_minutes)
        if action == "ESCALATE":
            basis = fingerprint if guard in (None, "disagreement", "retry_limit") else ""
            incident = incident_id(failure.job_id, basis, guard or verdict.category)
            earlier = ledger.open_incident(incident, window)
            recipients = list(dict.fromkeys([*policy.oncall, *([failure.owner] if failure.owner else [])]))
        else:
            earlier = ledger.last_notification(failure.job_id, fingerprint, window)
            recipients = [failure.owner] if failure.owner else list(policy.oncall)
        if earlier is not None and window.total_seconds() > 0:
            action, guard, duplicate_of = "IGNORE", "duplicate", earlier.decision_id
            recipients = []
            explain.append(
                f"already notified about this failure at {earlier.decided_at:%Y-%m-%dT%H:%M:%SZ} "
                f"(decision {earlier.decision_id})"
            )
        elif action == "SEND_EMAIL" and guard is None:
            who = "the job owner" if failure.owner else "on-call (no owner known)"
            explain.append(f"{verdict.category} needs a person: email {who}")
        elif action == "ESCALATE" and guard is None:
            explain.append("escalate to on-call")

    rules = ", ".join(triage.pattern.rule_ids[:3]) or "no rule"
    head = f"{verdict.category}/{verdict.kind} ({verdict.confidence:.2f}, {verdict.decided_by}; {rules})"
    if verdict.note and verdict.decided_by not in ("pattern", "disagreement"):
        explain.insert(0, verdict.note)
    opinion = triage.llm
    return RemediationDecision(
        run_id=failure.run_id,
        attempt=failure.attempt,
        job_id=failure.job_id,
        job_name=failure.job_name,
        workspace_id=failure.workspace_id,
        fingerprint=fingerprint,
        category=verdict.category,
        kind=verdict.kind,
        action=action,
        confidence=verdict.confidence,
        reason=redact(f"{head}: " + "; ".join(e for e in explain if e)),
        error_excerpt=triage.excerpt or excerpt(failure.error_text()),
        decided_by=verdict.decided_by,
        shadow=policy.shadow,
        params_change=change.as_record() if action == "RETRY_WITH_NEW_PARAMS" else {},
        params_rejected=[r.model_dump() for r in rejected],
        idempotency_token=token,
        outcome="shadow" if policy.shadow else ("ignored" if action == "IGNORE" else "pending"),
        decided_at=now,
        owner=failure.owner,
        termination_code=failure.termination_code,
        task_keys=failure.failed_task_keys(),
        rule_ids=triage.pattern.rule_ids,
        rules_version=triage.pattern.rules_version,
        guard=guard,
        not_before=not_before,
        recipients=recipients,
        incident_id=incident if action == "ESCALATE" else None,
        duplicate_of=duplicate_of,
        llm_category=opinion.category if opinion else None,
        llm_action=opinion.suggested_action if opinion else None,
        llm_confidence=opinion.confidence if opinion else None,
        llm_rationale=redact(opinion.rationale)[:_RATIONALE_CHARS] if opinion else None,
        llm_error=triage.llm_error,
        llm_model=triage.llm_model,
        policy_version=policy.version(),
        engine_version=ENGINE_VERSION,
    )
