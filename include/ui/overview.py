"""The landing page's numbers: open findings, recent decisions, approvals, report, LLM spend."""

from __future__ import annotations

from datetime import datetime, timedelta

from include.clock import utcnow
from include.lakehouse.warehouse import Warehouse
from include.ui.findings import load_findings
from include.ui.ledger import load_ledger
from include.ui.models import FindingFilters, OverviewCounts, RemediationFilters, ReportSummary, SourceNote
from include.ui.ops_sql import existing_ops_tables, json_value, run_ops_sql
from include.ui.reports import get_report


def load_overview(
    warehouse: Warehouse,
    *,
    pending_approvals: int,
    now: datetime | None = None,
    notes: list[SourceNote] | None = None,
) -> OverviewCounts:
    """Everything the overview shows, for the last 7 days where a window applies."""
    now = now or utcnow()
    findings = load_findings(warehouse, FindingFilters(status="open", limit=1), now=now)
    by_severity = {s: sum(row[s] for row in findings.matrix.values()) for s in ("critical", "high", "medium", "low")}
    by_domain = {d: sum(row.values()) for d, row in findings.matrix.items()}
    ledger = load_ledger(warehouse, RemediationFilters(days=7, limit=1), now=now)
    by_outcome: dict[str, int] = {}
    for outcomes in ledger.by_action_outcome.values():
        for outcome, n in outcomes.items():
            by_outcome[outcome] = by_outcome.get(outcome, 0) + n
    report = get_report(warehouse)
    calls, cost = 0, 0.0
    if "llm_calls" in existing_ops_tables(warehouse, ["llm_calls"]):
        row = run_ops_sql(warehouse, "ui/llm_recent", {"since": now - timedelta(days=7)}).to_pylist()[0]
        calls, cost = int(row["calls"] or 0), float(row["cost_usd"] or 0.0)
    return OverviewCounts(
        open_findings_by_severity=by_severity,
        open_findings_by_domain=by_domain,
        open_findings_matrix=findings.matrix,
        latest_sweep=findings.latest_sweep,
        decisions_by_outcome=by_outcome,
        pending_approvals=pending_approvals,
        latest_report=ReportSummary(**report.model_dump(exclude={"html"})) if report else None,
        llm_calls_7d=calls,
        llm_cost_usd_7d=round(cost, 6),
        notes=[*(notes or []), *findings.notes, *ledger.notes, *checks_not_run_notes(warehouse)],
    )


def checks_not_run_notes(warehouse: Warehouse) -> list[SourceNote]:
    """A warning per domain whose latest sweep had checks that could not run, naming them and why."""
    if "health_domain_runs" not in existing_ops_tables(warehouse, ["health_domain_runs"]):
        return []
    notes = []
    for row in run_ops_sql(warehouse, "ui/checks_not_run").to_pylist():
        errors = json_value(row["errors"], [])
        if not errors:
            continue
        listed = "; ".join(f"{e.get('check', '?')}: {e.get('error', '')}" for e in errors[:5])
        more = f"; and {len(errors) - 5} more" if len(errors) > 5 else ""
        notes.append(SourceNote(level="warning", text=f"{row['domain']}: {len(errors)} check(s) could not run in the "
                                                         f"latest sweep — {listed}{more}"))
    return notes
