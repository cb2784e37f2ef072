"""Approvals waiting for a human, joined with the provisioning runs LakePilot recorded.

Which approvals are pending is Airflow's truth (its human-in-the-loop records); what is being
approved (plan summary, resources, estimated cost, requester) is LakePilot's
(`lakepilot.ops.provisioning_runs`). They are joined on the Airflow run id: a provisioning
record matches when its `run_id` (or an `airflow_run_id`/`dag_run_id` column, if the
provisioning pipeline adds one) equals the approval's `dag_run_id`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import quote

from include.clock import utcnow
from include.lakehouse.warehouse import Warehouse
from include.ops.arrow import from_row
from include.ops.models import ProvisioningRun
from include.ui.models import ApprovalsPage, ApprovalView, PendingApproval, SourceNote
from include.ui.ops_sql import existing_ops_tables, run_ops_sql

_RUN_LINK_COLUMNS = ("run_id", "airflow_run_id", "dag_run_id")


def approval_path(dag_id: str, dag_run_id: str, task_id: str, map_index: int = -1) -> str:
    """Path of a task's "required actions" page in the Airflow 3 UI (relative to the UI root)."""
    path = f"/dags/{quote(dag_id, safe='')}/runs/{quote(dag_run_id, safe='')}/tasks/{quote(task_id, safe='')}"
    if map_index >= 0:
        path += f"/mapped/{map_index}"
    return path + "/required_actions"


def recent_provisioning_rows(warehouse: Warehouse, limit: int = 200) -> list[dict[str, Any]]:
    """Recent provisioning runs as stored (raw rows keep columns the model does not know)."""
    if "provisioning_runs" not in existing_ops_tables(warehouse, ["provisioning_runs"]):
        return []
    table = run_ops_sql(warehouse, "ui/provisioning_recent", limit=int(limit))
    rows: list[dict[str, Any]] = table.to_pylist()
    return rows


def build_approvals_page(
    pending: list[PendingApproval],
    provisioning_rows: list[dict[str, Any]],
    *,
    now: datetime | None = None,
    notes: list[SourceNote] | None = None,
    recent: int = 20,
) -> ApprovalsPage:
    """Join pending approvals with their provisioning runs; oldest wait first."""
    now = now or utcnow()
    by_run: dict[str, dict[str, Any]] = {}
    for row in provisioning_rows:
        for column in _RUN_LINK_COLUMNS:
            if row.get(column):
                by_run.setdefault(str(row[column]), row)
    views: list[ApprovalView] = []
    for item in sorted(pending, key=lambda p: p.created_at):
        linked = by_run.get(item.dag_run_id)
        views.append(
            ApprovalView(
                **item.model_dump(),
                waiting_s=max((now - item.created_at).total_seconds(), 0.0),
                approval_path=approval_path(item.dag_id, item.dag_run_id, item.task_id, item.map_index),
                provisioning=from_row(ProvisioningRun, linked) if linked else None,
            )
        )
    runs = [from_row(ProvisioningRun, r) for r in provisioning_rows[:recent]]
    return ApprovalsPage(pending=views, recent_runs=runs, notes=list(notes or []))
