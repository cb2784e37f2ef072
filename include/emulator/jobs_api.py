"""Handlers of the Databricks REST endpoints the emulator serves (Jobs 2.1/2.2, clusters, permissions).

A handler takes the emulator, the request's parameters and the API version, and returns the JSON
body (`{}` when Databricks returns nothing). Errors are raised as `ApiError`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from include.emulator.errors import invalid
from include.emulator.job_settings import TASK_TYPES
from include.emulator.params import Params, string_map
from include.emulator.service import LEGACY_PARAMS, Emulator
from include.emulator.views import base_run_view, cluster_view, job_view, output_view, run_view

Handler = Callable[[Emulator, Params, str], dict[str, Any]]
SPARK_VERSIONS = [
    ("16.4.x-scala2.12", "16.4 LTS (includes Apache Spark 3.5.2, Scala 2.12)"),
    ("15.4.x-scala2.12", "15.4 LTS (includes Apache Spark 3.5.0, Scala 2.12)"),
    ("14.3.x-scala2.12", "14.3 LTS (includes Apache Spark 3.5.0, Scala 2.12)"),
    ("15.4.x-photon-scala2.12", "15.4 LTS Photon (includes Apache Spark 3.5.0, Scala 2.12)"),
]
_SUBMIT_TASK_FIELDS = ("new_cluster", "existing_cluster_id", "job_cluster_key", "environment_key", "libraries",
                       "timeout_seconds", "max_retries", "email_notifications", "health")


def _offset(p: Params) -> int:
    token = p.str("page_token")
    if token is not None:
        if not token.isdigit() or len(token) > 12:
            raise invalid(f"Invalid page_token {token[:40]!r}.")
        return int(token)
    offset = p.int("offset", 0) or 0
    if not 0 <= offset < 10**12:
        raise invalid(f"Invalid offset {offset}: must be between 0 and 10^12.")
    return offset


def _limit(p: Params, default: int, maximum: int) -> int:
    limit = p.int("limit", default)
    assert limit is not None
    if limit == 0:
        return maximum
    if not 1 <= limit <= maximum:
        raise invalid(f"Invalid limit {limit}: must be between 1 and {maximum}.")
    return limit


def _url(em: Emulator) -> str:
    return em.config.base_url


# -- jobs ------------------------------------------------------------------------------------------------
def create_job(em: Emulator, p: Params, version: str) -> dict[str, Any]:
    return {"job_id": em.create_job(p.values)}


def get_job(em: Emulator, p: Params, version: str) -> dict[str, Any]:
    job = em.get_job(p.req_int("job_id"))
    return job_view(job, expand_tasks=True, offset=_offset(p) if version == "2.2" else None)


def list_jobs(em: Emulator, p: Params, version: str) -> dict[str, Any]:
    offset, limit = _offset(p), _limit(p, 20, 100)
    jobs, more = em.list_jobs(p.str("name"), offset, limit)
    out: dict[str, Any] = {"jobs": [job_view(j, expand_tasks=p.bool("expand_tasks")) for j in jobs]}
    if more:
        out["next_page_token"] = str(offset + limit)
    if offset:
        out["prev_page_token"] = str(max(0, offset - limit))
    if version == "2.1":
        out["has_more"] = more
    return out


def reset_job(em: Emulator, p: Params, version: str) -> dict[str, Any]:
    em.reset_job(p.req_int("job_id"), p.dict("new_settings", required=True) or {})
    return {}


def update_job(em: Emulator, p: Params, version: str) -> dict[str, Any]:
    em.update_job(p.req_int("job_id"), p.dict("new_settings") or {}, p.list("fields_to_remove") or [])
    return {}


def delete_job(em: Emulator, p: Params, version: str) -> dict[str, Any]:
    em.delete_job(p.req_int("job_id"))
    return {}


# -- runs --------------------------------------------------------------------------------------------------
def run_now(em: Emulator, p: Params, version: str) -> dict[str, Any]:
    overriding = {name: p.raw(name) for name in LEGACY_PARAMS if name in p}
    params = string_map("job_parameters", p.raw("job_parameters"))
    if params and overriding:
        raise invalid("job_parameters cannot be used together with " + ", ".join(sorted(overriding)) + ".")
    run = em.run_now(p.req_int("job_id"), params, overriding, p.str("idempotency_token"))
    return {"run_id": run.run_id, "number_in_job": run.number_in_job}


def _legacy_task(p: Params, run_name: str) -> list[dict[str, Any]]:
    kinds = [k for k in TASK_TYPES if k in p]
    if not kinds:
        return []
    if len(kinds) > 1:
        raise invalid(f"Only one task type may be given at the top level, got: {', '.join(kinds)}.")
    key = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in run_name)[:100] or "task"
    task: dict[str, Any] = {"task_key": key, kinds[0]: p.raw(kinds[0])}
    task.update({field: p.raw(field) for field in _SUBMIT_TASK_FIELDS if field in p})
    return [task]


def submit_run(em: Emulator, p: Params, version: str) -> dict[str, Any]:
    run_name = p.str("run_name", "Untitled") or "Untitled"
    tasks = p.list("tasks")
    if tasks is not None and any(k in p for k in TASK_TYPES):
        raise invalid("Give either tasks or a top-level task such as notebook_task, not both.")
    tasks = tasks if tasks is not None else _legacy_task(p, run_name)
    run = em.submit(run_name, tasks, p.list("job_clusters") or [], p.str("idempotency_token"))
    return {"run_id": run.run_id}


def get_run(em: Emulator, p: Params, version: str) -> dict[str, Any]:
    run_id, history = p.req_int("run_id"), p.bool("include_history")
    offset = _offset(p) if version == "2.2" else None
    return run_view(em.get_run(run_id), _url(em), include_history=history, offset=offset)


def get_output(em: Emulator, p: Params, version: str) -> dict[str, Any]:
    run, task = em.task_for_output(p.req_int("run_id"))
    return output_view(run, task, _url(em))


def list_runs(em: Emulator, p: Params, version: str) -> dict[str, Any]:
    active_only, completed_only = p.bool("active_only"), p.bool("completed_only")
    if active_only and completed_only:
        raise invalid("active_only and completed_only cannot both be true.")
    run_type = p.str("run_type")
    if run_type is not None and run_type not in ("JOB_RUN", "WORKFLOW_RUN", "SUBMIT_RUN"):
        raise invalid(f"Invalid run_type {run_type!r}: use JOB_RUN, WORKFLOW_RUN or SUBMIT_RUN.")
    offset, limit = _offset(p), _limit(p, 20, 25)
    runs, more = em.list_runs(
        job_id=p.int("job_id"), active=True if active_only else (False if completed_only else None), run_type=run_type,
        start_from=p.int("start_time_from"), start_to=p.int("start_time_to"), offset=offset, limit=limit,
    )
    out: dict[str, Any] = {"runs": [base_run_view(r, _url(em), p.bool("expand_tasks")) for r in runs], "has_more": more}
    if more:
        out["next_page_token"] = str(offset + limit)
    if offset:
        out["prev_page_token"] = str(max(0, offset - limit))
    return out


def cancel_run(em: Emulator, p: Params, version: str) -> dict[str, Any]:
    em.cancel_run(p.req_int("run_id"))
    return {}


def cancel_all(em: Emulator, p: Params, version: str) -> dict[str, Any]:
    job_id, all_queued = p.int("job_id"), p.bool("all_queued_runs")
    if job_id is None and not all_queued:
        raise invalid("Either job_id or all_queued_runs must be specified.")
    em.cancel_all(job_id, all_queued)
    return {}


def delete_run(em: Emulator, p: Params, version: str) -> dict[str, Any]:
    em.delete_run(p.req_int("run_id"))
    return {}


def repair_run(em: Emulator, p: Params, version: str) -> dict[str, Any]:
    rerun = p.list("rerun_tasks")
    if rerun is not None and not all(isinstance(k, str) for k in rerun):
        raise invalid("Invalid value for rerun_tasks: expected task keys (strings).")
    params = string_map("job_parameters", p.raw("job_parameters")) if "job_parameters" in p else None
    repair_id = em.repair(
        p.req_int("run_id"), rerun_tasks=rerun, all_failed=p.bool("rerun_all_failed_tasks"),
        dependents=p.bool("rerun_dependent_tasks"), latest_repair_id=p.int("latest_repair_id"), job_parameters=params,
    )
    return {"repair_id": repair_id}


# -- clusters and permissions ---------------------------------------------------------------------------------
def get_cluster(em: Emulator, p: Params, version: str) -> dict[str, Any]:
    cluster_id = p.str("cluster_id", required=True)
    assert cluster_id is not None
    spec, run, wave = em.cluster(cluster_id)
    return cluster_view(cluster_id, spec, run, wave)


def spark_versions(em: Emulator, p: Params, version: str) -> dict[str, Any]:
    return {"versions": [{"key": k, "name": n} for k, n in SPARK_VERSIONS]}


def job_permissions(em: Emulator, job_id: int, p: Params, method: str) -> dict[str, Any]:
    if method == "GET":
        acl = em.get_job(job_id).acl
    else:
        acl = em.set_acl(job_id, p.list("access_control_list") or [])
    return {"object_id": f"/jobs/{job_id}", "object_type": "job", "access_control_list": acl}


JOBS_ENDPOINTS: dict[tuple[str, str], Handler] = {
    ("POST", "jobs/create"): create_job,
    ("GET", "jobs/get"): get_job,
    ("GET", "jobs/list"): list_jobs,
    ("POST", "jobs/reset"): reset_job,
    ("POST", "jobs/update"): update_job,
    ("POST", "jobs/delete"): delete_job,
    ("POST", "jobs/run-now"): run_now,
    ("POST", "jobs/runs/submit"): submit_run,
    ("GET", "jobs/runs/get"): get_run,
    ("GET", "jobs/runs/get-output"): get_output,
    ("GET", "jobs/runs/list"): list_runs,
    ("POST", "jobs/runs/cancel"): cancel_run,
    ("POST", "jobs/runs/cancel-all"): cancel_all,
    ("POST", "jobs/runs/delete"): delete_run,
    ("POST", "jobs/runs/repair"): repair_run,
}
CLUSTER_ENDPOINTS: dict[tuple[str, str], Handler] = {
    ("GET", "clusters/get"): get_cluster,
    ("GET", "clusters/spark-versions"): spark_versions,
}
JOBS_VERSIONS = ("2.1", "2.2")
CLUSTER_VERSIONS = ("2.0", "2.1")


def resolve(method: str, version: str, endpoint: str) -> Handler | None:
    """The handler for `METHOD /api/<version>/<endpoint>`, or None."""
    if version in JOBS_VERSIONS and (method, endpoint) in JOBS_ENDPOINTS:
        return JOBS_ENDPOINTS[(method, endpoint)]
    if version in CLUSTER_VERSIONS and (method, endpoint) in CLUSTER_ENDPOINTS:
        return CLUSTER_ENDPOINTS[(method, endpoint)]
    return None
