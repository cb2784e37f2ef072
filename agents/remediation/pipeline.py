"""The decide step of the remediation DAG: fetch one failed run, triage, decide, record - before acting.

`decide_failed_run` is what a mapped DAG task calls for each failure the sensor found. It is safe
to retry: a decision already recorded for (run_id, attempt) is returned as is, without calling
the Jobs API or the LLM again. A run that moved on since it was detected (repaired or re-run by
someone) is reported and left alone. The raw error text never leaves this function: the recorded
decision and the returned reference carry only redacted excerpts and ids.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel

from agents.remediation.agent import remediate_and_record
from include.ops.models import RemediationDecision
from include.ops.store import OpsStore
from include.remediation.detection import FailedRunRef, attempt_of, is_failed
from include.remediation.jobs_client import JobsApi, JobsApiError
from include.remediation.models import FailureContext
from include.remediation.patterns import RuleSet
from include.remediation.policy import RemediationPolicy
from include.remediation.run_context import failed_task_runs, failure_from_run

log = logging.getLogger(__name__)


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
    llm: Any = None,
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
    decision = remediate_and_record(failure, store, policy, now, llm=llm, rules=rules, history=history, context=context)
    return DecisionRef.of(decision, "decided")
