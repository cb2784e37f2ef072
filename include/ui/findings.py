"""The findings view: open findings (each domain's latest sweep) or history, with filters."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from include.clock import utcnow
from include.lakehouse.warehouse import QueryError, Warehouse
from include.ops.arrow import from_row
from include.ops.models import DOMAINS, Finding
from include.ui.models import FindingFilters, FindingIssue, FindingsPage, SourceNote
from include.ui.ops_sql import existing_ops_tables, ops_prefix, run_ops_sql

log = logging.getLogger(__name__)

SEVERITIES = ("critical", "high", "medium", "low")


def empty_matrix() -> dict[str, dict[str, int]]:
    """domain -> severity -> 0 for every domain and severity (stable table and chart shape)."""
    return {d: dict.fromkeys(SEVERITIES, 0) for d in DOMAINS}


def _params(filters: FindingFilters, now: datetime) -> dict[str, object]:
    return {
        "since": now - timedelta(days=filters.days),
        "domain": filters.domain or "",
        "severity": filters.severity or "",
        "q": filters.q.strip().lower(),
    }


def load_findings(warehouse: Warehouse, filters: FindingFilters, now: datetime | None = None) -> FindingsPage:
    """Findings matching `filters`, the domain x severity matrix of their scope, and sweep times."""
    now = now or utcnow()
    notes: list[SourceNote] = []
    tables = existing_ops_tables(warehouse, ["findings", "health_domain_runs", "finding_states"])
    if "findings" not in tables:
        notes.append(SourceNote(text=f"No findings recorded yet ({ops_prefix()}.findings does not exist)."))
        return FindingsPage(filters=filters, items=[], total=0, matrix=empty_matrix(),
                            latest_sweep=dict.fromkeys(DOMAINS), notes=notes)
    params = _params(filters, now)
    constants = {"status": filters.status, "with_runs": "health_domain_runs" in tables, "limit": filters.limit,
                 "with_states": "finding_states" in tables}
    try:
        rows = run_ops_sql(warehouse, "ui/findings", params, **constants).to_pylist()
        cells = run_ops_sql(warehouse, "ui/findings_matrix", params, **constants).to_pylist()
        sweeps = run_ops_sql(warehouse, "ui/latest_sweeps", {}, with_runs=constants["with_runs"]).to_pylist()
    except QueryError as exc:
        if not constants["with_runs"]:
            raise
        # The sweep-record table belongs to the health pipeline; if its shape is not what we
        # expect, fall back to findings alone and say so rather than showing nothing.
        log.warning("health_domain_runs not usable for open findings: %s", exc)
        notes.append(SourceNote(level="warning", text="Sweep records (health_domain_runs) could not be read; "
                                "open findings are taken from each domain's latest findings only."))
        constants["with_runs"] = False
        rows = run_ops_sql(warehouse, "ui/findings", params, **constants).to_pylist()
        cells = run_ops_sql(warehouse, "ui/findings_matrix", params, **constants).to_pylist()
        sweeps = run_ops_sql(warehouse, "ui/latest_sweeps", {}, with_runs=False).to_pylist()
    matrix = empty_matrix()
    for cell in cells:
        if cell["domain"] in matrix and cell["severity"] in matrix[cell["domain"]]:
            matrix[cell["domain"]][cell["severity"]] = int(cell["n"])
    total = sum(
        n
        for domain, by_sev in matrix.items()
        if not filters.domain or domain == filters.domain
        for severity, n in by_sev.items()
        if not filters.severity or severity == filters.severity
    )
    latest: dict[str, datetime | None] = dict.fromkeys(DOMAINS)
    for sweep in sweeps:
        latest[sweep["domain"]] = sweep["window_end"]
    items = [from_row(Finding, row) for row in rows]
    issues = {
        row["finding_id"]: FindingIssue(issue_key=row["issue_key"], status=row["issue_status"],
                                        first_seen=row.get("issue_first_seen"), reopened=int(row.get("issue_reopened") or 0),
                                        changed_by=row.get("issue_changed_by") or "", reason=row.get("issue_reason") or "")
        for row in rows if row.get("issue_key")
    }
    return FindingsPage(filters=filters, items=items, total=total, matrix=matrix,
                        latest_sweep=latest, notes=notes, issues=issues)
