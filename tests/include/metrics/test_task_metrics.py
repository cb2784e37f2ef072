"""Durations recorded by the `timed` helper land in `lakepilot.ops.task_metrics`, once per run."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from include.metrics.task_metrics import TaskDuration, record_duration, timed
from include.ops.store import LocalOpsStore


def test_timed_records_ok_and_error_and_retries_update_one_row(lakehouse) -> None:
    store = LocalOpsStore(lakehouse)
    with timed("triage", "pattern", run_key="r1:1", store=store):
        pass
    with pytest.raises(ValueError), timed("triage", "llm", run_key="r2:1", store=store):
        raise ValueError("agent failed")
    record_duration("triage", "pattern", 3.0, run_key="r1:1", store=store)  # a retried task
    rows = {(r.name, r.run_key): r for r in store.read(TaskDuration)}
    assert set(rows) == {("pattern", "r1:1"), ("llm", "r2:1")}
    assert rows[("pattern", "r1:1")].duration_s == 3.0
    assert rows[("llm", "r2:1")].status == "error"


def test_default_run_key_comes_from_the_airflow_task(lakehouse, monkeypatch) -> None:
    monkeypatch.setenv("AIRFLOW_CTX_DAG_RUN_ID", "manual__1")
    monkeypatch.setenv("AIRFLOW_CTX_TASK_ID", "triage")
    record = record_duration("triage", "pattern", 0.5)  # default store: the local lakehouse
    assert record.run_key == "manual__1:triage"
    assert LocalOpsStore(lakehouse).read(TaskDuration)[0].task_id == "triage"


@pytest.mark.parametrize("kind", ["Triage", "tri age", "", "x" * 80])
def test_names_are_checked(kind: str) -> None:
    with pytest.raises(ValidationError):
        TaskDuration(kind=kind, name="pattern", run_key="k", duration_s=1)


def test_a_recording_failure_does_not_mask_the_block(lakehouse) -> None:
    class Broken:
        def upsert(self, records):
            raise OSError("disk full")

    with timed("triage", "pattern", run_key="k", store=Broken()):
        value = 42
    assert value == 42
