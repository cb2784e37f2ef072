"""The stored daily health reports (`lakepilot.ops.health_reports`)."""

from __future__ import annotations

from datetime import date
from typing import Any

from include.lakehouse.warehouse import Warehouse
from include.ui.models import ReportDetail, ReportsIndex, ReportSummary, SourceNote
from include.ui.ops_sql import existing_ops_tables, json_value, ops_prefix, run_ops_sql


def _summary_fields(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "report_date": row["report_date"],
        "generated_at": row["generated_at"],
        "title": row.get("title") or "",
        "findings_by_severity": json_value(row.get("findings_by_severity"), {}),
        "findings_by_domain": json_value(row.get("findings_by_domain"), {}),
        "emailed_to": list(row.get("emailed_to") or []),
    }


def _exists(warehouse: Warehouse) -> bool:
    return "health_reports" in existing_ops_tables(warehouse, ["health_reports"])


def list_reports(warehouse: Warehouse, limit: int = 60) -> ReportsIndex:
    """Stored reports, newest first (no HTML)."""
    if not _exists(warehouse):
        note = SourceNote(text=f"No report stored yet ({ops_prefix()}.health_reports does not exist).")
        return ReportsIndex(reports=[], notes=[note])
    rows = run_ops_sql(warehouse, "ui/reports", limit=int(limit)).to_pylist()
    return ReportsIndex(reports=[ReportSummary(**_summary_fields(r)) for r in rows])


def get_report(warehouse: Warehouse, report_date: date | None = None) -> ReportDetail | None:
    """The report of `report_date`, or the newest one; None when there is none."""
    if not _exists(warehouse):
        return None
    if report_date is None:
        rows = run_ops_sql(warehouse, "ui/report_latest").to_pylist()
    else:
        rows = run_ops_sql(warehouse, "ui/report_by_date", {"report_date": report_date}).to_pylist()
    if not rows:
        return None
    return ReportDetail(**_summary_fields(rows[0]), html=rows[0].get("html") or "")
