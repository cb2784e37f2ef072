"""`lakepilot.ops.task_metrics`: how long LakePilot's steps took, for the Prometheus metrics.

Sweep durations are already kept in `lakepilot.ops.health_domain_runs` (`duration_s`), so the
health DAGs need nothing from here. Steps that keep no such record (remediation triage, and
any other step worth watching) record one row per run with `record_duration` or `timed`:

    with timed("triage", "pattern", run_key=f"{run_id}:{attempt}", store=store):
        result = triage(...)

Keyed by (kind, name, run_key): a retried task updates its row instead of adding a second.
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
from collections.abc import Iterator
from datetime import datetime
from typing import Any, Literal

from pydantic import Field

from include.clock import utcnow
from include.ops.models import OpsRecord, register_ops_model, stable_id

log = logging.getLogger(__name__)

TaskStatus = Literal["ok", "error"]
_NAME_PATTERN = r"^[a-z][a-z0-9_.-]{0,63}$"


@register_ops_model
class TaskDuration(OpsRecord):
    """One timed run of one LakePilot step."""

    __table__ = "task_metrics"
    __key__ = ("metric_id",)

    metric_id: str = ""
    kind: str = Field(pattern=_NAME_PATTERN, description="What was timed: 'triage', 'sweep', 'plan', ...")
    name: str = Field(pattern=_NAME_PATTERN, description="Which one: triage path, domain, stack, ...")
    run_key: str
    duration_s: float = Field(ge=0)
    status: TaskStatus = "ok"
    dag_id: str | None = None
    task_id: str | None = None
    dag_run_id: str | None = None
    recorded_at: datetime = Field(default_factory=utcnow)

    def model_post_init(self, _context: Any) -> None:
        if not self.metric_id:
            self.metric_id = stable_id(self.kind, self.name, self.run_key)


def _default_run_key() -> str:
    dag_run = os.environ.get("AIRFLOW_CTX_DAG_RUN_ID")
    task = os.environ.get("AIRFLOW_CTX_TASK_ID")
    return f"{dag_run}:{task}" if dag_run else f"adhoc:{utcnow().isoformat()}"


def record_duration(
    kind: str,
    name: str,
    seconds: float,
    *,
    run_key: str | None = None,
    status: TaskStatus = "ok",
    store: Any = None,
) -> TaskDuration:
    """Store one duration (MERGE on kind, name, run_key) and return the record.

    Args:
        kind: what was timed (lower_snake), e.g. `triage`.
        name: which one, e.g. the triage path `pattern` or `llm`.
        seconds: the measured duration.
        run_key: identifies the run; default: the Airflow dag run and task of this process.
        status: `error` when the step raised.
        store: an ops store; default: the one for this process's warehouse.
    """
    record = TaskDuration(
        kind=kind,
        name=name,
        run_key=run_key or _default_run_key(),
        duration_s=max(float(seconds), 0.0),
        status=status,
        dag_id=os.environ.get("AIRFLOW_CTX_DAG_ID"),
        task_id=os.environ.get("AIRFLOW_CTX_TASK_ID"),
        dag_run_id=os.environ.get("AIRFLOW_CTX_DAG_RUN_ID"),
    )
    if store is None:
        from include.metrics.warehouse_env import warehouse_from_env
        from include.ops.store import get_ops_store

        store = get_ops_store(warehouse_from_env())
    store.upsert([record])
    return record


@contextlib.contextmanager
def timed(kind: str, name: str, *, run_key: str | None = None, store: Any = None) -> Iterator[None]:
    """Time the block and record it; a failure to record is logged, never raised over the block's result."""
    t0 = time.perf_counter()
    status: TaskStatus = "ok"
    try:
        yield
    except BaseException:
        status = "error"
        raise
    finally:
        try:
            record_duration(kind, name, time.perf_counter() - t0, run_key=run_key, status=status, store=store)
        except Exception as exc:
            log.warning("could not record %s/%s duration: %s", kind, name, exc)
