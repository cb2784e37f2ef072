"""Write every finished run, repair and task attempt to the lakehouse's job timelines.

Rows use the system tables' vocabulary (`SUCCEEDED`, `FAILED`, `CANCELLED`, ...) and exact
schemas. They are queued durably in the emulator's SQLite outbox at the transition and written
to Delta in batches (one append commit per table per flush), after a short debounce and on
shutdown. A flush interrupted by a crash is finished on the next start without duplicating rows.
"""

from __future__ import annotations

import logging
import threading
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from include.emulator.lifecycle import Finished
from include.emulator.models import Run, StateRec
from include.emulator.state import StateStore
from include.lakehouse.delta_store import open_table, table_exists, with_commit_retries, write_table
from include.lakehouse.schema import system_table_schema

log = logging.getLogger(__name__)

RUN_TIMELINE = "system.lakeflow.job_run_timeline"
TASK_TIMELINE = "system.lakeflow.job_task_run_timeline"
HOUR_MS = 3_600_000

_RESULT = {"SUCCESS": "SUCCEEDED", "FAILED": "FAILED", "TIMEDOUT": "TIMED_OUT", "CANCELED": "CANCELLED",
           "UPSTREAM_FAILED": "SKIPPED", "UPSTREAM_CANCELED": "SKIPPED", "EXCLUDED": "SKIPPED",
           "MAXIMUM_CONCURRENT_RUNS_REACHED": "SKIPPED", "SUCCESS_WITH_FAILURES": "SUCCEEDED", "DISABLED": "SKIPPED"}
_CODE = {"USER_CANCELED": "CANCELLED", "CANCELED": "CANCELLED"}
_TRIGGER = {"PERIODIC": "CRON", "ONE_TIME": "ONETIME", "RETRY": "ONETIME_RETRY", "FILE_ARRIVAL": "FILE_ARRIVAL",
            "CONTINUOUS": "CONTINUOUS"}


def system_result(state: StateRec) -> str | None:
    """REST result/life-cycle -> the system tables' `result_state` (see databricks.md §1.6)."""
    if state.life_cycle == "INTERNAL_ERROR":
        return "ERROR"
    if state.life_cycle == "BLOCKED":
        return "BLOCKED"
    if state.result is None:
        return None
    return _RESULT.get(state.result, state.result)


def system_code(state: StateRec) -> str | None:
    return _CODE.get(state.code or "", state.code) if state.code else None


def _slices(start_ms: int, end_ms: int) -> list[tuple[int, int]]:
    """Hour-bounded slices of [start, end], like the real timelines."""
    end_ms = max(end_ms, start_ms)
    cuts = [start_ms]
    boundary = (start_ms // HOUR_MS + 1) * HOUR_MS
    while boundary < end_ms:
        cuts.append(boundary)
        boundary += HOUR_MS
    cuts.append(end_ms)
    return list(zip(cuts[:-1], cuts[1:], strict=True)) or [(start_ms, end_ms)]


def _compute(cluster_ids: list[str]) -> list[dict[str, Any]]:
    return [{"type": "CLUSTER", "cluster_id": c, "warehouse_id": None} for c in cluster_ids]


def _seconds(ms: int) -> int:
    return max(0, round(ms / 1000))


def rows_for(event: Finished, account_id: str) -> list[tuple[str, dict[str, Any]]]:
    """Timeline rows (one per hour slice) for one finished task attempt or wave."""
    run: Run = event.run
    rows: list[tuple[str, dict[str, Any]]] = []
    base = {"account_id": account_id, "workspace_id": run.workspace_id, "job_id": str(run.job_id)}
    if event.kind == "task" and event.task is not None:
        task = event.task
        wave = next((w for w in run.waves if w.id == task.wave), run.waves[-1])
        cluster = wave.cluster_ids.get(task.cluster_key or "") if task.cluster_key else None
        ids = [cluster] if cluster else []
        start = task.start_ms or task.end_ms
        slices = _slices(start, task.end_ms)
        for i, (lo, hi) in enumerate(slices):
            final = i == len(slices) - 1
            rows.append((TASK_TIMELINE, {
                **base, "run_id": str(task.run_id), "job_run_id": str(run.run_id), "parent_run_id": str(run.run_id),
                "period_start_time": lo, "period_end_time": hi, "task_key": task.task_key, "compute_ids": ids,
                "result_state": system_result(task.state) if final else None,
                "termination_code": system_code(task.state) if final else None, "compute": _compute(ids),
                "termination_type": task.state.type if final else None,
                "task_parameters": dict(wave.job_parameters) or None,
                "setup_duration_seconds": _seconds(task.exec_start_ms - task.start_ms) if final and task.exec_start_ms else (0 if final else None),
                "cleanup_duration_seconds": 0 if final else None,
                "execution_duration_seconds": _seconds(task.end_ms - task.exec_start_ms) if final and task.exec_start_ms else (0 if final else None),
            }))
    elif event.wave is not None:
        wave = event.wave
        ids = sorted(set(wave.cluster_ids.values()))
        start = wave.start_ms or wave.end_ms
        queue_ms = (wave.start_ms - run.created_ms) if wave.type == "ORIGINAL" and wave.start_ms else 0
        slices = _slices(start, wave.end_ms)
        params = {k: {"value": v} for k, v in wave.job_parameters.items()} or None
        for i, (lo, hi) in enumerate(slices):
            final = i == len(slices) - 1
            rows.append((RUN_TIMELINE, {
                **base, "run_id": str(run.run_id), "period_start_time": lo, "period_end_time": hi,
                "trigger_type": _TRIGGER.get(run.trigger, "ONETIME"), "result_state": system_result(wave.state) if final else None,
                "run_type": run.run_type, "run_name": run.run_name, "compute_ids": ids,
                "termination_code": system_code(wave.state) if final else None, "job_parameters": params,
                "source_task_run_id": None, "root_task_run_id": None, "compute": _compute(ids),
                "termination_type": wave.state.type if final else None,
                "setup_duration_seconds": _seconds(wave.setup_end_ms - wave.start_ms) if final and wave.start_ms else None,
                "queue_duration_seconds": _seconds(queue_ms) if final else None,
                "run_duration_seconds": _seconds(wave.end_ms - start) if final else None,
                "cleanup_duration_seconds": 0 if final else None,
                "execution_duration_seconds": _seconds(wave.end_ms - max(wave.setup_end_ms, start)) if final else None,
            }))
    return rows


def _to_arrow(table: str, rows: list[dict[str, Any]]) -> pa.Table:
    schema = system_table_schema(table)
    converted = []
    for row in rows:
        out = dict(row)
        for col in ("period_start_time", "period_end_time"):
            out[col] = datetime.fromtimestamp(row[col] / 1000, tz=UTC)
        if out.get("job_parameters"):
            out["job_parameters"] = [(k, list(v.items())) for k, v in row["job_parameters"].items()]
        if out.get("task_parameters"):
            out["task_parameters"] = list(row["task_parameters"].items())
        converted.append(out)
    return pa.Table.from_pylist(converted, schema=schema)


def _already_written(root: Path, table: str, rows: list[dict[str, Any]]) -> set[tuple[str, int]]:
    """(run_id, period_start ms) of rows a crashed flush may already have committed."""
    if not rows or not table_exists(root, table):
        return set()
    ids = sorted({r["run_id"] for r in rows})
    data = open_table(root, table).to_pyarrow_dataset().to_table(
        columns=["run_id", "period_start_time"], filter=pc.field("run_id").isin(ids)
    )
    starts = pc.cast(data["period_start_time"], pa.int64()).to_pylist()
    return {(rid, int(us // 1000)) for rid, us in zip(data["run_id"].to_pylist(), starts, strict=True)}


class TimelineWriter:
    """Flushes the outbox to Delta: one commit per table per flush."""

    def __init__(self, root: Path, store: StateStore) -> None:
        self.root = root
        self.store = store
        self._flush_lock = threading.Lock()
        self.commits = 0
        self.rows_written = 0

    def flush(self) -> int:
        """Write everything queued; returns the number of rows written."""
        with self._flush_lock:
            with self.store.transaction():
                pending = self.store.outbox()
                resumed = {i for i, _, _, batch in pending if batch}
                batch = uuid.uuid4().hex
                self.store.mark_batch([i for i, _, _, b in pending if not b], batch)
            if not pending:
                return 0
            written = 0
            for table in (RUN_TIMELINE, TASK_TIMELINE):
                items = [(i, row) for i, tbl, row, _ in pending if tbl == table]
                if not items:
                    continue
                present = _already_written(self.root, table, [r for i, r in items if i in resumed])
                rows = [r for i, r in items if not (i in resumed and (r["run_id"], r["period_start_time"]) in present)]
                if rows:
                    data = _to_arrow(table, rows)
                    with_commit_retries(lambda t=table, d=data: write_table(self.root, t, d, d.schema, mode="append"))
                    self.commits += 1
                    written += len(rows)
            with self.store.transaction():
                self.store.drop_outbox([i for i, _, _, _ in pending])
            self.rows_written += written
            log.info("wrote %d timeline rows to %s", written, self.root)
            return written


def max_timeline_run_id(root: Path) -> int:
    """The largest numeric run id already in either timeline (new ids must not collide)."""
    best = 0
    for table in (RUN_TIMELINE, TASK_TIMELINE):
        if not table_exists(root, table):
            continue
        columns = ["run_id", "job_run_id"] if table == TASK_TIMELINE else ["run_id"]
        data = open_table(root, table).to_pyarrow_dataset().to_table(columns=columns)
        for name in columns:
            col = pc.drop_null(data[name])
            digits = pc.filter(col, pc.utf8_is_digit(col))
            if len(digits):
                best = max(best, int(pc.max(pc.cast(digits, pa.int64())).as_py()))
    return best
