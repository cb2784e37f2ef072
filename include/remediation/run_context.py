"""Build a `FailureContext` from Jobs API responses (`runs/get` and `runs/get-output`).

Pure translation of the Databricks JSON shapes (see /work/shared/reference/databricks.md §2.6),
shared by the sensor/DAG and `lakepilot triage --run-id`. Ids come from the API response only.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from include.remediation.models import ClusterSettings, FailureContext, TaskFailure

FAILED_TASK_STATES = frozenset({"FAILED", "TIMEDOUT", "INTERNAL_ERROR", "MAXIMUM_CONCURRENT_RUNS_REACHED"})
OUTPUT_CHARS = 20_000


def _latest_task_runs(tasks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The latest run of each task key (repairs add task runs with a higher attempt/start)."""
    latest: dict[str, dict[str, Any]] = {}
    for task in tasks:
        key = str(task.get("task_key", ""))
        rank = (int(task.get("attempt_number") or 0), int(task.get("start_time") or 0))
        seen = latest.get(key)
        if seen is None or rank >= (int(seen.get("attempt_number") or 0), int(seen.get("start_time") or 0)):
            latest[key] = task
    return list(latest.values())


def failed_task_runs(run: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The failed task runs of a run (the ones whose output should be fetched)."""
    return [
        t
        for t in _latest_task_runs(list(run.get("tasks") or []))
        if str((t.get("state") or {}).get("result_state") or "").upper() in FAILED_TASK_STATES
    ]


def cluster_settings(
    spec: Mapping[str, Any] | None, job_cluster_key: str | None = None
) -> ClusterSettings | None:
    """The remediable part of a `new_cluster` spec."""
    if not spec:
        return None
    autoscale = spec.get("autoscale") or {}
    workers = spec.get("num_workers")
    return ClusterSettings(
        node_type_id=spec.get("node_type_id"),
        driver_node_type_id=spec.get("driver_node_type_id"),
        num_workers=int(workers) if workers is not None else None,
        autoscale_max_workers=int(autoscale["max_workers"]) if autoscale.get("max_workers") else None,
        spark_conf={str(k): str(v) for k, v in (spec.get("spark_conf") or {}).items()},
        job_cluster_key=job_cluster_key,
    )


def _cluster_of(run: Mapping[str, Any], failed: list[dict[str, Any]]) -> ClusterSettings | None:
    by_key = {c.get("job_cluster_key"): c.get("new_cluster") for c in run.get("job_clusters") or []}
    for task in failed:
        if task.get("new_cluster"):
            return cluster_settings(task["new_cluster"])
        key = task.get("job_cluster_key")
        if key and by_key.get(key):
            return cluster_settings(by_key[key], key)
    spec = (run.get("cluster_spec") or {}).get("new_cluster")
    return cluster_settings(spec)


def failure_from_run(
    run: Mapping[str, Any],
    outputs: Mapping[str, Mapping[str, Any]] | None = None,
    *,
    workspace_id: str = "",
    job: Mapping[str, Any] | None = None,
) -> FailureContext:
    """A `FailureContext` from `runs/get` (with history) and `runs/get-output` per failed task run.

    Args:
        run: the `runs/get` response (`include_history=true` gives the attempt number).
        outputs: `runs/get-output` responses keyed by task run id (str).
        workspace_id: the workspace the run belongs to.
        job: optional `jobs/get` response: the job's owner (`creator_user_name`; a run's creator is
            whoever triggered it) and the job-level `settings.timeout_seconds`.
    """
    outputs = outputs or {}
    job_settings = (job or {}).get("settings") or {}
    state = run.get("state") or {}
    details = (run.get("status") or {}).get("termination_details") or {}
    history = list(run.get("repair_history") or [])
    failed = failed_task_runs(run)
    tasks: list[TaskFailure] = []
    for task in failed:
        out = outputs.get(str(task.get("run_id"))) or {}
        task_state = task.get("state") or {}
        tasks.append(
            TaskFailure(
                task_key=str(task.get("task_key", "")),
                task_run_id=str(task["run_id"]) if task.get("run_id") is not None else None,
                attempt_number=int(task.get("attempt_number") or 0),
                result_state=task_state.get("result_state"),
                state_message=str(task_state.get("state_message") or "")[:OUTPUT_CHARS],
                error=str(out.get("error") or "")[:OUTPUT_CHARS],
                error_trace=str(out.get("error_trace") or "")[:OUTPUT_CHARS],
                logs_tail=str(out.get("logs") or "")[-OUTPUT_CHARS:],
            )
        )
    timeouts = [int(t["timeout_seconds"]) for t in failed if t.get("timeout_seconds")]
    job_timeout = job_settings.get("timeout_seconds")
    end_ms = run.get("end_time")
    return FailureContext(
        workspace_id=workspace_id,
        job_id=str(run["job_id"]),
        run_id=str(run["run_id"]),
        attempt=max(len(history) - 1, 0),
        job_name=str(job_settings.get("name") or run.get("run_name") or ""),
        owner=(job or {}).get("creator_user_name") or run.get("creator_user_name") or None,
        result_state=state.get("result_state"),
        termination_code=details.get("code"),
        termination_type=details.get("type"),
        state_message=str(state.get("state_message") or details.get("message") or "")[:OUTPUT_CHARS],
        tasks=tasks,
        cluster=_cluster_of(run, failed),
        timeout_seconds=max(timeouts) if timeouts else (int(job_timeout) if job_timeout else None),
        latest_repair_id=str(history[-1]["id"]) if len(history) > 1 and history[-1].get("id") else None,
        failed_at=datetime.fromtimestamp(int(end_ms) / 1000, UTC) if end_ms else None,
    )
