"""The ledger is the state: decisions go through the real local Delta ops store and survive restarts."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from include.ops.models import RemediationDecision
from include.ops.store import LocalOpsStore
from include.remediation.policy import RemediationPolicy
from include.remediation.service import record_decision
from tests.agents.remediation.conftest import NOW, failure

NET = "java.net.SocketException: Connection reset by peer"


def test_retried_task_writes_one_row_and_returns_the_same_decision(lakehouse: Path) -> None:
    store = LocalOpsStore(lakehouse)
    first = record_decision(failure(NET), store, now=NOW)
    again = record_decision(failure(NET), store, now=NOW + timedelta(minutes=7))
    rows = store.read(RemediationDecision)
    assert len(rows) == 1 and again.decision_id == first.decision_id and again.decided_at == first.decided_at
    assert rows[0].action == "RETRY" and rows[0].rule_ids == ["connection-reset"]
    assert rows[0].not_before == NOW + timedelta(seconds=60)


def test_retry_limit_and_backoff_survive_a_restart(lakehouse: Path) -> None:
    policy = RemediationPolicy()
    for attempt in range(3):
        # A fresh store object per attempt: nothing is carried in memory between decisions.
        record_decision(
            failure(NET, attempt=attempt),
            LocalOpsStore(lakehouse),
            policy,
            NOW + timedelta(minutes=10 * attempt),
        )
    final = record_decision(
        failure(NET, attempt=3), LocalOpsStore(lakehouse), policy, NOW + timedelta(minutes=40)
    )
    assert final.action == "ESCALATE" and final.guard == "retry_limit"
    rows = sorted(
        LocalOpsStore(lakehouse).read(RemediationDecision, {"run_id": "1001"}), key=lambda d: d.attempt
    )
    assert [d.action for d in rows] == ["RETRY", "RETRY", "RETRY", "ESCALATE"]
    assert [d.not_before - d.decided_at for d in rows[:3]] == [timedelta(seconds=s) for s in (60, 120, 240)]


def test_decision_fields_round_trip_through_delta(lakehouse: Path) -> None:
    store = LocalOpsStore(lakehouse)
    d = record_decision(failure("java.lang.OutOfMemoryError: Java heap space"), store, now=NOW)
    (row,) = store.read(RemediationDecision)
    assert row.model_dump() == d.model_dump()
    assert row.params_change == {"node_type_id": "i3.2xlarge"}
