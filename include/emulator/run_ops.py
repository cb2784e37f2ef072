"""Operations on existing runs: read, list, cancel, delete and repair.

Each method takes the state lock, brings runs up to date, and changes state in one SQLite
transaction; bad input raises `ApiError` with Databricks' code and wording.
"""

from __future__ import annotations

from typing import Any

from include.emulator.engine import RUN_ID_FLOOR, EmulatorCore, cluster_id_for, now_ms
from include.emulator.errors import invalid, invalid_state, job_not_found, run_not_found
from include.emulator.job_settings import cluster_key, cluster_specs
from include.emulator.lifecycle import cancel, rerun_keys, start_wave
from include.emulator.models import Job, Run, TaskRun, Wave


class RunOperations(EmulatorCore):
    """Run-level operations of the Jobs service."""

    def _job(self, job_id: int) -> Job:
        job = self.job(job_id)
        if job is None or job.deleted or job.source == "submit":
            raise job_not_found(job_id)
        return job

    def _wave(self, wave_id: int, kind: str, now: int, task_runs: list[TaskRun], params: dict[str, str],
              tasks: list[dict[str, Any]], job_clusters: list[dict[str, Any]]) -> Wave:
        specs = cluster_specs(tasks, job_clusters, self.existing_clusters)
        ids = {k: (k.split(":", 1)[1] if k.startswith("existing:") else cluster_id_for(now, self.seed, wave_id, k)) for k in specs}
        return Wave(id=wave_id, type=kind, created_ms=now, task_run_ids=[t.run_id for t in task_runs],
                    job_parameters=params, clusters=specs, cluster_ids=ids)

    # -- reading runs ------------------------------------------------------------------------------------
    def get_run(self, run_id: int) -> Run:
        with self.store.lock:
            self._advance(now_ms())
            run = self.run(run_id)
        if run is None:
            raise run_not_found(run_id)
        return run

    def task_for_output(self, run_id: int) -> tuple[Run, TaskRun]:
        with self.store.lock:
            self._advance(now_ms())
            run = self.store.run_of_task(run_id)
            if run is not None:
                run = self.run(run.run_id) or run
                task = run.task(run_id)
                assert task is not None
                return run, task
            parent = self.run(run_id)
        if parent is None:
            raise run_not_found(run_id)
        if len(parent.latest_attempts()) != 1:
            raise invalid("Retrieving the output of runs with multiple tasks is not supported. "
                          "Please retrieve the output of each individual task run instead.")
        task = max(parent.tasks, key=lambda t: t.attempt)
        return parent, task

    def list_runs(self, **filters: Any) -> tuple[list[Run], bool]:
        with self.store.lock:
            self._advance(now_ms())
            return self.store.runs(**filters)

    # -- changing runs -------------------------------------------------------------------------------------
    def cancel_run(self, run_id: int) -> None:
        with self.store.lock:
            self._advance(now_ms())
            with self.store.transaction():
                run = self.run(run_id)
                if run is None:
                    raise run_not_found(run_id)
                self._cancel(run)

    def _cancel(self, run: Run) -> None:
        events = cancel(run, now_ms())
        if events:
            self.record(events)
            self.save_run(run)

    def cancel_all(self, job_id: int | None, all_queued: bool) -> int:
        with self.store.lock:
            self._advance(now_ms())
            with self.store.transaction():
                if job_id is not None:
                    self._job(job_id)
                # all_queued_runs: only queued runs (of the job, or of the whole workspace without job_id)
                targets = [r for r in list(self._active.values())
                           if (job_id is None or r.job_id == job_id) and (r.queued or not all_queued)]
                for run in targets:
                    self._cancel(run)
                return len(targets)

    def delete_run(self, run_id: int) -> None:
        with self.store.lock:
            self._advance(now_ms())
            with self.store.transaction():
                run = self.run(run_id)
                if run is None:
                    raise run_not_found(run_id)
                if run.active:
                    raise invalid_state(f"Run {run_id} is active and cannot be deleted. Cancel the run first.")
                run.deleted = True
                self.save_run(run)

    def repair(self, run_id: int, *, rerun_tasks: list[str] | None, all_failed: bool, dependents: bool,
               latest_repair_id: int | None, job_parameters: dict[str, str] | None) -> int:
        if all_failed and rerun_tasks:
            raise invalid("Only one of rerun_tasks or rerun_all_failed_tasks can be specified.")
        if not all_failed and not rerun_tasks:
            raise invalid("Either rerun_tasks or rerun_all_failed_tasks must be specified.")
        if rerun_tasks and len(set(rerun_tasks)) != len(rerun_tasks):
            raise invalid("rerun_tasks cannot contain duplicate task keys.")
        with self.store.lock:
            now = now_ms()
            self._advance(now)
            with self.store.transaction():
                run = self.run(run_id)
                if run is None:
                    raise run_not_found(run_id)
                if run.active:
                    raise invalid_state(f"Run {run_id} is still active; only finished runs can be repaired.")
                repairs = [w for w in run.waves if w.type == "REPAIR"]
                if repairs and latest_repair_id is None:
                    raise invalid("The latest repair ID needs to be provided in order to create a new repair.")
                if latest_repair_id is not None and (not repairs or repairs[-1].id != latest_repair_id):
                    expected = repairs[-1].id if repairs else "none"
                    raise invalid(f"Repair ID {latest_repair_id} is not the latest repair of run {run_id} (latest: {expected}).")
                latest = run.latest_attempts()
                unknown = [k for k in rerun_tasks or [] if k not in latest]
                if unknown:
                    raise invalid(f"Task {unknown[0]} does not exist in run {run_id}.")
                keys = rerun_keys(run, rerun_tasks, all_failed, dependents)
                if not keys:
                    raise invalid(f"Run {run_id} has no failed tasks to repair.")
                return self._start_repair(run, keys, job_parameters or {}, now)

    def _start_repair(self, run: Run, keys: list[str], job_parameters: dict[str, str], now: int) -> int:
        job = self.job(run.job_id)
        current = (job.settings.get("tasks") if job and job.source != "submit" else None) or [t.spec for t in run.tasks]
        definitions = {t["task_key"]: t for t in current}
        job_clusters = (job.settings.get("job_clusters") if job and job.source != "submit" else None) or run.job_clusters
        latest = run.latest_attempts()
        repair_id = self.store.next_id("run_id", RUN_ID_FLOOR)  # one id space: repair ids never equal a run id
        tasks = [definitions.get(k, latest[k].spec) for k in keys]
        new_runs = [
            TaskRun(run_id=self.store.next_id("run_id", RUN_ID_FLOOR), task_key=k, attempt=latest[k].attempt + 1,
                    wave=repair_id, depends_on=latest[k].depends_on, run_if=latest[k].run_if, spec=spec,
                    cluster_key=cluster_key(spec))
            for k, spec in zip(keys, tasks, strict=True)
        ]
        params = {**run.job_parameters, **job_parameters}
        wave = self._wave(repair_id, "REPAIR", now, new_runs, params, tasks, job_clusters)
        run.tasks.extend(new_runs)
        run.waves.append(wave)
        start_wave(run, wave, now, self.setup_ms(run.run_id, repair_id))
        self.save_run(run)
        return repair_id

