"""Jobs API operations on the emulator's state: jobs, runs, repairs, cancellation, clusters.

Each public method takes the state lock, brings runs up to date, and changes state in one
SQLite transaction. Bad input raises `ApiError` with Databricks' code and wording.
"""

from __future__ import annotations

import copy
import logging
from typing import Any

from include.emulator.engine import RUN_ID_FLOOR, EmulatorConfig, now_ms
from include.emulator.errors import invalid
from include.emulator.failures import run_affected
from include.emulator.job_settings import (
    baseline_shape,
    cluster_key,
    dependencies,
    failing_task,
    manifest_settings,
    merge_update,
    order,
    validate_tasks,
)
from include.emulator.models import Job, Run, TaskRun, Wave
from include.emulator.run_ops import RunOperations
from include.emulator.timeline import max_timeline_run_id
from include.simulator.manifest import load_manifest

log = logging.getLogger(__name__)

BEHAVIOURS = ("none", "transient", "oom", "permission", "syntax", "missing_table", "capacity")
MAX_TOKEN_LEN = 64
LEGACY_PARAMS = ("notebook_params", "python_params", "jar_params", "spark_submit_params", "python_named_params",
                 "sql_params", "dbt_commands", "pipeline_params")
LOCAL_USER = "lakepilot-local@example.com"


class Emulator(RunOperations):
    """The emulated Jobs service: jobs, starting runs, and the control operations."""

    @classmethod
    def open(cls, config: EmulatorConfig) -> Emulator:
        """Load state and the workspace manifest, make ids collision-free, start the ticker."""
        emulator = cls(config)
        with emulator.store.lock, emulator.store.transaction():
            emulator._load_manifest()
            floor = max(max_timeline_run_id(config.lakehouse), emulator.store.max_run_id())
            emulator.store.raise_counter("run_id", floor)
            emulator.load_active()
        emulator.start_background()
        log.info("emulator state %s: %d runs, %d active", config.state_path, emulator.store.count_runs(), len(emulator._active))
        return emulator

    def _load_manifest(self) -> None:
        manifest = load_manifest(self.config.lakehouse)
        if manifest is None:
            log.warning("no simulated workspace manifest in %s: starting with no jobs", self.config.lakehouse)
            return
        self.seed, self.account_id = manifest.seed, manifest.account_id
        if manifest.workspaces:
            self.workspace_id = manifest.workspaces[0].workspace_id
        self.existing_clusters = {
            c.cluster_id: {"cluster_name": c.cluster_name, "node_type_id": c.node_type, "num_workers": c.workers,
                           "spark_version": "15.4.x-scala2.12", "creator_user_name": c.owner, "cluster_source": c.source}
            for c in manifest.clusters
        }
        fingerprint = f"{manifest.seed}:{manifest.generated_at.isoformat()}"
        refresh = self.store.meta("manifest") != fingerprint
        for spec in manifest.jobs:
            if not spec.job_id.isdigit():
                log.warning("manifest job %r has a non-numeric job_id; skipped", spec.job_id)
                continue
            job_id = int(spec.job_id)
            existing = self.store.job(job_id)
            if existing is not None and not refresh:
                continue
            settings = manifest_settings(spec)
            job = Job(
                job_id=job_id, settings=settings, created_ms=int(manifest.generated_at.timestamp() * 1000),
                creator=spec.owner, run_as=spec.run_as, workspace_id=spec.workspace_id, source="manifest",
                behaviour=spec.failure_behaviour, failure_rate=spec.failure_rate, typical_duration_s=spec.typical_duration_s,
                team=spec.team, reads=list(getattr(spec, "reads", []) or []),
                runs_started=existing.runs_started if existing else 0,
            )
            job.baseline = baseline_shape(settings, failing_task(self.seed, job_id, job.behaviour, settings["tasks"]), self.existing_clusters)
            self.save_job(job)
        self.store.set_meta("manifest", fingerprint)

    # -- jobs ----------------------------------------------------------------------------------------
    def _check_settings(self, settings: dict[str, Any]) -> dict[str, Any]:
        # access_control_list is sent to the permissions API by the hook, not stored with the settings
        settings = copy.deepcopy({k: v for k, v in settings.items() if k != "access_control_list"})
        if "tasks" in settings:
            settings["tasks"] = validate_tasks(settings["tasks"], settings.get("job_clusters"), need_cluster=True)
        limit = settings.get("max_concurrent_runs")
        if limit is not None and (not str(limit).isdigit() or not 0 <= int(limit) <= 1000):
            raise invalid(f"Invalid value for max_concurrent_runs: {limit!r} (0..1000)")
        if limit is not None:
            settings["max_concurrent_runs"] = int(limit)
        return settings

    def create_job(self, settings: dict[str, Any]) -> int:
        settings = self._check_settings(settings)
        settings.setdefault("name", "Untitled")
        settings.setdefault("max_concurrent_runs", 1)
        settings.setdefault("format", "MULTI_TASK")
        with self.store.lock, self.store.transaction():
            job_id = self.store.next_id("job_id", self.store.max_job_id() + 1)
            run_as = (settings.get("run_as") or {}).get("user_name") or LOCAL_USER
            job = Job(job_id=job_id, settings=settings, created_ms=now_ms(), creator=LOCAL_USER, run_as=run_as,
                      workspace_id=self.workspace_id, source="api")
            self.save_job(job)
        return job_id

    def get_job(self, job_id: int) -> Job:
        with self.store.lock:
            return self._job(job_id)

    def list_jobs(self, name: str | None, offset: int, limit: int) -> tuple[list[Job], bool]:
        with self.store.lock:
            jobs = self.store.jobs(name)
        return jobs[offset : offset + limit], len(jobs) > offset + limit

    def reset_job(self, job_id: int, new_settings: dict[str, Any]) -> None:
        settings = self._check_settings(new_settings)
        with self.store.lock, self.store.transaction():
            job = self._job(job_id)
            job.settings = settings
            self.save_job(job)

    def update_job(self, job_id: int, new_settings: dict[str, Any], fields_to_remove: list[str]) -> None:
        with self.store.lock, self.store.transaction():
            job = self._job(job_id)
            job.settings = self._check_settings(merge_update(job.settings, new_settings, fields_to_remove))
            self.save_job(job)

    def delete_job(self, job_id: int) -> None:
        with self.store.lock, self.store.transaction():
            job = self._job(job_id)
            job.deleted = True
            self.save_job(job)

    def set_acl(self, job_id: int, acl: list[dict[str, Any]]) -> list[dict[str, Any]]:
        with self.store.lock, self.store.transaction():
            job = self._job(job_id)
            job.acl = acl
            self.save_job(job)
            return job.acl

    # -- starting runs ---------------------------------------------------------------------------------
    def _new_run(self, job: Job, *, run_type: str, trigger: str, run_name: str, job_parameters: dict[str, str],
                 overriding: dict[str, Any], token: str | None, tasks: list[dict[str, Any]],
                 job_clusters: list[dict[str, Any]]) -> Run:
        now = now_ms()
        run_id = self.store.next_id("run_id", RUN_ID_FLOOR)
        job.runs_started += 1
        self.save_job(job)
        affected = run_affected(self.seed, job.job_id, job.runs_started, job.behaviour, job.failure_rate)
        by_key = {t["task_key"]: t for t in tasks}
        task_runs = [
            TaskRun(run_id=self.store.next_id("run_id", RUN_ID_FLOOR), task_key=key, wave=run_id,
                    depends_on=dependencies(by_key[key]), run_if=by_key[key].get("run_if") or "ALL_SUCCESS",
                    spec=by_key[key], cluster_key=cluster_key(by_key[key]))
            for key in order(tasks)
        ]
        defs = {p["name"]: p.get("default", "") for p in job.settings.get("parameters") or [] if isinstance(p, dict) and p.get("name")}
        params = {**{k: str(v) for k, v in defs.items()}, **job_parameters}
        wave = self._wave(run_id, "ORIGINAL", now, task_runs, params, tasks, job_clusters)
        run = Run(
            run_id=run_id, job_id=job.job_id, workspace_id=job.workspace_id, run_type=run_type, trigger=trigger,
            run_name=run_name, number_in_job=job.runs_started, creator=LOCAL_USER, created_ms=now,
            job_parameters=params, parameter_defs=[{"name": k, "default": str(v)} for k, v in defs.items()],
            overriding=overriding, idempotency_token=token, job_clusters=copy.deepcopy(job_clusters), tasks=task_runs,
            waves=[wave], affected=affected, failing_task=failing_task(self.seed, job.job_id, job.behaviour, tasks) if affected else None,
        )
        self.start_or_queue(run, job, now)
        if token:
            self.store.put_token(token, run_id)
        self.save_run(run)
        return run

    def _existing_token_run(self, token: str | None) -> Run | None:
        if token is None:
            return None
        if len(token) > MAX_TOKEN_LEN:
            raise invalid(f"idempotency_token must be at most {MAX_TOKEN_LEN} characters.")
        run_id = self.store.token_run(token)
        if run_id is None:
            return None
        run = self.store.run(run_id, include_deleted=True)
        if run is None or run.deleted:
            raise invalid(f"A run with idempotency token {token} was already created and has been deleted.")
        return self.run(run_id)

    def run_now(self, job_id: int, job_parameters: dict[str, str], overriding: dict[str, Any], token: str | None) -> Run:
        with self.store.lock:
            self._advance(now_ms())
            with self.store.transaction():
                if (existing := self._existing_token_run(token)) is not None:
                    return existing
                job = self._job(job_id)
                if not job.settings.get("tasks"):
                    raise invalid(f"Job {job_id} has no tasks to run.")
                return self._new_run(job, run_type="JOB_RUN", trigger="ONE_TIME", run_name=job.name,
                                     job_parameters=job_parameters, overriding=overriding, token=token,
                                     tasks=job.settings["tasks"], job_clusters=job.settings.get("job_clusters") or [])

    def scheduled_run(self, job: Job) -> Run:
        return self._new_run(job, run_type="JOB_RUN", trigger="PERIODIC", run_name=job.name, job_parameters={},
                             overriding={}, token=None, tasks=job.settings.get("tasks") or [],
                             job_clusters=job.settings.get("job_clusters") or [])

    def submit(self, run_name: str, tasks: list[dict[str, Any]], job_clusters: list[dict[str, Any]], token: str | None) -> Run:
        tasks = validate_tasks(tasks, job_clusters, need_cluster=True)
        if not tasks:
            raise invalid("Run settings must be specified: give tasks or a task type such as notebook_task.")
        with self.store.lock:
            self._advance(now_ms())
            with self.store.transaction():
                if (existing := self._existing_token_run(token)) is not None:
                    return existing
                rule = self.store.submit_rule(run_name)
                job_id = self.store.next_id("job_id", self.store.max_job_id() + 1)
                job = Job(job_id=job_id, settings={"name": run_name, "tasks": tasks, "job_clusters": job_clusters},
                          created_ms=now_ms(), creator=LOCAL_USER, run_as=LOCAL_USER, workspace_id=self.workspace_id,
                          source="submit", behaviour=rule[0] if rule else "none", failure_rate=rule[1] if rule else 0.0)
                job.baseline = baseline_shape(job.settings, failing_task(self.seed, job_id, job.behaviour, tasks), self.existing_clusters)
                return self._new_run(job, run_type="SUBMIT_RUN", trigger="ONE_TIME", run_name=run_name, job_parameters={},
                                     overriding={}, token=token, tasks=tasks, job_clusters=job_clusters)

    # -- control -------------------------------------------------------------------------------------------
    def set_behaviour(self, job_id: int, behaviour: str, failure_rate: float) -> Job:
        """Set how a job fails from now on; the current cluster becomes the OOM baseline."""
        if behaviour not in BEHAVIOURS:
            raise invalid(f"Unknown failure behaviour {behaviour!r}; use one of: {', '.join(BEHAVIOURS)}")
        if not 0.0 <= failure_rate <= 1.0:
            raise invalid(f"failure_rate must be between 0 and 1, not {failure_rate}")
        with self.store.lock, self.store.transaction():
            job = self._job(job_id)
            job.behaviour, job.failure_rate = behaviour, failure_rate
            tasks = job.settings.get("tasks") or []
            job.baseline = baseline_shape(job.settings, failing_task(self.seed, job_id, behaviour, tasks), self.existing_clusters)
            self.save_job(job)
            return job

    def set_submit_behaviour(self, run_name: str, behaviour: str, failure_rate: float) -> None:
        if behaviour not in BEHAVIOURS:
            raise invalid(f"Unknown failure behaviour {behaviour!r}; use one of: {', '.join(BEHAVIOURS)}")
        if not 0.0 <= failure_rate <= 1.0:
            raise invalid(f"failure_rate must be between 0 and 1, not {failure_rate}")
        with self.store.lock, self.store.transaction():
            self.store.put_submit_rule(run_name, behaviour, failure_rate)

    def cluster(self, cluster_id: str) -> tuple[dict[str, Any], Run | None, Wave | None]:
        with self.store.lock:
            self._advance(now_ms())
            if cluster_id in self.existing_clusters:
                return self.existing_clusters[cluster_id], None, None
            run = self.store.run_of_cluster(cluster_id)
            if run is not None:
                run = self.run(run.run_id) or run
                for wave in run.waves:
                    for key, cid in wave.cluster_ids.items():
                        if cid == cluster_id:
                            return wave.clusters.get(key, {}), run, wave
        raise invalid(f"Cluster {cluster_id} does not exist")

    def health(self) -> dict[str, Any]:
        with self.store.lock:
            return {
                "status": "ok", "jobs": len(self.store.jobs()), "runs": self.store.count_runs(),
                "active_runs": len(self._active), "timeline_rows_pending": self.store.outbox_size(),
                "timeline_commits": self.timelines.commits, "speed": self.config.speed,
                "scheduler": self.config.scheduler, "lakehouse": str(self.config.lakehouse),
            }
