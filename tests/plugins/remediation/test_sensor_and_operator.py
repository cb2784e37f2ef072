"""`FailedRunSensor` defers at once with the planned window; `RemediationActOperator` defers for backoff.

The operators are called the way the task runner calls them (`execute(context)`, then the
`execute_complete` named in the deferral); the window they plan comes from a real Delta ledger.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from airflow.sdk.exceptions import TaskDeferred
from lakepilot_airflow.remediation.operators import RemediationActOperator
from lakepilot_airflow.remediation.sensor import SCAN_XCOM_KEY, FailedRunSensor
from lakepilot_airflow.remediation.trigger import FailedRunTrigger

from include.ops.models import RemediationDecision
from include.ops.store import LocalOpsStore
from include.remediation.watermark import RemediationWatermark


class FakeTI:
    """The bits of a task instance the operators use."""

    def __init__(self, try_number: int = 1, max_tries: int = 2) -> None:
        self.try_number = try_number
        self.max_tries = max_tries
        self.pushed: dict[str, Any] = {}

    def xcom_push(self, key: str, value: Any) -> None:
        self.pushed[key] = value


def _context(conf: dict[str, Any] | None = None, **ti: Any) -> dict[str, Any]:
    return {"dag_run": SimpleNamespace(conf=conf or {}), "ti": FakeTI(**ti), "run_id": "manual__test"}


def _decision(run_id: str, attempt: int = 0, **values: Any) -> RemediationDecision:
    base: dict[str, Any] = {"run_id": run_id, "attempt": attempt, "job_id": "77", "fingerprint": "f" * 16,
                            "category": "network", "action": "RETRY", "confidence": 0.9, "reason": "test"}
    base.update(values)
    return RemediationDecision(**base)


def test_sensor_defers_immediately_with_the_window_from_the_watermark(lakehouse, monkeypatch) -> None:
    monkeypatch.setenv("LAKEPILOT_REMEDIATION_OVERLAP_MINUTES", "10")
    monkeypatch.setenv("LAKEPILOT_REMEDIATION_WAIT_SECONDS", "90")
    monkeypatch.setenv("LAKEPILOT_REMEDIATION_POLL_SECONDS", "5")
    store = LocalOpsStore(lakehouse)
    mark = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=5)
    store.upsert([RemediationWatermark(scope="databricks_default", watermark=mark)])
    now = datetime.now(UTC)
    store.upsert([_decision("11", decided_at=now), _decision("12", 1, outcome="acted", decided_at=now),
                  _decision("13", shadow=True, outcome="acted", decided_at=now)])

    sensor = FailedRunSensor(task_id="detect_failed_runs")
    before = time.time()
    with pytest.raises(TaskDeferred) as deferred:
        sensor.execute(_context())
    assert deferred.value.method_name == "execute_complete"
    trigger = deferred.value.trigger
    assert isinstance(trigger, FailedRunTrigger)
    _, kwargs = trigger.serialize()
    since = mark - timedelta(minutes=10)
    assert kwargs["since_ms"] == int(since.timestamp() * 1000)
    assert kwargs["list_from_ms"] == int((since - timedelta(hours=24)).timestamp() * 1000)
    assert kwargs["known"] == ["11:0", "12:1", "13:0"]
    assert kwargs["watch_runs"] == ["12"]  # acted live decisions only, not shadow
    assert kwargs["poll_seconds"] == 5.0 and kwargs["databricks_conn_id"] == "databricks_default"
    assert before + 90 - 0.002 <= kwargs["deadline_ms"] / 1000 <= time.time() + 90  # ms resolution
    assert deferred.value.timeout == timedelta(seconds=90 + 120)


def test_sensor_conf_can_rescan_from_a_time_and_not_wait(lakehouse) -> None:
    sensor = FailedRunSensor(task_id="detect_failed_runs")
    with pytest.raises(TaskDeferred) as deferred:
        sensor.execute(_context({"since": "2026-01-02T03:04:05Z", "wait_seconds": 0}))
    _, kwargs = deferred.value.trigger.serialize()
    assert kwargs["since_ms"] == int(datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC).timestamp() * 1000)
    assert kwargs["deadline_ms"] <= time.time() * 1000 + 50


@pytest.mark.parametrize("conf, error", [
    ({"since": "yesterday"}, "conf.since 'yesterday' is not an ISO"),
    ({"wait_seconds": "soon"}, "wait_seconds 'soon' is not a whole number"),
    ({"wait_seconds": 99999}, "between 0 and 3600"),
])
def test_sensor_refuses_bad_conf_by_name(lakehouse, conf: dict, error: str) -> None:
    with pytest.raises(ValueError, match=error):
        FailedRunSensor(task_id="detect_failed_runs").execute(_context(conf))


def test_sensor_completion_hands_on_failures_and_records_the_scan() -> None:
    sensor = FailedRunSensor(task_id="detect_failed_runs")
    context = _context()
    failures = [{"run_id": "5", "attempt": 0, "job_id": "1"}]
    out = sensor.execute_complete(context, {"status": "found", "failures": failures, "scanned_until": 123,
                                            "listed": 9, "polls": 2})
    assert out == failures
    assert context["ti"].pushed[SCAN_XCOM_KEY] == {"scanned_until_ms": 123, "found": 1, "listed": 9, "polls": 2,
                                                   "status": "found"}
    from airflow.exceptions import AirflowException

    with pytest.raises(AirflowException, match="HTTP 503"):
        sensor.execute_complete(_context(), {"status": "error", "message": "HTTP 503", "failures": []})


def test_act_operator_defers_for_a_short_backoff_then_acts(lakehouse, monkeypatch) -> None:
    from airflow.providers.standard.triggers.temporal import DateTimeTrigger

    monkeypatch.setenv("LAKEPILOT_REMEDIATION_MAX_INLINE_WAIT_SECONDS", "120")
    store = LocalOpsStore(lakehouse)
    not_before = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=60)
    store.upsert([_decision("21", not_before=not_before)])
    op = RemediationActOperator(task_id="act", decision={"run_id": "21", "attempt": 0, "decision_id": "x"})
    with pytest.raises(TaskDeferred) as deferred:
        op.execute(_context())
    assert isinstance(deferred.value.trigger, DateTimeTrigger)
    assert deferred.value.trigger.moment == not_before and deferred.value.method_name == "execute_complete"


def test_act_operator_leaves_a_long_backoff_to_a_later_run(lakehouse, monkeypatch) -> None:
    monkeypatch.setenv("LAKEPILOT_REMEDIATION_MAX_INLINE_WAIT_SECONDS", "120")
    store = LocalOpsStore(lakehouse)
    store.upsert([_decision("22", not_before=datetime.now(UTC) + timedelta(hours=1))])
    op = RemediationActOperator(task_id="act", decision={"run_id": "22", "attempt": 0, "decision_id": "x"})
    result = op.execute(_context())
    assert (result["status"], result["outcome"]) == ("waiting", "pending")


def test_act_operator_records_error_only_on_the_last_try(lakehouse, monkeypatch) -> None:
    from include.devstack.procs import free_port
    from include.remediation.acting import load_decision
    from tests.include.remediation.support import connection

    monkeypatch.setenv("AIRFLOW_CONN_DATABRICKS_DEFAULT", connection(free_port()))  # nothing listens
    store = LocalOpsStore(lakehouse)
    store.upsert([_decision("23")])
    op = RemediationActOperator(task_id="act", decision={"run_id": "23", "attempt": 0, "decision_id": "x"})
    monkeypatch.setattr("lakepilot_airflow.remediation.runtime.jobs", _unreachable_jobs)
    with pytest.raises(Exception, match="refused|unreachable"):
        op.execute(_context(try_number=1, max_tries=2))
    assert load_decision(store, "23", 0).outcome == "pending"
    with pytest.raises(Exception, match="refused|unreachable"):
        op.execute(_context(try_number=3, max_tries=2))
    row = load_decision(store, "23", 0)
    assert row.outcome == "error" and "unreachable" in (row.act_detail or "")


def _unreachable_jobs(conn_id: str) -> Any:
    from include.remediation.jobs_client import JobsApiError

    class Unreachable:
        def __getattr__(self, name: str) -> Any:
            def fail(*_a: Any, **_k: Any) -> Any:
                raise JobsApiError("Jobs API unreachable: connection refused")

            return fail

    return Unreachable()


def test_act_operator_without_a_decision_does_nothing() -> None:
    op = RemediationActOperator(task_id="act", decision={"status": "moved_on", "run_id": "9", "attempt": 0,
                                                         "note": "run moved on"})
    assert op.execute(_context())["status"] == "done"
