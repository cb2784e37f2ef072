"""Job settings in the Jobs API's shape: from the manifest, validated, updated, and resolved to clusters.

Manifest jobs get one job cluster (`main`) shared by their tasks, a `schedule` from their quartz
cron, queueing on and `max_concurrent_runs` 1, like jobs created in the Databricks UI.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from include.emulator.errors import invalid
from include.emulator.failures import ClusterShape, unit
from include.simulator.manifest import JobSpec

MAIN_CLUSTER = "main"
TASK_TYPES = (
    "notebook_task", "spark_python_task", "spark_jar_task", "spark_submit_task", "python_wheel_task",
    "pipeline_task", "sql_task", "dbt_task", "run_job_task", "condition_task", "for_each_task",
)
NO_CLUSTER_TASKS = ("pipeline_task", "run_job_task", "condition_task", "sql_task", "for_each_task")
_MERGED_ARRAYS = {"tasks": "task_key", "job_clusters": "job_cluster_key", "parameters": "name", "environments": "environment_key"}
_TASK_KEY = re.compile(r"^[\w\-.]{1,100}$")


def manifest_settings(spec: JobSpec) -> dict[str, Any]:
    """Databricks job settings for a manifest job."""
    cluster = {
        "spark_version": spec.cluster.spark_version,
        "node_type_id": spec.cluster.node_type_id,
        "num_workers": spec.cluster.num_workers,
    }
    if spec.cluster.spark_conf:
        cluster["spark_conf"] = dict(spec.cluster.spark_conf)
    return {
        "name": spec.name,
        "tags": {**spec.tags, "team": spec.team},
        "tasks": [
            {
                "task_key": task.task_key,
                "depends_on": [{"task_key": dep} for dep in task.depends_on],
                "notebook_task": {"notebook_path": task.notebook_path, "source": "WORKSPACE"},
                "job_cluster_key": MAIN_CLUSTER,
                "run_if": "ALL_SUCCESS",
            }
            for task in spec.tasks
        ],
        "job_clusters": [{"job_cluster_key": MAIN_CLUSTER, "new_cluster": cluster}],
        "schedule": {
            "quartz_cron_expression": spec.quartz_cron,
            "timezone_id": spec.timezone,
            "pause_status": "PAUSED" if getattr(spec, "paused", False) else "UNPAUSED",
        },
        "max_concurrent_runs": 1,
        "queue": {"enabled": True},
        "timeout_seconds": getattr(spec, "timeout_seconds", None) or 0,
        "run_as": {"user_name": spec.run_as},
        "email_notifications": {},
        "format": "MULTI_TASK",
    }


def validate_tasks(tasks: Any, job_clusters: list[dict[str, Any]] | None, *, need_cluster: bool) -> list[dict[str, Any]]:
    """Check a `tasks` array the way Databricks does; returns it (deep-copied)."""
    if not isinstance(tasks, list):
        raise invalid("Invalid value for tasks: expected an array")
    cluster_keys = {c.get("job_cluster_key") for c in job_clusters or [] if isinstance(c, dict)}
    seen: set[str] = set()
    for task in tasks:
        if not isinstance(task, dict):
            raise invalid("Invalid value for tasks: each task must be an object")
        key = task.get("task_key")
        if not key or not isinstance(key, str):
            raise invalid("Missing required field: task_key")
        if not _TASK_KEY.match(key):
            raise invalid(f"Invalid task_key {key!r}: use letters, digits, '-', '_' and '.' (at most 100)")
        if key in seen:
            raise invalid(f"Task key {key} is not unique.")
        seen.add(key)
        if task.get("job_cluster_key") and task["job_cluster_key"] not in cluster_keys:
            raise invalid(f"Task {key} refers to job cluster {task['job_cluster_key']!r} that is not in job_clusters.")
        needs = need_cluster and not any(task.get(t) for t in NO_CLUSTER_TASKS)
        has = any(task.get(k) for k in ("new_cluster", "existing_cluster_id", "job_cluster_key", "environment_key"))
        if needs and not has:
            raise invalid("One of job_cluster_key, new_cluster, or existing_cluster_id must be specified.")
    for task in tasks:
        for dep in task.get("depends_on") or []:
            dep_key = dep.get("task_key") if isinstance(dep, dict) else None
            if dep_key not in seen:
                raise invalid(f"Task {task['task_key']} depends on {dep_key!r}, which is not a task of this job.")
    order(tasks)  # raises on a cycle
    return copy.deepcopy(tasks)


def dependencies(task: dict[str, Any]) -> list[str]:
    return [d["task_key"] for d in task.get("depends_on") or [] if isinstance(d, dict) and d.get("task_key")]


def order(tasks: list[dict[str, Any]]) -> list[str]:
    """Task keys in dependency order; a cycle is bad input."""
    remaining = {t["task_key"]: set(dependencies(t)) for t in tasks}
    done: list[str] = []
    while remaining:
        ready = sorted(k for k, deps in remaining.items() if deps <= set(done))
        if not ready:
            raise invalid(f"The task dependencies contain a cycle among: {', '.join(sorted(remaining))}")
        done.extend(ready)
        for key in ready:
            del remaining[key]
    return done


def levels(tasks: list[dict[str, Any]]) -> int:
    """Length of the longest dependency chain (tasks on it run one after another)."""
    depth: dict[str, int] = {}
    by_key = {t["task_key"]: t for t in tasks}
    for key in order(tasks):
        depth[key] = 1 + max((depth[d] for d in dependencies(by_key[key])), default=0)
    return max(depth.values(), default=1)


def merge_update(settings: dict[str, Any], new: dict[str, Any], fields_to_remove: list[str]) -> dict[str, Any]:
    """Apply `jobs/update`: top-level fields replaced, arrays merged by their key field."""
    merged = copy.deepcopy(settings)
    for field, value in new.items():
        key_field = _MERGED_ARRAYS.get(field)
        if key_field and isinstance(value, list) and isinstance(merged.get(field), list):
            items = {item.get(key_field): item for item in merged[field] if isinstance(item, dict)}
            for item in value:
                if not isinstance(item, dict) or not item.get(key_field):
                    raise invalid(f"Missing required field: {field}.{key_field}")
                items[item[key_field]] = copy.deepcopy(item)
            merged[field] = list(items.values())
        else:
            merged[field] = copy.deepcopy(value)
    for path in fields_to_remove:
        if not isinstance(path, str):
            raise invalid("Invalid value for fields_to_remove: expected strings")
        field, _, item_key = path.partition("/")
        if item_key and field in _MERGED_ARRAYS:
            merged[field] = [i for i in merged.get(field) or [] if i.get(_MERGED_ARRAYS[field]) != item_key]
        else:
            merged.pop(field, None)
    return merged


def cluster_key(task: dict[str, Any]) -> str | None:
    """Which cluster a task runs on: `job:<key>`, `new:<task_key>`, `existing:<id>`, or None (serverless)."""
    if task.get("job_cluster_key"):
        return f"job:{task['job_cluster_key']}"
    if task.get("new_cluster"):
        return f"new:{task['task_key']}"
    if task.get("existing_cluster_id"):
        return f"existing:{task['existing_cluster_id']}"
    return None


def cluster_specs(tasks: list[dict[str, Any]], job_clusters: list[dict[str, Any]], existing: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Cluster key -> cluster spec for every cluster the tasks use."""
    by_key = {c.get("job_cluster_key"): c.get("new_cluster") or {} for c in job_clusters if isinstance(c, dict)}
    specs: dict[str, dict[str, Any]] = {}
    for task in tasks:
        key = cluster_key(task)
        if key is None:
            continue
        kind, _, name = key.partition(":")
        if kind == "job":
            specs[key] = copy.deepcopy(by_key.get(name, {}))
        elif kind == "new":
            specs[key] = copy.deepcopy(task["new_cluster"])
        else:
            specs[key] = copy.deepcopy(existing.get(name, {}))
    return specs


def failing_task(seed: int, job_id: int, behaviour: str, tasks: list[dict[str, Any]]) -> str | None:
    """The task a job's failure hits: cluster launch failures hit the first task, others a seeded one."""
    if not tasks:
        return None
    keys = order(tasks)
    if behaviour == "capacity":
        return keys[0]
    return keys[int(unit(seed, "failing-task", job_id) * len(keys))]


def baseline_shape(settings: dict[str, Any], task_key: str | None, existing: dict[str, dict[str, Any]]) -> ClusterShape:
    """The cluster the failing task runs on now (the reference an OOM fix is measured against)."""
    tasks = settings.get("tasks") or []
    task = next((t for t in tasks if t.get("task_key") == task_key), tasks[0] if tasks else None)
    if task is None:
        return ClusterShape()
    specs = cluster_specs([task], settings.get("job_clusters") or [], existing)
    key = cluster_key(task)
    return ClusterShape.from_spec(specs.get(key) if key else None)
