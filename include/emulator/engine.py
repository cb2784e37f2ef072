"""The emulator's core: runs move forward in time, queued runs start, schedules fire, timelines fill.

All state changes happen under one lock (the state store's), inside SQLite transactions; a
background thread ticks every `tick_interval_s`, and every API call also brings state up to date
first, so answers never lag behind the clock. Active runs are cached in memory.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from include.emulator.failure_messages import ErrorContext
from include.emulator.failures import ClusterShape, Outcome, decide, numbers, unit
from include.emulator.faults import FaultInjector
from include.emulator.job_settings import levels
from include.emulator.lifecycle import Finished, advance, start_wave
from include.emulator.models import Job, Run, StateRec, TaskRun, Wave
from include.emulator.node_types import node_memory_gb
from include.emulator.scheduler import ScheduleClock
from include.emulator.state import StateStore
from include.emulator.timeline import TimelineWriter, rows_for
from include.schedules import latest_fire

log = logging.getLogger(__name__)

DEFAULT_TOKEN = "dapi-lakepilot-local"  # noqa: S105 - documented local-only default
ENV_TOKEN = "LAKEPILOT_EMULATOR_TOKEN"  # noqa: S105 - the name of an env var, not a secret
RUN_ID_FLOOR = 1_000_000_000_000
DEFAULT_WORKSPACE = "1000000000000001"
DEFAULT_ACCOUNT = "00000000-0000-4000-8000-00000000local"


class EmulatorConfig(BaseModel):
    """How one emulator instance runs."""

    lakehouse: Path
    state_path: Path
    token: str = DEFAULT_TOKEN
    client_id: str = "lakepilot-local-sp"  # the service principal (include/emulator/oauth.py)
    client_secret: str = "lakepilot-local-sp-secret"  # noqa: S105 - documented local-only default
    sql_chunk_rows: int = 20_000  # rows per result chunk of the SQL Statement Execution API
    speed: float = 60.0  # real durations are divided by this
    setup_seconds: float = 240.0  # a job cluster's start-up time before compression
    scheduler: bool = True
    schedule_speed: float = 1.0
    tick_interval_s: float = 0.25
    flush_debounce_s: float = 1.0
    base_url: str = "http://127.0.0.1"


def now_ms() -> int:
    return int(time.time() * 1000)


def cluster_id_for(created_ms: int, *parts: object) -> str:
    stamp = datetime.fromtimestamp(created_ms / 1000, tz=UTC)
    digest = hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:8]
    return f"{stamp:%m%d-%H%M%S}-{digest}"


class EmulatorCore:
    """State, clock and background work shared by the Jobs API and the control API."""

    def __init__(self, config: EmulatorConfig) -> None:
        if config.speed <= 0:
            raise ValueError(f"speed must be > 0, not {config.speed}")
        self.config = config
        self.store = StateStore(config.state_path)
        self.timelines = TimelineWriter(config.lakehouse, self.store)
        self.clock = ScheduleClock(config.schedule_speed)
        self.seed = 0
        self.account_id = DEFAULT_ACCOUNT
        self.workspace_id = DEFAULT_WORKSPACE
        self.existing_clusters: dict[str, dict[str, Any]] = {}
        self._active: dict[int, Run] = {}
        self._last_end: dict[int, int] = {}  # job id -> when its latest run ended (queued runs start then)
        self._jobs: dict[int, Job] = {}
        self._last_schedule_check = self.clock.now()
        self._flush_due: float | None = None
        self._next_schedule_check = 0.0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.started_at = time.time()
        self.faults = FaultInjector()  # test-only faults (/_emulator/faults); off by default

    # -- life cycle -------------------------------------------------------------------------------
    def start_background(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="emulator-ticker", daemon=True)
        self._thread.start()

    def close(self) -> None:
        """Stop ticking, write every queued timeline row, close the state file."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        try:
            with self.store.lock:
                self._advance(now_ms())
            self.timelines.flush()
        finally:
            self.store.close()

    def _loop(self) -> None:
        while not self._stop.wait(self.config.tick_interval_s):
            try:
                self.tick()
            except Exception:  # the ticker must survive anything; the next tick retries
                log.exception("emulator tick failed")

    def tick(self, schedule_advance_s: float = 0.0, *, force_flush: bool = False) -> dict[str, int]:
        """Fire due schedules, move runs forward, and flush timelines when due."""
        with self.store.lock:
            if schedule_advance_s:
                self.clock.jump(schedule_advance_s)
            fired = 0
            if schedule_advance_s or (self.config.scheduler and time.monotonic() >= self._next_schedule_check):
                self._next_schedule_check = time.monotonic() + 1.0  # cron has one-second resolution
                with self.store.transaction():
                    fired = self._fire_schedules()
            finished = self._advance(now_ms())
        written = 0
        due = self._flush_due is not None and time.monotonic() >= self._flush_due
        if force_flush or due:
            self._flush_due = None
            written = self.timelines.flush()
        return {"scheduled_runs": fired, "finished": finished, "timeline_rows_written": written}

    # -- cached access ----------------------------------------------------------------------------
    def job(self, job_id: int) -> Job | None:
        if job_id not in self._jobs:
            job = self.store.job(job_id)
            if job is None:
                return None
            self._jobs[job_id] = job
        return self._jobs[job_id]

    def save_job(self, job: Job) -> None:
        self.store.put_job(job)
        self._jobs[job.job_id] = job

    def save_run(self, run: Run) -> None:
        self.store.put_run(run)
        self.store.put_clusters([c for w in run.waves for k, c in w.cluster_ids.items() if not k.startswith("existing:")], run.run_id)
        if run.active:
            self._active[run.run_id] = run
        else:
            self._active.pop(run.run_id, None)

    def load_active(self) -> None:
        """Load active runs and every job into memory (all later changes go through save_*)."""
        self._active = {r.run_id: r for r in self.store.active_runs()}
        self._jobs = {j.job_id: j for j in self.store.jobs()}

    def run(self, run_id: int) -> Run | None:
        return self._active.get(run_id) or self.store.run(run_id)

    # -- timing -------------------------------------------------------------------------------------
    def setup_ms(self, run_id: int, wave_id: int) -> int:
        factor = 0.75 + 0.5 * unit(self.seed, "setup", run_id, wave_id)
        return max(20, int(self.config.setup_seconds * factor / self.config.speed * 1000))

    def exec_ms(self, run: Run, task: TaskRun) -> int:
        job = self.job(run.job_id)
        typical = job.typical_duration_s if job else 600
        depth = levels([{"task_key": t.task_key, "depends_on": [{"task_key": d} for d in t.depends_on]}
                        for t in run.latest_attempts().values()])
        factor = 0.8 + 0.4 * unit(self.seed, "exec", run.run_id, task.run_id)
        return max(20, int(typical / max(depth, 1) * factor / self.config.speed * 1000))

    # -- outcomes ------------------------------------------------------------------------------------
    def decide(self, run: Run, task: TaskRun, wave: Wave) -> Outcome:
        job = self.job(run.job_id)
        if job is None or not run.affected:
            return Outcome(succeeded=True, behaviour="none")
        behaviour = job.behaviour
        hit = (not task.depends_on) if behaviour == "capacity" else task.task_key == run.failing_task
        if not hit:
            return Outcome(succeeded=True, behaviour="none")
        spec = wave.clusters.get(task.cluster_key or "", {})
        current = ClusterShape.from_spec(spec)
        notebook = (task.spec.get("notebook_task") or {}).get("notebook_path") or f"/Workspace/Jobs/{job.name}/{task.task_key}"
        ctx = ErrorContext(
            job_name=job.name, task_key=task.task_key, notebook_path=notebook, team=job.team,
            node_type_id=current.node_type_id or "i3.xlarge", cluster_id=wave.cluster_ids.get(task.cluster_key or "", "serverless"),
            run_as=job.run_as, node_memory_gb=node_memory_gb(current.node_type_id),
            numbers=numbers(self.seed, job.job_id, task.task_key), reads=job.reads,
        )
        return decide(
            behaviour, affected=True, seed=self.seed, job_id=job.job_id, run_id=run.run_id,
            # an injected outage: every attempt fails like the first one (repairs do not help)
            attempt=0 if self.faults.in_outage(job.job_id) else task.attempt,
            current=current, baseline=job.baseline, params=wave.job_parameters, ctx=ctx,
        )

    # -- progression ---------------------------------------------------------------------------------
    def start_or_queue(self, run: Run, job: Job, at_ms: int) -> None:
        """Start a new run's first wave now, or queue/skip it at the job's concurrency limit."""
        wave = run.waves[0]
        limit = int(job.settings.get("max_concurrent_runs") or 1)
        running = sum(1 for r in self._active.values() if r.job_id == job.job_id and not r.queued and r.run_id != run.run_id)
        if run.run_type != "JOB_RUN" or running < limit:
            start_wave(run, wave, at_ms, self.setup_ms(run.run_id, wave.id))
            return
        if (job.settings.get("queue") or {}).get("enabled"):
            run.queued = True
            run.state = StateRec(life_cycle="QUEUED", message=f"Queued due to reaching maximum concurrent runs of {limit}.")
            return
        message = f"Skipping this run because the limit of {limit} maximum concurrent runs has been reached."
        run.state = StateRec(life_cycle="SKIPPED", result="MAXIMUM_CONCURRENT_RUNS_REACHED", message=message,
                             code="MAX_CONCURRENT_RUNS_EXCEEDED", type="CLIENT_ERROR")
        for task in run.tasks:
            task.state = StateRec(life_cycle="SKIPPED", result="MAXIMUM_CONCURRENT_RUNS_REACHED", message=message)
        wave.state, wave.end_ms, run.end_ms = run.state.model_copy(), at_ms, at_ms
        self.record([Finished("wave", run, wave=wave)])

    def _dequeue(self, now: int) -> bool:
        changed = False
        for run in sorted((r for r in self._active.values() if r.queued), key=lambda r: (r.created_ms, r.run_id)):
            job = self.job(run.job_id)
            limit = int((job.settings if job else {}).get("max_concurrent_runs") or 1)
            others = [r for r in self._active.values() if r.job_id == run.job_id and not r.queued]
            if len(others) >= limit:
                continue
            start = min(now, max(run.created_ms, self._last_end.get(run.job_id, 0)))
            run.queued, run.queue_end_ms = False, start
            start_wave(run, run.waves[0], start, self.setup_ms(run.run_id, run.waves[0].id))
            self.save_run(run)
            changed = True
        return changed

    def _advance(self, now: int) -> int:
        finished_count = 0
        with self.store.transaction():
            for _ in range(100):
                events: list[Finished] = []
                for run in list(self._active.values()):
                    if run.queued:
                        continue
                    step, changed = advance(run, now, self.decide, self.exec_ms)
                    if changed:
                        self.save_run(run)
                    for event in step:
                        if event.kind == "wave" and event.wave is not None:
                            self._last_end[run.job_id] = max(self._last_end.get(run.job_id, 0), event.wave.end_ms)
                    events.extend(step)
                self.record(events)
                finished_count += len(events)
                if not self._dequeue(now) and not events:
                    break
        return finished_count

    def record(self, events: list[Finished]) -> None:
        """Queue timeline rows for terminal transitions (in the caller's transaction)."""
        rows = [row for event in events for row in rows_for(event, self.account_id)]
        if rows:
            self.store.enqueue_rows(rows)
            if self._flush_due is None:
                self._flush_due = time.monotonic() + self.config.flush_debounce_s

    # -- schedules -------------------------------------------------------------------------------------
    def _fire_schedules(self) -> int:
        virtual_now = self.clock.now()
        after, self._last_schedule_check = self._last_schedule_check, virtual_now
        fired = 0
        for job in list(self._jobs.values()):
            if job.deleted or job.source == "submit":
                continue
            schedule = job.settings.get("schedule") or {}
            expr = schedule.get("quartz_cron_expression")
            if not expr or schedule.get("pause_status") == "PAUSED":
                continue
            try:
                due = latest_fire(expr, schedule.get("timezone_id"), after, virtual_now)
            except ValueError as exc:
                log.warning("job %s: schedule skipped: %s", job.job_id, exc)
                continue
            if due is not None:
                self.scheduled_run(job)
                fired += 1
        return fired

    def scheduled_run(self, job: Job) -> Run:
        """Start a run of `job` for its schedule (implemented by the Jobs service)."""
        raise NotImplementedError
