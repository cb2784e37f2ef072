"""Render the emulator's records in the Jobs API's JSON shapes (SDK 0.162 field names)."""

from __future__ import annotations

from typing import Any

from include.emulator.failures import numbers
from include.emulator.models import Job, Run, StateRec, TaskRun, Wave

PAGE_SIZE = 100  # runs/get and jobs/get (2.2) return at most this many items of each array per page
_QUEUE_CODE = "MAX_CONCURRENT_RUNS_REACHED"


def _state(state: StateRec) -> dict[str, Any]:
    out: dict[str, Any] = {"life_cycle_state": state.life_cycle, "state_message": state.message,
                           "user_cancelled_or_timedout": state.user_cancelled}
    if state.result is not None:
        out["result_state"] = state.result
    if state.life_cycle == "QUEUED":
        out["queue_reason"] = state.message
    return out


def _status(state: StateRec) -> dict[str, Any]:
    if state.life_cycle in ("TERMINATED", "SKIPPED", "INTERNAL_ERROR"):
        return {"state": "TERMINATED", "termination_details": {
            "code": state.code or "SUCCESS", "type": state.type or "SUCCESS", "message": state.message}}
    if state.life_cycle == "QUEUED":
        return {"state": "QUEUED", "queue_details": {"code": _QUEUE_CODE, "message": state.message}}
    return {"state": state.life_cycle}


def _durations(start: int, exec_start: int, end: int) -> dict[str, int]:
    if not start:
        return {"setup_duration": 0, "execution_duration": 0, "cleanup_duration": 0, "run_duration": 0}
    setup = max(0, (exec_start or end or start) - start)
    execution = max(0, end - exec_start) if end and exec_start else 0
    return {"setup_duration": setup, "execution_duration": execution, "cleanup_duration": 0,
            "run_duration": max(0, end - start) if end else 0}


def page_url(base_url: str, workspace_id: str, job_id: int, run_id: int) -> str:
    return f"{base_url}/?o={workspace_id}#job/{job_id}/run/{run_id}"


def task_view(run: Run, task: TaskRun, base_url: str) -> dict[str, Any]:
    wave = next((w for w in run.waves if w.id == task.wave), run.waves[-1])
    out: dict[str, Any] = {
        "run_id": task.run_id, "task_key": task.task_key, "attempt_number": task.attempt,
        "state": _state(task.state), "status": _status(task.state),
        "run_page_url": page_url(base_url, run.workspace_id, run.job_id, task.run_id),
        "start_time": task.start_ms, "end_time": task.end_ms, "queue_duration": 0,
        **_durations(task.start_ms, task.exec_start_ms, task.end_ms),
        "depends_on": [{"task_key": d} for d in task.depends_on], "run_if": task.run_if,
    }
    for key, value in task.spec.items():
        if key not in out and key not in ("depends_on",):
            out[key] = value
    cluster = wave.cluster_ids.get(task.cluster_key or "")
    if cluster and task.start_ms:
        out["cluster_instance"] = {"cluster_id": cluster, "spark_context_id": str(numbers(cluster, task.run_id, count=2)[0])}
    return out


def _wave_view(wave: Wave) -> dict[str, Any]:
    return {"id": wave.id, "type": wave.type, "start_time": wave.start_ms, "end_time": wave.end_ms,
            "state": _state(wave.state), "status": _status(wave.state), "task_run_ids": list(wave.task_run_ids)}


def run_view(run: Run, base_url: str, *, include_history: bool, offset: int | None) -> dict[str, Any]:
    """A run as runs/get returns it; `offset` pages the arrays (None = everything, as 2.1 does)."""
    first_start = run.waves[0].start_ms if run.waves else 0
    tasks = sorted(run.tasks, key=lambda t: (t.attempt, t.run_id))
    arrays: dict[str, list[Any]] = {
        "tasks": [task_view(run, t, base_url) for t in tasks],
        "job_clusters": run.job_clusters,
        "job_parameters": [{"name": k, "default": next((p.get("default", "") for p in run.parameter_defs if p.get("name") == k), ""),
                            "value": v} for k, v in run.job_parameters.items()],
    }
    if include_history:
        arrays["repair_history"] = [_wave_view(w) for w in run.waves]
    out: dict[str, Any] = {
        "job_id": run.job_id, "run_id": run.run_id, "original_attempt_run_id": run.run_id, "attempt_number": 0,
        "number_in_job": run.number_in_job, "creator_user_name": run.creator, "run_name": run.run_name,
        "run_type": run.run_type, "trigger": run.trigger, "format": "MULTI_TASK",
        "run_page_url": page_url(base_url, run.workspace_id, run.job_id, run.run_id),
        "state": _state(run.state), "status": _status(run.state),
        "start_time": run.created_ms, "end_time": run.end_ms,
        "queue_duration": max(0, first_start - run.created_ms) if first_start else 0,
        "setup_duration": 0, "execution_duration": 0, "cleanup_duration": 0,
        "run_duration": max(0, run.end_ms - run.created_ms) if run.end_ms else 0,
        "overriding_parameters": run.overriding,
    }
    if offset is None:
        out.update(arrays)
        return out
    more = False
    for name, items in arrays.items():
        out[name] = items[offset : offset + PAGE_SIZE]
        more = more or len(items) > offset + PAGE_SIZE
    if more:
        out["next_page_token"] = str(offset + PAGE_SIZE)
    if offset:
        out["prev_page_token"] = str(max(0, offset - PAGE_SIZE))
    return out


def base_run_view(run: Run, base_url: str, expand_tasks: bool) -> dict[str, Any]:
    """A run as runs/list returns it (tasks only with expand_tasks)."""
    out = run_view(run, base_url, include_history=False, offset=None)
    if not expand_tasks:
        for name in ("tasks", "job_clusters"):
            out.pop(name, None)
    return out


def output_view(run: Run, task: TaskRun, base_url: str) -> dict[str, Any]:
    """runs/get-output for a task run: the error text of a failed task, notebook output otherwise."""
    metadata = task_view(run, task, base_url)
    metadata.update({"job_id": run.job_id, "run_name": run.run_name, "run_type": run.run_type, "trigger": run.trigger,
                     "creator_user_name": run.creator, "number_in_job": run.number_in_job})
    out: dict[str, Any] = {"metadata": metadata}
    outcome = task.outcome
    if task.state.result == "FAILED" and outcome is not None:
        out["error"] = outcome.error or task.state.message
        if outcome.error_trace:
            out["error_trace"] = outcome.error_trace
    elif task.state.result == "SUCCESS" and "notebook_task" in task.spec:
        out["notebook_output"] = {"result": None, "truncated": False}
    return out


def job_view(job: Job, *, expand_tasks: bool, offset: int | None = None) -> dict[str, Any]:
    """A job as jobs/get (expand) or jobs/list returns it."""
    settings = dict(job.settings)
    out: dict[str, Any] = {"job_id": job.job_id, "creator_user_name": job.creator, "run_as_user_name": job.run_as,
                           "created_time": job.created_ms, "settings": settings}
    if not expand_tasks:
        settings.pop("tasks", None)
        settings.pop("job_clusters", None)
        return out
    if offset is not None:
        more = False
        for name in ("tasks", "job_clusters", "parameters", "environments"):
            items = job.settings.get(name)
            if isinstance(items, list):
                settings[name] = items[offset : offset + PAGE_SIZE]
                more = more or len(items) > offset + PAGE_SIZE
        if more:
            out["next_page_token"] = str(offset + PAGE_SIZE)
    return out


def cluster_view(cluster_id: str, spec: dict[str, Any], run: Run | None, wave: Wave | None) -> dict[str, Any]:
    """clusters/get for a workspace cluster or a job cluster of a run."""
    out: dict[str, Any] = {
        "cluster_id": cluster_id, "cluster_name": spec.get("cluster_name") or (f"job-{run.job_id}-run-{run.run_id}" if run else cluster_id),
        "spark_version": spec.get("spark_version", "15.4.x-scala2.12"), "node_type_id": spec.get("node_type_id"),
        "driver_node_type_id": spec.get("driver_node_type_id") or spec.get("node_type_id"),
        "num_workers": spec.get("num_workers", 0), "spark_conf": spec.get("spark_conf", {}),
        "creator_user_name": spec.get("creator_user_name") or (run.creator if run else "lakepilot-local@example.com"),
        "cluster_source": spec.get("cluster_source") or ("JOB" if run else "UI"),
    }
    if spec.get("autoscale"):
        out["autoscale"] = spec["autoscale"]
    if wave is None:
        out.update({"state": "RUNNING", "state_message": ""})
        return out
    out["start_time"] = wave.start_ms
    if not wave.state.terminal:
        running = wave.state.life_cycle != "PENDING"
        out.update({"state": "RUNNING" if running else "PENDING", "state_message": "" if running else "Starting Spark"})
        return out
    assert run is not None
    failed_launch = [t for t in run.tasks if t.wave == wave.id and t.outcome and t.outcome.behaviour == "capacity" and not t.outcome.succeeded]
    out.update({"state": "TERMINATED", "terminated_time": wave.end_ms})
    if failed_launch:
        message = failed_launch[0].state.message
        out["state_message"] = message
        out["termination_reason"] = {"code": "CLOUD_PROVIDER_LAUNCH_FAILURE", "type": "CLOUD_FAILURE",
                                     "parameters": {"databricks_error_message": message}}
    else:
        out["state_message"] = "Job run finished"
        out["termination_reason"] = {"code": "JOB_FINISHED", "type": "SUCCESS"}
    return out
