"""Act on one recorded decision through the Jobs API, safe against retries, crashes and races.

Order of events for a run-starting decision (RETRY / RETRY_WITH_NEW_PARAMS):

1. re-read the ledger row; act only while its outcome is `pending` (never on shadow rows), and
   only once `not_before` has passed (otherwise `waiting`: a later task or DAG run acts);
2. `runs/get`: the run must still be the failed attempt the decision is about. If it has moved
   on and *this* decision's claim (`act_started_at`) predates the repair, the repair is ours from
   an attempt that crashed before recording it: record it, start nothing. Otherwise someone
   else repaired or is running it: `skipped`;
3. write the claim `act_started_at` *before* any call that starts a run, then re-check the job's
   daily budget against every other claimed or started decision of the job (decisions decided
   at the same instant could both have passed the budget guard at decision time);
4. RETRY_WITH_NEW_PARAMS: `jobs/update` (idempotent: absolute values) - refused when the job
   changed since the failure;
5. `runs/repair` with `latest_repair_id` (Databricks refuses a stale one); record `acted` + `repair_id`.

Notifications are the next step's job (`notices.py`); outcomes of repairs are recorded later
(`outcomes.py`).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel

from include.clock import as_utc
from include.ops.models import RemediationDecision
from include.remediation.detection import attempt_of, is_failed, is_terminal
from include.remediation.job_change import JobChangeRefused, plan_job_update
from include.remediation.jobs_client import JobsApi
from include.remediation.models import NOTIFYING, RUN_STARTING
from include.remediation.policy import RemediationPolicy
from include.untrusted.redaction import redact

if TYPE_CHECKING:
    from include.ops.store import OpsStore

log = logging.getLogger(__name__)

STARTED_OUTCOMES = frozenset({"acted", "succeeded", "failed"})
# A repair that started this long before our claim was written is still ours (clock skew).
CLAIM_SKEW = timedelta(minutes=2)
DETAIL_CHARS = 1000

ActStatus = Literal["acted", "waiting", "skipped", "notify", "done", "error"]


class ActResult(BaseModel):
    """What acting did with one decision (small, JSON-able; goes to XCom)."""

    decision_id: str
    run_id: str
    attempt: int
    action: str
    status: ActStatus
    outcome: str
    repair_id: str | None = None
    not_before: datetime | None = None
    detail: str = ""


class DecisionNotFound(LookupError):
    """No ledger row for (run_id, attempt)."""


def load_decision(store: OpsStore, run_id: str, attempt: int) -> RemediationDecision:
    rows = store.read(RemediationDecision, {"run_id": str(run_id), "attempt": int(attempt)})
    if not rows:
        raise DecisionNotFound(f"no remediation decision for run {run_id} attempt {attempt}")
    return rows[0]


def update_decision(store: OpsStore, decision: RemediationDecision, **changes: Any) -> RemediationDecision:
    """Apply `changes` to the decision's *current* row and upsert it (validated).

    The row is read again first, so fields another task or a person changed since the caller read
    it (feedback, `notified`, an outcome) are kept rather than overwritten with a stale copy.
    """
    if "act_detail" in changes and changes["act_detail"] is not None:
        changes["act_detail"] = redact(str(changes["act_detail"]))[:DETAIL_CHARS]
    rows = store.read(RemediationDecision, {"run_id": decision.run_id, "attempt": decision.attempt})
    current = rows[0] if rows else decision
    row = RemediationDecision.model_validate({**current.model_dump(), **changes})
    store.upsert([row])
    return row


def _result(d: RemediationDecision, status: ActStatus, detail: str = "", **extra: Any) -> ActResult:
    return ActResult(
        decision_id=d.decision_id,
        run_id=d.run_id,
        attempt=d.attempt,
        action=d.action,
        status=status,
        outcome=extra.pop("outcome", d.outcome),
        repair_id=extra.pop("repair_id", d.repair_id),
        not_before=d.not_before,
        detail=detail,
    )


def budget_competitors(me: RemediationDecision, history: list[RemediationDecision]) -> list[RemediationDecision]:
    """Other live run-starting decisions of the job on the same UTC day that started or claimed a run."""
    day = as_utc(me.decided_at).date()
    return [
        d
        for d in history
        if d.decision_id != me.decision_id
        and not d.shadow
        and d.job_id == me.job_id
        and d.action in RUN_STARTING
        and as_utc(d.decided_at).date() == day
        and (d.outcome in STARTED_OUTCOMES or (d.outcome == "pending" and d.act_started_at is not None))
    ]


def _our_repair(d: RemediationDecision, run: dict[str, Any]) -> dict[str, Any] | None:
    """The repair right after the decided attempt, if it started after (our) claim."""
    history = run.get("repair_history") or []
    if d.act_started_at is None or len(history) <= d.attempt + 1:
        return None
    repair = history[d.attempt + 1]
    started = datetime.fromtimestamp(int(repair.get("start_time") or 0) / 1000, UTC)
    return repair if started >= as_utc(d.act_started_at) - CLAIM_SKEW else None


def act_on_decision(
    store: OpsStore, jobs: JobsApi, run_id: str, attempt: int, policy: RemediationPolicy, now: datetime
) -> ActResult:
    """Carry out the decision for (run_id, attempt) if it is still to be done (see the module doc).

    Raises:
        DecisionNotFound: there is no such decision.
        JobsApiError: a Jobs API call failed (the claim stays; a retry resumes safely).
    """
    now = as_utc(now)
    d = load_decision(store, run_id, attempt)
    if d.shadow or d.outcome != "pending":
        return _result(d, "done", f"outcome is {d.outcome}: nothing to do")
    if d.action in NOTIFYING:
        return _result(d, "notify", "a notification, sent by the notify step")
    if d.action not in RUN_STARTING:
        return _result(d, "done", f"{d.action}: nothing to do")
    if d.not_before is not None and now < as_utc(d.not_before):
        return _result(d, "waiting", f"backoff until {as_utc(d.not_before):%Y-%m-%dT%H:%M:%SZ}")

    run = jobs.get_run(int(d.run_id))
    if d.run_page_url is None and run.get("run_page_url"):
        d = update_decision(store, d, run_page_url=run["run_page_url"])
    current = attempt_of(run)
    if current != d.attempt or not (is_terminal(run) and is_failed(run)):
        mine = _our_repair(d, run)
        if mine is not None:
            d = update_decision(store, d, outcome="acted", repair_id=str(mine.get("id")), outcome_at=now,
                                act_detail=f"repair {mine.get('id')} was started by an earlier try of this task")
            log.info("run %s: found our own repair %s from a crashed try", d.run_id, d.repair_id)
            return _result(d, "acted", d.act_detail or "")
        state = (run.get("state") or {}).get("life_cycle_state")
        d = update_decision(store, d, outcome="skipped", outcome_at=now,
                            act_detail=f"run is at attempt {current} ({state}); someone else repaired or is running it")
        return _result(d, "skipped", d.act_detail or "")

    if d.act_started_at is None:
        d = update_decision(store, d, act_started_at=now)
    competitors = budget_competitors(d, store.read(RemediationDecision, {"job_id": d.job_id}))
    if len(competitors) >= policy.job_daily_budget:
        d = update_decision(store, d, outcome="skipped", outcome_at=now, guard="budget_exhausted",
                            act_detail=f"daily budget of {policy.job_daily_budget} reruns for the job was spent "
                                       f"by concurrent decisions ({', '.join(c.run_id for c in competitors[:5])})")
        return _result(d, "skipped", d.act_detail or "")

    detail = "repaired the failed tasks"
    if d.action == "RETRY_WITH_NEW_PARAMS":
        try:
            update = plan_job_update(jobs.get_job(int(d.job_id)), run, d.task_keys, d.params_change)
        except JobChangeRefused as exc:
            d = update_decision(store, d, outcome="skipped", outcome_at=now, act_detail=f"change not applied: {exc}")
            return _result(d, "skipped", d.act_detail or "")
        jobs.update_job(int(d.job_id), update.new_settings)
        detail = f"updated the job ({'; '.join(update.described)}) and repaired the failed tasks"

    latest = jobs.get_latest_repair_id(int(d.run_id))
    body: dict[str, Any] = {"run_id": int(d.run_id), "rerun_all_failed_tasks": True}
    if latest is not None:
        body["latest_repair_id"] = latest
    repair_id = jobs.repair_run(body)
    d = update_decision(store, d, outcome="acted", repair_id=str(repair_id), outcome_at=now, act_detail=detail)
    log.info("run %s attempt %s: %s (repair %s)", d.run_id, d.attempt, detail, repair_id)
    return _result(d, "acted", detail)


def record_act_error(
    store: OpsStore, run_id: str, attempt: int, error: BaseException, now: datetime
) -> ActResult:
    """Give up on a decision after the last try failed: outcome `error` (feeds the breaker)."""
    d = load_decision(store, run_id, attempt)
    if d.outcome != "pending":
        return _result(d, "done", f"outcome is already {d.outcome}")
    d = update_decision(store, d, outcome="error", outcome_at=as_utc(now), act_detail=f"acting failed: {error}")
    return _result(d, "error", d.act_detail or "")


def due_decisions(
    store: OpsStore, now: datetime, *, decided_before: datetime | None = None
) -> list[RemediationDecision]:
    """Live pending run-starting decisions whose backoff has passed (left for a later DAG run to act on)."""
    now = as_utc(now)
    rows = store.read(RemediationDecision, {"outcome": "pending"})
    return sorted(
        (
            d
            for d in rows
            if not d.shadow
            and d.action in RUN_STARTING
            and (d.not_before is None or as_utc(d.not_before) <= now)
            and (decided_before is None or as_utc(d.decided_at) < as_utc(decided_before))
        ),
        key=lambda d: (as_utc(d.decided_at), d.decision_id),
    )
