"""Timeline rows: hour slices, vocabulary, and an interrupted flush finished without duplicates."""

from __future__ import annotations

from datetime import UTC, datetime

from include.emulator.lifecycle import Finished
from include.emulator.models import Run, StateRec, TaskRun, Wave
from include.emulator.state import StateStore
from include.emulator.timeline import (
    RUN_TIMELINE,
    TASK_TIMELINE,
    TimelineWriter,
    _to_arrow,
    max_timeline_run_id,
    rows_for,
)
from include.lakehouse.delta_store import read_table, write_table
from include.lakehouse.schema import system_table_schema


def _ms(hour: int, minute: int) -> int:
    return int(datetime(2026, 3, 1, hour, minute, tzinfo=UTC).timestamp() * 1000)


def _run() -> Run:
    failed = StateRec(life_cycle="TERMINATED", result="FAILED", message="boom", code="RUN_EXECUTION_ERROR", type="CLIENT_ERROR")
    wave = Wave(id=10, created_ms=_ms(0, 20), start_ms=_ms(0, 30), setup_end_ms=_ms(0, 35), end_ms=_ms(2, 10), state=failed,
                task_run_ids=[11], job_parameters={"day": "2026-03-01"}, cluster_ids={"job:main": "0301-003000-abcd1234"})
    task = TaskRun(run_id=11, task_key="main", wave=10, cluster_key="job:main", state=failed, start_ms=_ms(0, 30),
                   exec_start_ms=_ms(0, 35), end_ms=_ms(2, 10))
    return Run(run_id=10, job_id=3, workspace_id="7001", run_name="nightly", number_in_job=1, creator="x",
               created_ms=_ms(0, 20), state=failed, end_ms=_ms(2, 10), tasks=[task], waves=[wave])


def test_long_runs_are_sliced_by_hour_with_the_result_on_the_last_slice() -> None:
    run = _run()
    rows = [r for _, r in rows_for(Finished("wave", run, wave=run.waves[0]), "acct")]
    assert [(r["period_start_time"], r["period_end_time"]) for r in rows] == [
        (_ms(0, 30), _ms(1, 0)), (_ms(1, 0), _ms(2, 0)), (_ms(2, 0), _ms(2, 10))]
    assert [r["result_state"] for r in rows] == [None, None, "FAILED"]
    assert rows[-1]["termination_code"] == "RUN_EXECUTION_ERROR" and rows[-1]["queue_duration_seconds"] == 600
    assert rows[-1]["run_duration_seconds"] == 100 * 60 and rows[-1]["compute_ids"] == ["0301-003000-abcd1234"]
    task_rows = [r for _, r in rows_for(Finished("task", run, task=run.tasks[0]), "acct")]
    assert len(task_rows) == 3 and task_rows[-1]["job_run_id"] == "10" and task_rows[-1]["setup_duration_seconds"] == 300
    table = _to_arrow(RUN_TIMELINE, rows)
    assert table.schema == system_table_schema(RUN_TIMELINE)
    assert table.column("job_parameters").to_pylist()[0] == [("day", [("value", "2026-03-01")])]


def test_an_interrupted_flush_is_finished_without_duplicates(lakehouse, tmp_path) -> None:
    run = _run()
    store = StateStore(tmp_path / "state.db")
    events = [Finished("wave", run, wave=run.waves[0]), Finished("task", run, task=run.tasks[0])]
    with store.transaction():
        store.enqueue_rows([row for e in events for row in rows_for(e, "acct")])
    # a previous process marked the batch and committed the run rows, then died before clearing the outbox
    pending = store.outbox()
    with store.transaction():
        store.mark_batch([i for i, *_ in pending], "crashed-batch")
    run_rows = [row for _, tbl, row, _ in pending if tbl == RUN_TIMELINE]
    write_table(lakehouse, RUN_TIMELINE, _to_arrow(RUN_TIMELINE, run_rows), system_table_schema(RUN_TIMELINE), mode="append")

    writer = TimelineWriter(lakehouse, store)
    assert writer.flush() == 3  # only the task rows were still missing
    assert writer.flush() == 0 and store.outbox_size() == 0
    assert read_table(lakehouse, RUN_TIMELINE).num_rows == 3 and read_table(lakehouse, TASK_TIMELINE).num_rows == 3
    assert max_timeline_run_id(lakehouse) == 11
    store.close()
