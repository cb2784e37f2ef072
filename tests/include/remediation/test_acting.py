"""Acting through the real DatabricksHook against the Jobs API emulator: repair, resize, and safety.

Every test fails a real (emulated) run, records the decision with the production decide step,
and acts with `act_on_decision`; what happened is read back from the emulator (repairs, job
settings) and from the Delta ledger.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from include.ops.models import RemediationDecision
from include.remediation.acting import act_on_decision, due_decisions, load_decision, update_decision
from include.remediation.detection import ref_of
from include.remediation.outcomes import check_outcomes
from include.remediation.service import decide_failed_run
from tests.include.remediation.support import JOBS, failed_run, repair_count, wait_terminal


def _decide(jobs, store, policy, run_id: int, now: datetime | None = None):
    return decide_failed_run(ref_of(jobs.get_run(run_id)), jobs, store, policy, now or datetime.now(UTC))


def _job_node(hook, key: str) -> str:
    job = hook._do_api_call(("GET", "2.2/jobs/get"), {"job_id": JOBS[key]})
    return job["settings"]["job_clusters"][0]["new_cluster"]["node_type_id"]


def test_transient_failure_is_repaired_and_the_outcome_recorded(hook, jobs, store, policy) -> None:
    run_id = failed_run(hook, "transient")
    ref = _decide(jobs, store, policy, run_id)
    assert (ref.status, ref.action, ref.category) == ("decided", "RETRY", "network")

    result = act_on_decision(store, jobs, str(run_id), 0, policy, datetime.now(UTC))
    assert result.status == "acted" and result.repair_id
    assert repair_count(hook, run_id) == 1
    assert wait_terminal(hook, run_id) == "SUCCESS"

    report = check_outcomes(store, jobs, datetime.now(UTC))
    assert report.succeeded == [str(run_id)]
    row = load_decision(store, str(run_id), 0)
    assert (row.outcome, row.repaired_result, row.repair_id) == ("succeeded", "SUCCESS", result.repair_id)
    assert row.run_page_url and str(run_id) in row.run_page_url and row.act_started_at is not None


def test_oom_is_resized_through_jobs_update_and_succeeds(hook, jobs, store, policy) -> None:
    run_id = failed_run(hook, "oom")
    ref = _decide(jobs, store, policy, run_id)
    assert ref.action == "RETRY_WITH_NEW_PARAMS"
    row = load_decision(store, str(run_id), 0)
    assert row.params_change == {"node_type_id": "r5.2xlarge"}
    assert row.cluster_at_failure["node_type_id"] == "r5.xlarge"

    result = act_on_decision(store, jobs, str(run_id), 0, policy, datetime.now(UTC))
    assert result.status == "acted" and "r5.xlarge -> r5.2xlarge" in result.detail
    assert _job_node(hook, "oom") == "r5.2xlarge"
    assert wait_terminal(hook, run_id) == "SUCCESS"
    check_outcomes(store, jobs, datetime.now(UTC))
    assert load_decision(store, str(run_id), 0).outcome == "succeeded"


def test_a_resize_that_does_not_help_is_recorded_as_failed(hook, jobs, store, policy) -> None:
    run_id = failed_run(hook, "stubborn")
    _decide(jobs, store, policy, run_id)
    assert act_on_decision(store, jobs, str(run_id), 0, policy, datetime.now(UTC)).status == "acted"
    assert wait_terminal(hook, run_id) == "FAILED"
    report = check_outcomes(store, jobs, datetime.now(UTC))
    assert report.failed == [str(run_id)]
    assert load_decision(store, str(run_id), 0).outcome == "failed"
    # The next attempt's decision sees the spent resize and escalates.
    ref = _decide(jobs, store, policy, run_id)
    assert (ref.attempt, ref.action, ref.guard) == (1, "ESCALATE", "retry_limit")


class CrashAfterRepair:
    """The real Jobs API, except that the worker 'dies' right after `runs/repair` went through."""

    def __init__(self, jobs: Any) -> None:
        self.jobs = jobs
        self.repairs = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self.jobs, name)

    def repair_run(self, body: dict) -> int:
        repair_id = self.jobs.repair_run(body)
        self.repairs += 1
        raise SystemExit(f"worker killed after repair {repair_id} was started")


@pytest.mark.parametrize("key", ["transient", "oom"])
def test_crash_between_the_api_call_and_the_record_starts_no_second_run(hook, jobs, store, policy, key) -> None:
    run_id = failed_run(hook, key)
    _decide(jobs, store, policy, run_id)
    crashing = CrashAfterRepair(jobs)
    with pytest.raises(SystemExit):
        act_on_decision(store, crashing, str(run_id), 0, policy, datetime.now(UTC))
    assert crashing.repairs == 1
    assert load_decision(store, str(run_id), 0).outcome == "pending"  # the record was never written

    retried = act_on_decision(store, jobs, str(run_id), 0, policy, datetime.now(UTC))
    assert retried.status == "acted" and "earlier try" in retried.detail
    assert repair_count(hook, run_id) == 1
    rows = store.read(RemediationDecision, {"run_id": str(run_id)})
    assert len(rows) == 1 and rows[0].repair_id == retried.repair_id
    assert wait_terminal(hook, run_id) == "SUCCESS"


def test_a_retried_act_task_does_nothing_the_second_time(hook, jobs, store, policy) -> None:
    run_id = failed_run(hook, "transient")
    _decide(jobs, store, policy, run_id)
    assert act_on_decision(store, jobs, str(run_id), 0, policy, datetime.now(UTC)).status == "acted"
    again = act_on_decision(store, jobs, str(run_id), 0, policy, datetime.now(UTC))
    assert (again.status, again.outcome) == ("done", "acted")
    assert repair_count(hook, run_id) == 1


def test_a_run_someone_else_repaired_is_skipped(hook, jobs, store, policy) -> None:
    run_id = failed_run(hook, "transient")
    _decide(jobs, store, policy, run_id)
    hook.repair_run({"run_id": run_id, "rerun_all_failed_tasks": True})  # a person, from the UI
    result = act_on_decision(store, jobs, str(run_id), 0, policy, datetime.now(UTC))
    assert result.status == "skipped" and "someone else" in result.detail
    assert repair_count(hook, run_id) == 1


def test_backoff_leaves_the_decision_pending_until_due(hook, jobs, store) -> None:
    from include.remediation.policy import RemediationPolicy

    slow = RemediationPolicy(backoff_base_seconds=600)
    run_id = failed_run(hook, "transient")
    now = datetime.now(UTC)
    _decide(jobs, store, slow, run_id, now)
    waiting = act_on_decision(store, jobs, str(run_id), 0, slow, now)
    assert waiting.status == "waiting" and waiting.not_before == now + timedelta(seconds=600)
    assert repair_count(hook, run_id) == 0
    assert due_decisions(store, now) == []
    later = now + timedelta(seconds=601)
    assert [d.run_id for d in due_decisions(store, later)] == [str(run_id)]
    assert act_on_decision(store, jobs, str(run_id), 0, slow, later).status == "acted"


def test_shadow_decisions_never_act(hook, jobs, store) -> None:
    from include.remediation.policy import RemediationPolicy

    shadow = RemediationPolicy(shadow=True, backoff_base_seconds=0)
    run_id = failed_run(hook, "transient")
    ref = _decide(jobs, store, shadow, run_id)
    assert ref.shadow and ref.outcome == "shadow"
    assert act_on_decision(store, jobs, str(run_id), 0, shadow, datetime.now(UTC)).status == "done"
    assert repair_count(hook, run_id) == 0


def test_two_decisions_of_one_job_at_the_same_instant_respect_the_daily_budget(hook, jobs, store) -> None:
    from include.remediation.policy import RemediationPolicy

    policy = RemediationPolicy(backoff_base_seconds=0, job_daily_budget=1)
    first, second = failed_run(hook, "transient"), failed_run(hook, "transient")
    now = datetime.now(UTC)
    # Both decided against the same (empty) ledger, as two mapped tasks running at once would.
    refs = [decide_failed_run(ref_of(jobs.get_run(r)), jobs, store, policy, now) for r in (first, second)]
    assert [r.action for r in refs] == ["RETRY", "SEND_EMAIL"]  # serial decisions see each other
    # Force the race: the second decision also passed the budget guard when it was decided.
    update_decision(store, load_decision(store, str(second), 0), action="RETRY", guard=None)
    results = [act_on_decision(store, jobs, str(r), 0, policy, now) for r in (first, second)]
    assert [r.status for r in results] == ["acted", "skipped"]
    assert "budget" in results[1].detail and load_decision(store, str(second), 0).guard == "budget_exhausted"
    assert repair_count(hook, first) == 1 and repair_count(hook, second) == 0


def test_a_job_changed_since_the_failure_is_not_overridden(hook, jobs, store, policy) -> None:
    run_id = failed_run(hook, "oom")
    _decide(jobs, store, policy, run_id)
    job = hook._do_api_call(("GET", "2.2/jobs/get"), {"job_id": JOBS["oom"]})
    cluster = job["settings"]["job_clusters"][0]
    hook.update_job(str(JOBS["oom"]), {"job_clusters": [{**cluster, "new_cluster": {**cluster["new_cluster"],
                                                                                     "node_type_id": "r5.4xlarge"}}]})
    result = act_on_decision(store, jobs, str(run_id), 0, policy, datetime.now(UTC))
    assert result.status == "skipped" and "r5.4xlarge" in result.detail
    assert _job_node(hook, "oom") == "r5.4xlarge" and repair_count(hook, run_id) == 0


def test_deciding_twice_calls_nothing_and_adds_no_row(hook, jobs, store, policy) -> None:
    run_id = failed_run(hook, "permission")
    ref = ref_of(jobs.get_run(run_id))
    first = decide_failed_run(ref, jobs, store, policy)
    assert (first.status, first.action) == ("decided", "SEND_EMAIL")

    class NoCalls:
        def __getattr__(self, name: str) -> Any:
            raise AssertionError(f"the Jobs API was called ({name}) for an already-decided failure")

    again = decide_failed_run(ref, NoCalls(), store, policy)  # type: ignore[arg-type]
    assert (again.status, again.decision_id) == ("existing", first.decision_id)
    assert len(store.read(RemediationDecision)) == 1


def test_updates_keep_what_others_wrote_meanwhile(hook, jobs, store, policy) -> None:
    from include.remediation.stats import record_feedback

    run_id = failed_run(hook, "permission")
    _decide(jobs, store, policy, run_id)
    stale = load_decision(store, str(run_id), 0)
    record_feedback(store, stale.decision_id, "correct")  # a person, while a task holds `stale`
    update_decision(store, stale, outcome="notified")
    row = load_decision(store, str(run_id), 0)
    assert (row.outcome, row.feedback) == ("notified", "correct")


def test_the_sweep_gives_up_on_a_run_that_no_longer_exists(hook, jobs, store, policy) -> None:
    from include.remediation.sweep import sweep_pending

    store.upsert([RemediationDecision(run_id="999999", attempt=0, job_id=str(JOBS["transient"]), fingerprint="f" * 16,
                                      category="network", action="RETRY", confidence=0.9, reason="test")])
    report = sweep_pending(store, jobs, policy, send=lambda _m: None)
    assert len(report.errors) == 1 and report.acted == []
    row = load_decision(store, "999999", 0)
    assert row.outcome == "error" and "does not exist" in (row.act_detail or "")
    assert sweep_pending(store, jobs, policy, send=lambda _m: None).errors == {}
