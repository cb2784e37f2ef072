"""The decision engine as a pure function: remedies, limits, backoff, budget, breaker, dedup, shadow."""

from __future__ import annotations

from datetime import timedelta

import pytest
from pydantic import ValidationError

from agents.remediation.agent import remediate
from include.ops.models import RemediationDecision
from include.remediation.decide import decide
from include.remediation.fingerprint import idempotency_token
from include.remediation.models import TriageResult
from include.remediation.patterns import classify_failure
from include.remediation.policy import RemediationPolicy
from tests.agents.remediation.conftest import NOW, failure

NET = "java.net.SocketException: Connection reset by peer"
OOM = "java.lang.OutOfMemoryError: Java heap space"
PERM = "PERMISSION_DENIED: User does not have SELECT on Table 'main.sales.orders'."


def run(f, history=(), policy=None, now=NOW) -> RemediationDecision:
    return decide(
        f, TriageResult(pattern=classify_failure(f)), list(history), policy or RemediationPolicy(), now
    )


def chain(error: str, attempts: int, *, run_id: str = "1001", outcome: str = "failed", start=NOW, **kw):
    """Decisions for attempts 0..attempts-1 of one run, each minutes after the previous."""
    history: list[RemediationDecision] = []
    for attempt in range(attempts):
        d = run(
            failure(error, run_id=run_id, attempt=attempt, **kw),
            history,
            now=start + timedelta(minutes=10 * attempt),
        )
        history.append(d.model_copy(update={"outcome": outcome}))
    return history


def test_transient_failure_is_retried_with_backoff_and_a_stable_token() -> None:
    d = run(failure(NET))
    assert d.action == "RETRY" and d.category == "network" and d.guard is None
    assert d.not_before == NOW + timedelta(seconds=60)
    assert d.idempotency_token == idempotency_token("1001", 0)
    assert d.decided_by == "pattern" and d.rule_ids[0] == "connection-reset"
    history = chain(NET, 2)
    third = run(failure(NET, attempt=2), history, now=NOW + timedelta(minutes=30))
    assert third.action == "RETRY"
    assert third.not_before == NOW + timedelta(minutes=30, seconds=240), "60s * 2^2 after two retries"


def test_transient_retries_stop_at_the_limit_and_escalate() -> None:
    history = chain(NET, 3)
    d = run(failure(NET, attempt=3), history, now=NOW + timedelta(minutes=40))
    assert d.action == "ESCALATE" and d.guard == "retry_limit"
    assert d.incident_id and d.idempotency_token is None and d.not_before is None


def test_memory_failure_gets_one_resize_then_escalates() -> None:
    first = run(failure(OOM))
    assert first.action == "RETRY_WITH_NEW_PARAMS"
    assert first.params_change == {"node_type_id": "i3.2xlarge"}
    assert "i3.xlarge -> i3.2xlarge" in first.reason
    second = run(
        failure(OOM, attempt=1),
        [first.model_copy(update={"outcome": "failed"})],
        now=NOW + timedelta(minutes=5),
    )
    assert second.action == "ESCALATE" and second.guard == "retry_limit"


def test_memory_failure_without_a_larger_node_doubles_workers_or_asks_a_human() -> None:
    assert run(failure(OOM, node="custom.weird")).params_change == {"num_workers": 8}
    d = run(failure(OOM, node=None, workers=None))
    assert d.action == "SEND_EMAIL" and d.guard == "no_allowed_change"
    assert "cluster settings not reported" in d.reason


def test_run_timeout_raises_the_timeout_within_the_cap() -> None:
    f = failure("Run timed out", termination_code=None, result_state="TIMEDOUT", timeout_seconds=3600)
    d = run(f)
    assert d.action == "RETRY_WITH_NEW_PARAMS" and d.params_change == {"timeout_seconds": 7200}


def test_permission_syntax_and_missing_data_are_never_retried() -> None:
    for error in (
        PERM,
        "[PARSE_SYNTAX_ERROR] Syntax error at or near 'FORM'",
        "[TABLE_OR_VIEW_NOT_FOUND] `t`",
    ):
        d = run(failure(error))
        assert d.action == "SEND_EMAIL" and d.recipients == ["owner@example.com"], error
        assert d.idempotency_token is None


def test_daily_budget_per_job_stops_automatic_actions() -> None:
    policy = RemediationPolicy(job_daily_budget=2)
    history = [run(failure(NET, run_id=str(2000 + i)), now=NOW + timedelta(minutes=i)) for i in range(2)]
    yesterday = run(failure(NET, run_id="1999"), now=NOW - timedelta(days=1))
    d = run(failure(NET, run_id="2005"), [*history, yesterday], policy, now=NOW + timedelta(hours=1))
    assert d.action == "SEND_EMAIL" and d.guard == "budget_exhausted"
    tomorrow = run(failure(NET, run_id="2006"), history, policy, now=NOW + timedelta(days=1))
    assert tomorrow.action == "RETRY", "the budget is per UTC day"


def _failed_remediations(n: int, start=NOW) -> list[RemediationDecision]:
    return [
        run(failure(NET, run_id=str(3000 + i)), now=start + timedelta(minutes=i)).model_copy(
            update={"outcome": "failed"}
        )
        for i in range(n)
    ]


def test_circuit_breaker_opens_after_failed_remediations_in_the_window() -> None:
    later = NOW + timedelta(minutes=30)
    d = run(failure(NET, run_id="3100"), _failed_remediations(3), now=later)
    assert d.action == "ESCALATE" and d.guard == "breaker_open"
    assert "oncall" not in d.reason and d.recipients == ["owner@example.com"]
    # Two failures are below the threshold; old failures leave the window.
    assert run(failure(NET, run_id="3101"), _failed_remediations(2), now=later).action == "RETRY"
    stale = _failed_remediations(3, start=NOW - timedelta(hours=7))
    assert run(failure(NET, run_id="3102"), stale, now=later).action == "RETRY"


def test_breaker_counts_repairs_superseded_by_a_later_failure_even_without_outcome() -> None:
    history = [d.model_copy(update={"outcome": "pending"}) for d in chain(NET, 3, run_id="4000")]
    history += [run(failure(NET, run_id="4000", attempt=3), history, now=NOW + timedelta(minutes=31))]
    d = run(failure(NET, run_id="4001"), history, now=NOW + timedelta(minutes=45))
    assert d.guard == "breaker_open"


def test_open_breaker_escalates_once_then_stays_quiet() -> None:
    policy = RemediationPolicy(oncall=["oncall@example.com"])
    history = _failed_remediations(3)
    first = run(failure(NET, run_id="3200"), history, policy, now=NOW + timedelta(minutes=20))
    assert first.action == "ESCALATE" and first.recipients == ["oncall@example.com", "owner@example.com"]
    second = run(failure(OOM, run_id="3201"), [*history, first], policy, now=NOW + timedelta(minutes=25))
    assert (
        second.action == "IGNORE" and second.guard == "duplicate" and second.duplicate_of == first.decision_id
    )


def test_same_failure_is_notified_once_per_window() -> None:
    first = run(failure(PERM + " (request 8a7f9e2c-11aa-4bbb-8ccc-123456789abc)", run_id="5000"))
    again = run(
        failure(PERM + " (request 0b1c2d3e-11aa-4bbb-8ccc-abcdefabcdef)", run_id="5001"),
        [first],
        now=NOW + timedelta(hours=2),
    )
    assert first.fingerprint == again.fingerprint
    assert again.action == "IGNORE" and again.duplicate_of == first.decision_id and again.recipients == []
    next_day = run(failure(PERM, run_id="5002"), [first], now=NOW + timedelta(hours=25))
    assert next_day.action == "SEND_EMAIL"
    other_error = run(
        failure("[TABLE_OR_VIEW_NOT_FOUND] `t`", run_id="5003"), [first], now=NOW + timedelta(hours=2)
    )
    assert other_error.action == "SEND_EMAIL"


def test_deciding_the_same_attempt_again_returns_the_recorded_decision() -> None:
    first = run(failure(NET))
    again = run(failure(NET), [first], now=NOW + timedelta(hours=3))
    assert again == first
    via_agent = remediate(failure(NET), [first], RemediationPolicy(), NOW + timedelta(hours=3))
    assert via_agent == first


def test_decide_is_pure_and_deterministic() -> None:
    history = chain(NET, 2)
    snapshot = [d.model_dump() for d in history]
    a = run(failure(NET, attempt=2), history, now=NOW + timedelta(minutes=30))
    b = run(failure(NET, attempt=2), history, now=NOW + timedelta(minutes=30))
    assert a.model_dump() == b.model_dump()
    assert [d.model_dump() for d in history] == snapshot


def test_later_decisions_in_the_history_are_invisible_to_a_replay() -> None:
    future = run(failure(NET, run_id="6000"), now=NOW + timedelta(hours=5)).model_copy(
        update={"outcome": "failed"}
    )
    assert (
        run(failure(NET, run_id="6001"), [future] * 1, RemediationPolicy(job_daily_budget=1)).action
        == "RETRY"
    )


def test_cancelled_and_skipped_runs_are_ignored() -> None:
    for code in ("USER_CANCELED", "SKIPPED"):
        d = run(failure("", termination_code=code, result_state="CANCELED"))
        assert d.action == "IGNORE" and d.guard == "not_a_failure" and d.outcome == "ignored"


def test_weak_signal_does_not_start_runs() -> None:
    d = run(failure("", termination_code="DRIVER_ERROR"))
    assert d.category == "resource" and d.confidence < 0.6
    assert d.action == "SEND_EMAIL" and d.guard == "low_confidence"


def test_no_owner_means_on_call_gets_the_email() -> None:
    d = run(failure(PERM, owner=None), policy=RemediationPolicy(oncall=["oncall@example.com"]))
    assert d.action == "SEND_EMAIL" and d.recipients == ["oncall@example.com"]
    assert "on-call (no owner known)" in d.reason


def test_shadow_mode_decides_the_same_but_records_shadow_and_keeps_budgets_apart() -> None:
    shadow = RemediationPolicy(shadow=True, job_daily_budget=1)
    d = run(failure(NET), policy=shadow)
    assert d.shadow and d.outcome == "shadow" and d.action == "RETRY"
    live = run(
        failure(NET, run_id="7001"),
        [d],
        RemediationPolicy(job_daily_budget=1),
        now=NOW + timedelta(minutes=1),
    )
    assert live.action == "RETRY", "shadow decisions do not consume the live budget"
    second_shadow = run(failure(NET, run_id="7002"), [d], shadow, now=NOW + timedelta(minutes=1))
    assert second_shadow.guard == "budget_exhausted", "shadow mode simulates its own budget"


def test_policy_rejects_unknown_keys_and_remedies_outside_the_allow_list() -> None:
    with pytest.raises(ValidationError, match="surprise"):
        RemediationPolicy.model_validate({"surprise": 1})
    with pytest.raises(ValidationError, match="not in allowed_actions"):
        RemediationPolicy(remedy={"permission": "RETRY"})
    assert (
        RemediationPolicy().version()
        == RemediationPolicy().version()
        != RemediationPolicy(shadow=True).version()
    )


def test_every_decision_carries_what_a_replay_needs() -> None:
    d = run(failure(OOM))
    assert d.policy_version == RemediationPolicy().version() and d.engine_version
    assert d.rules_version.startswith("v1:") and d.task_keys == ["ingest"]
    assert d.error_excerpt.startswith("java.lang.OutOfMemoryError")
