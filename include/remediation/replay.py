"""Replay: what would be decided about past failures under the current rules and policy (shadow, no writes).

Two sources:
- **ledger**: every recorded decision since a date is rebuilt into a `FailureContext` from what
  the ledger keeps (redacted excerpt, termination code, failed tasks, the cluster and timeout it
  failed with) and decided again against the ledger *as it was* at its `decided_at`, reusing the
  LLM opinion recorded then (the replay never calls a model). Differences are listed.
- **timeline**: failed waves in `system.lakeflow.job_run_timeline` with no ledger row (failures
  LakePilot never saw, e.g. before it was deployed). The timeline has no error text, so these
  are decided from the termination code alone - a lower bound on what the pattern engine knows.
"""

from __future__ import annotations

import logging
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, Field

from include.clock import as_utc
from include.ops.models import RemediationDecision
from include.remediation.decide import decide
from include.remediation.models import ClusterSettings, FailureContext, LLMOpinion, TaskFailure, TriageResult
from include.remediation.patterns import RuleSet, classify_failure
from include.remediation.policy import RemediationPolicy

if TYPE_CHECKING:
    from include.ops.store import OpsStore

log = logging.getLogger(__name__)

TIMELINE_FAILED = frozenset({"FAILED", "TIMED_OUT", "ERROR"})
TIMELINE_LOOKBACK = timedelta(days=7)  # earlier waves of a run, to number the attempts


class ReplayItem(BaseModel):
    """One past failure and what the replay decides for it."""

    source: Literal["ledger", "timeline"]
    run_id: str
    attempt: int
    job_id: str
    failed_at: datetime
    recorded_action: str | None = None
    recorded_category: str | None = None
    action: str
    category: str
    guard: str | None = None
    reason: str = ""

    @property
    def changed(self) -> bool:
        return self.recorded_action is not None and (
            self.recorded_action != self.action or self.recorded_category != self.category
        )


class ReplayReport(BaseModel):
    """The replay's items and totals."""

    since: datetime
    items: list[ReplayItem] = Field(default_factory=list)
    timeline_note: str = ""

    @property
    def changed(self) -> list[ReplayItem]:
        return [i for i in self.items if i.changed]

    def actions(self) -> dict[str, int]:
        return dict(Counter(i.action for i in self.items))


def failure_from_decision(d: RemediationDecision) -> FailureContext:
    """The failure as the ledger remembers it (excerpt, not the full output)."""
    keys = d.task_keys or ["unknown"]
    tasks = [TaskFailure(task_key=k, error=d.error_excerpt if i == 0 else "") for i, k in enumerate(keys)]
    cluster = ClusterSettings.model_validate(d.cluster_at_failure) if d.cluster_at_failure else None
    return FailureContext(
        workspace_id=d.workspace_id, job_id=d.job_id, run_id=d.run_id, attempt=d.attempt, job_name=d.job_name,
        owner=d.owner, result_state="FAILED", termination_code=d.termination_code, tasks=tasks, cluster=cluster,
        timeout_seconds=d.timeout_at_failure, failed_at=d.decided_at,
    )


def _recorded_opinion(d: RemediationDecision) -> LLMOpinion | None:
    if not (d.llm_category and d.llm_action and d.llm_confidence is not None):
        return None
    return LLMOpinion(category=d.llm_category, suggested_action=d.llm_action,
                      confidence=d.llm_confidence, rationale=d.llm_rationale or "")


def replay_ledger(
    decisions: list[RemediationDecision], since: datetime, policy: RemediationPolicy, rules: RuleSet | None = None
) -> list[ReplayItem]:
    """Decide every decision recorded since `since` again, against the ledger as of its time."""
    since = as_utc(since)
    items = []
    for d in sorted((d for d in decisions if as_utc(d.decided_at) >= since), key=lambda d: (as_utc(d.decided_at), d.decision_id)):
        failure = failure_from_decision(d)
        history = [h for h in decisions if h.job_id == d.job_id and h.decision_id != d.decision_id]
        triage = TriageResult(pattern=classify_failure(failure, rules), llm=_recorded_opinion(d),
                              llm_configured=bool(d.llm_model), llm_error=d.llm_error, llm_model=d.llm_model,
                              excerpt=d.error_excerpt)
        again = decide(failure, triage, history, policy, as_utc(d.decided_at))
        items.append(ReplayItem(
            source="ledger", run_id=d.run_id, attempt=d.attempt, job_id=d.job_id, failed_at=as_utc(d.decided_at),
            recorded_action=d.action, recorded_category=d.category, action=again.action, category=again.category,
            guard=again.guard, reason=again.reason,
        ))
    return items


def timeline_waves(warehouse: Any, since: datetime, until: datetime) -> list[dict[str, Any]]:
    """Finished waves from the job-run timeline (attempt numbered per run), ended in [since, until)."""
    from include.lakehouse.warehouse import query_file

    table = query_file(warehouse, "remediation/finished_run_waves",
                       {"since": as_utc(since) - TIMELINE_LOOKBACK, "until": as_utc(until)})
    waves: list[dict[str, Any]] = []
    seen: Counter[str] = Counter()
    for row in table.to_pylist():
        run = str(row["run_id"])
        row["attempt"] = seen[run]
        seen[run] += 1
        if as_utc(row["period_end_time"]) >= as_utc(since):
            waves.append(row)
    return waves


def replay_timeline(
    waves: list[dict[str, Any]], decisions: list[RemediationDecision], policy: RemediationPolicy,
    rules: RuleSet | None = None,
) -> list[ReplayItem]:
    """Shadow decisions for failed waves the ledger has no row for (termination code only)."""
    known = {(d.run_id, d.attempt) for d in decisions}
    history: list[RemediationDecision] = list(decisions)
    items = []
    for wave in waves:
        if str(wave.get("result_state") or "").upper() not in TIMELINE_FAILED:
            continue
        key = (str(wave["run_id"]), int(wave["attempt"]))
        if key in known:
            continue
        failure = FailureContext(
            workspace_id=str(wave.get("workspace_id") or ""), job_id=str(wave["job_id"]), run_id=key[0],
            attempt=key[1], job_name=str(wave.get("run_name") or ""), result_state="FAILED",
            termination_code=wave.get("termination_code"), tasks=[TaskFailure(task_key="unknown")],
        )
        at = as_utc(wave["period_end_time"])
        decision = decide(failure, TriageResult(pattern=classify_failure(failure, rules)), history, policy, at)
        history.append(decision)  # later failures of the job see this one (budgets, dedup) as the DAG would
        items.append(ReplayItem(
            source="timeline", run_id=key[0], attempt=key[1], job_id=failure.job_id, failed_at=at,
            action=decision.action, category=decision.category, guard=decision.guard, reason=decision.reason,
        ))
    return items


def replay(
    store: OpsStore, since: datetime, policy: RemediationPolicy, *, rules: RuleSet | None = None,
    warehouse: Any = None, until: datetime | None = None,
) -> ReplayReport:
    """Ledger replay plus (when a warehouse is given) unseen timeline failures, since `since`."""
    decisions = store.read(RemediationDecision)
    report = ReplayReport(since=as_utc(since), items=replay_ledger(decisions, since, policy, rules))
    if warehouse is not None:
        try:
            waves = timeline_waves(warehouse, since, until or datetime.now(UTC))
        except Exception as exc:  # noqa: BLE001 - no timeline (no workspace yet) is a note, not a failure
            report.timeline_note = f"job_run_timeline not read: {str(exc).splitlines()[0][:200]}"
            log.info(report.timeline_note)
        else:
            report.items.extend(replay_timeline(waves, decisions, policy, rules))
    report.items.sort(key=lambda i: (i.failed_at, i.run_id, i.attempt))
    return report
