"""Turn a decision's allow-listed `ParamsChange` into a `jobs/update` body for the failed tasks' clusters.

Repairs run with the job's *current* settings, so RETRY_WITH_NEW_PARAMS first updates the job:
the `job_clusters[]` entries (or task `new_cluster`s) used by the failed tasks, and the timeout
where one is configured. Entries are sent whole (`jobs/update` replaces array items by key).

The change was planned from the cluster the failed run used. If someone changed the job since,
to something that is neither that nor the target, applying ours could undo their change (e.g.
shrink a node type they had already raised): that is refused, and a person is told instead.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from include.remediation.params import ParamsChange
from include.remediation.run_context import cluster_settings

_CLUSTER_KEYS = ("node_type_id", "driver_node_type_id")


class JobChangeRefused(ValueError):
    """The change cannot be applied safely; the message says why (shown to the owner)."""


class JobUpdate(BaseModel):
    """The `new_settings` for `jobs/update`, and a short description of what changes."""

    new_settings: dict[str, Any] = Field(default_factory=dict)
    described: list[str] = Field(default_factory=list)

    def is_empty(self) -> bool:
        return not self.new_settings


def _workers(spec: dict[str, Any]) -> Any:
    autoscale = spec.get("autoscale")
    return autoscale.get("max_workers") if isinstance(autoscale, dict) else spec.get("num_workers")


def _check_unchanged(where: str, current: dict[str, Any], at_failure: dict[str, Any] | None, change: ParamsChange) -> None:
    """Refuse when the job's spec moved away from the failed run's spec on a key the change touches."""
    if at_failure is None:
        return
    target = change.apply_to_cluster(current)
    touched = [k for k in _CLUSTER_KEYS if getattr(change, k)]
    for key in touched:
        now, then = current.get(key), at_failure.get(key)
        if now not in (then, target.get(key)):
            raise JobChangeRefused(f"{where}: {key} is now {now!r} (was {then!r} when the run failed); not overriding it")
    if change.num_workers is not None and _workers(current) not in (_workers(at_failure), change.num_workers):
        raise JobChangeRefused(f"{where}: the worker count changed since the run failed; not overriding it")
    for key, value in change.spark_conf.items():
        now_conf = (current.get("spark_conf") or {}).get(key)
        if now_conf not in ((at_failure.get("spark_conf") or {}).get(key), value):
            raise JobChangeRefused(f"{where}: {key} changed since the run failed; not overriding it")


def plan_job_update(
    job: dict[str, Any],
    run: dict[str, Any],
    task_keys: list[str],
    params_change: dict[str, Any],
) -> JobUpdate:
    """The `jobs/update` settings applying `params_change` to the clusters of the failed tasks.

    Args:
        job: `jobs/get` response (current settings).
        run: `runs/get` response of the failed run (the cluster specs it ran with).
        task_keys: the failed tasks (from the decision).
        params_change: the decision's allow-listed change.

    Raises:
        JobChangeRefused: nothing to apply the change to, or the job changed since the failure.
    """
    change = ParamsChange(**params_change)
    settings = job.get("settings") or {}
    tasks = list(settings.get("tasks") or [])
    wanted = set(task_keys)
    targets = [t for t in tasks if t.get("task_key") in wanted] or (tasks if len(tasks) == 1 else [])
    if not targets:
        raise JobChangeRefused(f"none of the failed tasks ({', '.join(sorted(wanted)) or '?'}) is in the job any more")
    run_clusters = {c.get("job_cluster_key"): c.get("new_cluster") for c in run.get("job_clusters") or []}
    run_tasks = {t.get("task_key"): t for t in run.get("tasks") or []}
    resizes = bool(change.node_type_id or change.driver_node_type_id or change.num_workers or change.spark_conf)
    cluster_keys = sorted({str(t["job_cluster_key"]) for t in targets if t.get("job_cluster_key")})
    update = JobUpdate()
    if resizes:
        new_clusters = []
        first_spec: dict[str, Any] | None = None
        for entry in settings.get("job_clusters") or []:
            key = entry.get("job_cluster_key")
            if key in cluster_keys and entry.get("new_cluster"):
                _check_unchanged(f"job cluster {key}", entry["new_cluster"], run_clusters.get(key), change)
                first_spec = first_spec or entry["new_cluster"]
                new_clusters.append({**entry, "new_cluster": change.apply_to_cluster(entry["new_cluster"])})
        new_tasks = []
        for task in targets:
            if task.get("new_cluster"):
                at_failure = (run_tasks.get(task.get("task_key")) or {}).get("new_cluster")
                _check_unchanged(f"task {task.get('task_key')}", task["new_cluster"], at_failure, change)
                first_spec = first_spec or task["new_cluster"]
                new_tasks.append({**task, "new_cluster": change.apply_to_cluster(task["new_cluster"])})
        if not new_clusters and not new_tasks:
            raise JobChangeRefused(
                "the failed tasks run on an existing cluster or serverless compute; there is no job cluster to resize"
            )
        if new_clusters:
            update.new_settings["job_clusters"] = new_clusters
        if new_tasks:
            update.new_settings["tasks"] = new_tasks
        update.described.append(
            change.model_copy(update={"timeout_seconds": None}).describe(cluster_settings(first_spec))
        )
    if change.timeout_seconds:
        timed = [t for t in targets if t.get("timeout_seconds")]
        if timed:
            merged = {t["task_key"]: t for t in update.new_settings.get("tasks", [])}
            for task in timed:
                merged[task["task_key"]] = {**merged.get(task["task_key"], task), "timeout_seconds": change.timeout_seconds}
            update.new_settings["tasks"] = list(merged.values())
        elif settings.get("timeout_seconds"):
            update.new_settings["timeout_seconds"] = change.timeout_seconds
        else:
            raise JobChangeRefused("no timeout is configured on the job or its failed tasks")
        update.described.append(f"timeout -> {change.timeout_seconds}s")
    return update
