"""The remediation ledger view: what LakePilot decided about failed runs, and what came of it."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote

from include.clock import utcnow
from include.lakehouse.warehouse import Warehouse
from include.ui.models import RemediationFilters, RemediationPage, RemediationRow, SourceNote
from include.ui.ops_sql import existing_ops_tables, json_value, ops_prefix, run_ops_sql

# Columns the remediation DAG may add to link a decision to the Airflow run that made it.
_DAG_ID_COLUMNS = ("airflow_dag_id", "dag_id")
_DAG_RUN_COLUMNS = ("airflow_run_id", "dag_run_id")


def databricks_run_url(workspace_url: str | None, row: dict[str, Any]) -> str | None:
    """Run page of a job run in the Databricks workspace, or None without a real workspace URL."""
    if not workspace_url or not row.get("job_id") or not row.get("run_id"):
        return None
    url = f"{workspace_url.rstrip('/')}/jobs/{quote(str(row['job_id']))}/runs/{quote(str(row['run_id']))}"
    workspace_id = str(row.get("workspace_id") or "")
    return f"{url}?o={quote(workspace_id)}" if workspace_id.isdigit() else url


def _first(row: dict[str, Any], names: tuple[str, ...]) -> str | None:
    for name in names:
        if row.get(name):
            return str(row[name])
    return None


def to_view(row: dict[str, Any], workspace_url: str | None) -> RemediationRow:
    """One ledger row (as stored) to its view, with links."""
    return RemediationRow(
        decision_id=row["decision_id"],
        run_id=str(row["run_id"]),
        attempt=int(row["attempt"]),
        job_id=str(row["job_id"]),
        job_name=row.get("job_name") or "",
        workspace_id=str(row.get("workspace_id") or ""),
        category=row.get("category") or "",
        action=row.get("action") or "",
        confidence=float(row.get("confidence") or 0.0),
        reason=row.get("reason") or "",
        decided_by=row.get("decided_by") or "",
        shadow=bool(row.get("shadow")),
        outcome=row.get("outcome") or "pending",
        outcome_at=row.get("outcome_at"),
        repair_id=row.get("repair_id"),
        error_excerpt=row.get("error_excerpt") or "",
        params_change=json_value(row.get("params_change"), {}),
        decided_at=row["decided_at"],
        databricks_run_url=databricks_run_url(workspace_url, row),
        airflow_dag_id=_first(row, _DAG_ID_COLUMNS),
        airflow_run_id=_first(row, _DAG_RUN_COLUMNS),
    )


def load_ledger(
    warehouse: Warehouse,
    filters: RemediationFilters,
    *,
    workspace_url: str | None = None,
    now: datetime | None = None,
) -> RemediationPage:
    """Ledger entries matching `filters` and the action x outcome counts of the window."""
    now = now or utcnow()
    if "remediation_decisions" not in existing_ops_tables(warehouse, ["remediation_decisions"]):
        note = SourceNote(text=f"No remediation decisions yet ({ops_prefix()}.remediation_decisions does not exist).")
        return RemediationPage(filters=filters, items=[], total=0, by_action_outcome={}, notes=[note])
    params = {
        "since": now - timedelta(days=filters.days),
        "outcome": filters.outcome or "",
        "action": filters.action or "",
        "q": filters.q.strip().lower(),
    }
    rows = run_ops_sql(warehouse, "ui/remediation", params, limit=filters.limit).to_pylist()
    cells = run_ops_sql(warehouse, "ui/remediation_matrix", params).to_pylist()
    matrix: dict[str, dict[str, int]] = {}
    for cell in cells:
        matrix.setdefault(cell["action"], {})[cell["outcome"]] = int(cell["n"])
    total = sum(
        n
        for action, outcomes in matrix.items()
        if not filters.action or action == filters.action
        for outcome, n in outcomes.items()
        if not filters.outcome or outcome == filters.outcome
    )
    items = [to_view(r, workspace_url) for r in rows]
    return RemediationPage(filters=filters, items=items, total=total, by_action_outcome=matrix)
