"""The emulator's durable state: jobs, runs, idempotency tokens, id counters and the timeline outbox.

One SQLite file under `<state_dir>/emulator/`, WAL mode, one connection shared by the server's
threads behind a lock held by the caller (`Emulator`). Runs are JSON documents with a few indexed
columns; task run ids are indexed so `runs/get-output` finds the parent run.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from include.emulator.models import Job, Run

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS jobs (job_id INTEGER PRIMARY KEY, name_lower TEXT, deleted INTEGER NOT NULL, doc TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
    run_id INTEGER PRIMARY KEY, job_id INTEGER NOT NULL, active INTEGER NOT NULL, queued INTEGER NOT NULL,
    created_ms INTEGER NOT NULL, run_type TEXT NOT NULL, deleted INTEGER NOT NULL, doc TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS runs_active ON runs (active, job_id);
CREATE INDEX IF NOT EXISTS runs_job ON runs (job_id, created_ms);
CREATE TABLE IF NOT EXISTS task_runs (task_run_id INTEGER PRIMARY KEY, run_id INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS idempotency (token TEXT PRIMARY KEY, run_id INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, tbl TEXT NOT NULL, row TEXT NOT NULL, batch TEXT);
CREATE TABLE IF NOT EXISTS clusters (cluster_id TEXT PRIMARY KEY, run_id INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS submit_rules (run_name TEXT PRIMARY KEY, behaviour TEXT NOT NULL, failure_rate REAL NOT NULL);
"""


class StateStore:
    """Typed reads and writes of the emulator's SQLite file (caller holds `lock`)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.lock = threading.RLock()
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None, timeout=30)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)
        self._depth = 0

    def close(self) -> None:
        with self.lock:
            self._db.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One atomic unit (nested calls join the outer one)."""
        with self.lock:
            if self._depth == 0:
                self._db.execute("BEGIN IMMEDIATE")
            self._depth += 1
            try:
                yield
            except BaseException:
                self._depth -= 1
                if self._depth == 0:
                    self._db.execute("ROLLBACK")
                raise
            self._depth -= 1
            if self._depth == 0:
                self._db.execute("COMMIT")

    # -- meta and counters -----------------------------------------------------------------------
    def meta(self, key: str, default: str | None = None) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def set_meta(self, key: str, value: str) -> None:
        self._db.execute("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value", (key, value))

    def next_id(self, counter: str, floor: int) -> int:
        """Allocate the next id of a counter, never below `floor`."""
        current = int(self.meta(counter, "0") or 0)
        value = max(current + 1, floor)
        self.set_meta(counter, str(value))
        return value

    def raise_counter(self, counter: str, at_least: int) -> None:
        if int(self.meta(counter, "0") or 0) < at_least:
            self.set_meta(counter, str(at_least))

    # -- jobs --------------------------------------------------------------------------------------
    def put_job(self, job: Job) -> None:
        self._db.execute(
            "INSERT INTO jobs (job_id, name_lower, deleted, doc) VALUES (?, ?, ?, ?) ON CONFLICT(job_id) DO UPDATE "
            "SET name_lower = excluded.name_lower, deleted = excluded.deleted, doc = excluded.doc",
            (job.job_id, job.name.lower(), int(job.deleted), job.model_dump_json()),
        )

    def job(self, job_id: int) -> Job | None:
        row = self._db.execute("SELECT doc FROM jobs WHERE job_id = ?", (job_id,)).fetchone()
        return Job.model_validate_json(row[0]) if row else None

    def jobs(self, name: str | None = None, *, include_submit: bool = False) -> list[Job]:
        sql, args = "SELECT doc FROM jobs WHERE deleted = 0", []
        if name is not None:
            sql += " AND name_lower = ?"
            args.append(name.lower())
        jobs = [Job.model_validate_json(r[0]) for r in self._db.execute(sql + " ORDER BY job_id", args)]
        return [j for j in jobs if include_submit or j.source != "submit"]

    def max_job_id(self) -> int:
        row = self._db.execute("SELECT MAX(job_id) FROM jobs").fetchone()
        return int(row[0] or 0)

    # -- runs --------------------------------------------------------------------------------------
    def put_run(self, run: Run) -> None:
        self._db.execute(
            "INSERT INTO runs (run_id, job_id, active, queued, created_ms, run_type, deleted, doc) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT(run_id) DO UPDATE SET active = excluded.active, queued = excluded.queued, "
            "deleted = excluded.deleted, doc = excluded.doc",
            (run.run_id, run.job_id, int(run.active), int(run.queued), run.created_ms, run.run_type, int(run.deleted),
             run.model_dump_json()),
        )
        self._db.executemany(
            "INSERT OR IGNORE INTO task_runs (task_run_id, run_id) VALUES (?, ?)", [(t.run_id, run.run_id) for t in run.tasks]
        )

    def run(self, run_id: int, *, include_deleted: bool = False) -> Run | None:
        row = self._db.execute("SELECT doc, deleted FROM runs WHERE run_id = ?", (run_id,)).fetchone()
        if not row or (row[1] and not include_deleted):
            return None
        return Run.model_validate_json(row[0])

    def run_of_task(self, task_run_id: int) -> Run | None:
        row = self._db.execute("SELECT run_id FROM task_runs WHERE task_run_id = ?", (task_run_id,)).fetchone()
        return self.run(int(row[0])) if row else None

    def active_runs(self) -> list[Run]:
        rows = self._db.execute("SELECT doc FROM runs WHERE active = 1 AND deleted = 0 ORDER BY created_ms, run_id")
        return [Run.model_validate_json(r[0]) for r in rows]

    def runs(self, *, job_id: int | None, active: bool | None, run_type: str | None, start_from: int | None,
             start_to: int | None, offset: int, limit: int) -> tuple[list[Run], bool]:
        sql = "SELECT doc FROM runs WHERE deleted = 0"
        args: list[Any] = []
        for clause, value in (("job_id = ?", job_id), ("active = ?", None if active is None else int(active)),
                              ("run_type = ?", run_type), ("created_ms >= ?", start_from), ("created_ms <= ?", start_to)):
            if value is not None:
                sql += f" AND {clause}"
                args.append(value)
        sql += " ORDER BY created_ms DESC, run_id DESC LIMIT ? OFFSET ?"
        rows = self._db.execute(sql, [*args, limit + 1, offset]).fetchall()
        return [Run.model_validate_json(r[0]) for r in rows[:limit]], len(rows) > limit

    def count_runs(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM runs").fetchone()[0])

    def max_run_id(self) -> int:
        a = self._db.execute("SELECT MAX(run_id) FROM runs").fetchone()[0] or 0
        b = self._db.execute("SELECT MAX(task_run_id) FROM task_runs").fetchone()[0] or 0
        return int(max(a, b))

    def put_clusters(self, cluster_ids: list[str], run_id: int) -> None:
        self._db.executemany("INSERT OR IGNORE INTO clusters (cluster_id, run_id) VALUES (?, ?)", [(c, run_id) for c in cluster_ids])

    def run_of_cluster(self, cluster_id: str) -> Run | None:
        row = self._db.execute("SELECT run_id FROM clusters WHERE cluster_id = ?", (cluster_id,)).fetchone()
        return self.run(int(row[0]), include_deleted=True) if row else None

    # -- idempotency ---------------------------------------------------------------------------------
    def token_run(self, token: str) -> int | None:
        row = self._db.execute("SELECT run_id FROM idempotency WHERE token = ?", (token,)).fetchone()
        return int(row[0]) if row else None

    def put_token(self, token: str, run_id: int) -> None:
        self._db.execute("INSERT INTO idempotency (token, run_id) VALUES (?, ?)", (token, run_id))

    # -- submit-run behaviour rules ------------------------------------------------------------------
    def submit_rule(self, run_name: str) -> tuple[str, float] | None:
        row = self._db.execute("SELECT behaviour, failure_rate FROM submit_rules WHERE run_name = ?", (run_name,)).fetchone()
        return (row[0], float(row[1])) if row else None

    def put_submit_rule(self, run_name: str, behaviour: str, failure_rate: float) -> None:
        self._db.execute(
            "INSERT INTO submit_rules (run_name, behaviour, failure_rate) VALUES (?, ?, ?) ON CONFLICT(run_name) "
            "DO UPDATE SET behaviour = excluded.behaviour, failure_rate = excluded.failure_rate",
            (run_name, behaviour, failure_rate),
        )

    # -- timeline outbox -----------------------------------------------------------------------------
    def enqueue_rows(self, rows: list[tuple[str, dict[str, Any]]]) -> None:
        self._db.executemany("INSERT INTO outbox (tbl, row) VALUES (?, ?)", [(t, json.dumps(r)) for t, r in rows])

    def outbox(self) -> list[tuple[int, str, dict[str, Any], str | None]]:
        rows = self._db.execute("SELECT id, tbl, row, batch FROM outbox ORDER BY id").fetchall()
        return [(int(i), t, json.loads(r), b) for i, t, r, b in rows]

    def mark_batch(self, ids: list[int], batch: str) -> None:
        self._db.executemany("UPDATE outbox SET batch = ? WHERE id = ?", [(batch, i) for i in ids])

    def drop_outbox(self, ids: list[int]) -> None:
        self._db.executemany("DELETE FROM outbox WHERE id = ?", [(i,) for i in ids])

    def outbox_size(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM outbox").fetchone()[0])
