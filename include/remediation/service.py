"""The remediation flow's service: each step of the `remediate_failed_runs` DAG calls one function here.

    plan_scan (sensor) -> decide -> act -> notify      per failed run found
    sweep_pending · check_outcomes (then learning) · advance_watermark

The one model-facing part, the LLM's opinion in triage, is handed in as a `Triager`
(`agents.remediation.agent.triager(llm)`); without one the pattern engine decides alone. Everything
else - reading the failed run, deciding within the policy's budgets, the ledger, the Jobs API calls, the
notices - lives in the modules this one calls. Each function is safe to retry: a decision already
recorded for (run_id, attempt) is returned as it is, without calling the Jobs API or the LLM again; a
run that moved on since it was detected (repaired or re-run by someone) is reported and left alone. The
raw error text never leaves `decide`: the recorded decision and the returned reference carry only
redacted excerpts and ids.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel

from include.notify.smtp import SmtpSettings
from include.ops.models import RemediationDecision
from include.ops.store import OpsStore
from include.remediation.acting import ActResult, act_on_decision, record_act_error
from include.remediation.decide import decide as decide_within_policy
from include.remediation.detection import FailedRunRef, attempt_of, is_failed
from include.remediation.jobs_client import JobsApi, JobsApiError
from include.remediation.learning import LearningReport, effective_rules, learn_rules
from include.remediation.models import FailureContext, TriageResult
from include.remediation.notices import NotifyResult, notify_decision
from include.remediation.outcomes import OutcomeCheck
from include.remediation.outcomes import check_outcomes as check_repairs
from include.remediation.patterns import RuleSet, classify_failure
from include.remediation.policy import RemediationPolicy
from include.remediation.run_context import failed_task_runs, failure_from_run
from include.remediation.settings import RemediationSettings
from include.remediation.sweep import SweepReport
from include.remediation.sweep import sweep_pending as sweep
from include.remediation.watermark import RemediationWatermark, ScanPlan
from include.remediation.watermark import advance_watermark as advance
from include.remediation.watermark import plan_scan as plan
from include.untrusted.redaction import excerpt

log = logging.getLogger(__name__)

Triager = Callable[[FailureContext, RuleSet | None], TriageResult]
"""Classifies a failure: the pattern engine's verdict, plus an LLM's opinion when one is configured."""


def pattern_triage(failure: FailureContext, rules: RuleSet | None = None) -> TriageResult:
    """The deterministic triage: the pattern engine (built-in and learned rules) alone."""
    return TriageResult(pattern=classify_failure(failure, rules), excerpt=excerpt(failure.error_text()))


# --- deciding -------------------------------------------------------------------------------------------

class DecisionRef(BaseModel):
    """A recorded decision as the act and notify steps receive it (XCom: small, redacted)."""

    status: Literal["decided", "existing", "moved_on"]
    run_id: str
    attempt: int
    job_id: str
    decision_id: str | None = None
    action: str | None = None
    category: str | None = None
    outcome: str | None = None
    guard: str | None = None
    decided_by: str | None = None
    not_before: datetime | None = None
    shadow: bool = False
    note: str = ""

    @classmethod
    def of(cls, d: RemediationDecision, status: Literal["decided", "existing"]) -> DecisionRef:
        return cls(
            status=status, run_id=d.run_id, attempt=d.attempt, job_id=d.job_id, decision_id=d.decision_id,
            action=d.action, category=d.category, outcome=d.outcome, guard=d.guard, decided_by=d.decided_by,
            not_before=d.not_before, shadow=d.shadow,
        )


def remediate(
    failure: FailureContext,
    history: Iterable[RemediationDecision] = (),
    policy: RemediationPolicy | None = None,
    now: datetime | None = None,
    *,
    triage: Triager | None = None,
    rules: RuleSet | None = None,
) -> RemediationDecision:
    """Triage and decide one failed attempt against the given ledger history (no I/O but the triager's)."""
    history = list(history)
    earlier = next((d for d in history if d.run_id == failure.run_id and d.attempt == failure.attempt), None)
    if earlier is not None:
        return earlier  # decided before (retried task / replay): do not ask the LLM again
    verdict = (triage or pattern_triage)(failure, rules)
    return decide_within_policy(failure, verdict, history, policy or RemediationPolicy(), now or datetime.now(UTC))


def record_decision(
    failure: FailureContext,
    store: OpsStore,
    policy: RemediationPolicy | None = None,
    now: datetime | None = None,
    *,
    triage: Triager | None = None,
    rules: RuleSet | None = None,
    history: list[RemediationDecision] | None = None,
    context: dict[str, Any] | None = None,
) -> RemediationDecision:
    """Read the job's ledger (unless `history` is given), decide, add `context` (what the run looked like
    when it failed) and upsert the decision - idempotent on (run_id, attempt)."""
    if history is None:
        history = store.read(RemediationDecision, {"job_id": failure.job_id})
    decision = remediate(failure, history, policy, now, triage=triage, rules=rules)
    if context:
        decision = RemediationDecision.model_validate({**decision.model_dump(), **context})
    store.upsert([decision])
    log.info(
        "run %s attempt %s: %s (%s/%s, %s, guard %s)", decision.run_id, decision.attempt, decision.action,
        decision.category, decision.kind, decision.decided_by, decision.guard,
    )
    return decision


def _definite_client_error(exc: JobsApiError) -> bool:
    """A 4xx answer (no such output, job deleted) - as opposed to a refused or failed call worth retrying."""
    return exc.status is not None and 400 <= exc.status < 500 and exc.status != 429


def fetch_failure(jobs: JobsApi, run_id: int, workspace_id: str = "") -> tuple[FailureContext, dict[str, Any]]:
    """`runs/get` (with history), `runs/get-output` per failed task, `jobs/get` -> FailureContext.

    A definite 4xx for the output or the job is tolerated (the state message still describes the
    failure; the run's creator stands in for the owner). Anything else - retries used up on 429/5xx,
    a network error - is raised: a decision is recorded for good, so it must not be made from half
    the facts while the API is flaky; the decide task's retry reads them again.
    """
    run = jobs.get_run(run_id)
    outputs: dict[str, dict[str, Any]] = {}
    for task in failed_task_runs(run):
        try:
            outputs[str(task["run_id"])] = jobs.get_run_output(int(task["run_id"]))
        except JobsApiError as exc:
            if not _definite_client_error(exc):
                raise
            log.warning("run %s: no output for task run %s: %s", run_id, task.get("run_id"), exc)
    job = None
    if run.get("job_id"):
        try:
            job = jobs.get_job(int(run["job_id"]))
        except JobsApiError as exc:
            if not _definite_client_error(exc):
                raise
            log.warning("run %s: jobs/get %s failed: %s", run_id, run["job_id"], exc)
    return failure_from_run(run, outputs, workspace_id=workspace_id, job=job), run


def decide_failed_run(
    ref: FailedRunRef,
    jobs: JobsApi,
    store: OpsStore,
    policy: RemediationPolicy,
    now: datetime | None = None,
    *,
    triage: Triager | None = None,
    rules: RuleSet | None = None,
    workspace_id: str = "",
) -> DecisionRef:
    """Decide about one detected failure and record the decision (idempotent on run and attempt)."""
    now = now or datetime.now(UTC)
    history = store.read(RemediationDecision, {"job_id": ref.job_id})
    existing = next((d for d in history if d.run_id == ref.run_id and d.attempt == ref.attempt), None)
    if existing is not None:
        return DecisionRef.of(existing, "existing")
    failure, run = fetch_failure(jobs, int(ref.run_id), workspace_id)
    if attempt_of(run) != ref.attempt or not is_failed(run):
        state = (run.get("state") or {}).get("life_cycle_state")
        note = f"run is now at attempt {attempt_of(run)} ({state}); it moved on since it was detected"
        log.info("run %s: %s", ref.run_id, note)
        return DecisionRef(status="moved_on", run_id=ref.run_id, attempt=ref.attempt, job_id=ref.job_id, note=note)
    if failure.job_id != ref.job_id:
        history = store.read(RemediationDecision, {"job_id": failure.job_id})
    context = {
        "run_page_url": run.get("run_page_url") or ref.run_page_url,
        "cluster_at_failure": failure.cluster.model_dump(exclude_defaults=True) if failure.cluster else {},
        "timeout_at_failure": failure.timeout_seconds,
    }
    decision = record_decision(failure, store, policy, now, triage=triage, rules=rules, history=history,
                               context=context)
    return DecisionRef.of(decision, "decided")


# --- the DAG's steps ------------------------------------------------------------------------------------

def scan_plan(store: OpsStore, settings: RemediationSettings, now: datetime, *, since: datetime | None = None
              ) -> ScanPlan:
    """The sensor's step: the window to scan for failed runs and the ledger keys already decided in it."""
    return plan(store, settings, now, since=since)


def decide(failure: dict[str, Any], jobs: JobsApi, store: OpsStore, policy: RemediationPolicy, *,
           triage: Triager | None = None) -> DecisionRef:
    """The decide step for one failure the sensor found: with the learned rules in force, recorded before
    anything acts."""
    return decide_failed_run(FailedRunRef.model_validate(failure), jobs, store, policy, triage=triage,
                             rules=effective_rules(store))


def act(store: OpsStore, jobs: JobsApi, run_id: str, attempt: int, policy: RemediationPolicy, now: datetime, *,
        last_try: bool) -> ActResult:
    """The act step: carry out the recorded decision; on the last try a failure is recorded as outcome
    `error` (the breaker counts it) before it is raised."""
    try:
        return act_on_decision(store, jobs, run_id, attempt, policy, now)
    except Exception as exc:
        if last_try:
            log.error("giving up on run %s: %s", run_id, exc)
            record_act_error(store, run_id, attempt, exc, now)
        raise


def notify(store: OpsStore, run_id: str, attempt: int, policy: RemediationPolicy, now: datetime, *,
           smtp: SmtpSettings | None = None) -> NotifyResult:
    """The notify step: the notice the decision owes (owner / on-call), once per failure."""
    return notify_decision(store, run_id, attempt, policy, now, smtp=smtp)


def sweep_pending(store: OpsStore, jobs: JobsApi, policy: RemediationPolicy, *, smtp: SmtpSettings | None = None,
                  decided_before: datetime | None = None) -> SweepReport:
    """Backoffs that came due and notices still owed from earlier runs."""
    return sweep(store, jobs, policy, smtp=smtp, decided_before=decided_before)


class OutcomesAndLearning(BaseModel):
    outcomes: OutcomeCheck
    learning: LearningReport


def check_outcomes(store: OpsStore, jobs: JobsApi, now: datetime) -> OutcomesAndLearning:
    """How finished repairs ended, then learned rules promoted or retired from those outcomes."""
    return OutcomesAndLearning(outcomes=check_repairs(store, jobs, now), learning=learn_rules(store, now))


def advance_watermark(store: OpsStore, scope: str, scanned_until: datetime, *, dag_run_id: str | None = None,
                      found: int = 0) -> RemediationWatermark:
    """Every failure found was decided: the watermark moves to where the scan started (never back)."""
    return advance(store, scope, scanned_until, dag_run_id=dag_run_id, found=found)
