"""Numbers the checks do not give: the orchestrator's allow-listed, read-only evidence queries.

Each query is a Databricks SQL file in `agents/orchestrator/sql/` with named parameters, run
through `agents.common.queries.run_adhoc` (parameters typed and bound, rows capped, text
redacted, errors returned rather than raised). Which queries run is decided here from the
domain and the question's window — never by an LLM, and never with user text in the SQL.
"""

from __future__ import annotations

import functools
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from agents.common.queries import AdhocQuery, QueryParam, run_adhoc
from agents.orchestrator.models import EvidenceTable
from agents.orchestrator.planning import SweepPlan
from agents.orchestrator.router.models import TimeWindow
from include.lakehouse.sql_files import load_sql
from include.ops.models import Domain
from include.untrusted.redaction import Redactor

SQL_ROOT = Path(__file__).resolve().parent / "sql"
BASELINE_DAYS = 7
# Daily series longer than this are not fetched day by day (the window totals still are).
MAX_SERIES_DAYS = 62


class EvidenceSpec(BaseModel):
    """One evidence query: its allow-listed definition and the domain it belongs to."""

    domain: Domain
    query: AdhocQuery


def _ts(name: str, description: str) -> QueryParam:
    return QueryParam(name=name, type="timestamp", description=description)


@functools.cache
def registry() -> dict[str, EvidenceSpec]:
    """Every evidence query by name (the allow-list)."""
    specs = [
        ("cost", "cost_by_day", "Spend per UTC day and workspace (list prices)", 500,
         [_ts("start", "first day"), _ts("end", "end (exclusive)")]),
        ("cost", "cost_drivers", "Workloads whose spend in the window changed most against the baseline before it", 15,
         [_ts("baseline_start", "baseline start"), _ts("start", "window start"), _ts("end", "window end"),
          QueryParam(name="baseline_scale", type="float", description="window length / baseline length")]),
        ("reliability", "failed_runs", "Jobs with failed runs in the window: counts, codes and what the failed runs cost", 25,
         [_ts("start", "window start"), _ts("end", "window end"), _ts("usage_start", "earliest billing to consider")]),
        ("reliability", "failures_by_day", "Finished and failed job runs per UTC day and workspace", 500,
         [_ts("start", "first day"), _ts("end", "end (exclusive)")]),
    ]
    out: dict[str, EvidenceSpec] = {}
    for domain, name, description, max_rows, params in specs:
        query = AdhocQuery(name=name, description=description, sql_file=f"orchestrator/{name}", params=params,
                           max_rows=max_rows, sql_text=load_sql(name, root=SQL_ROOT))
        out[name] = EvidenceSpec(domain=domain, query=query)
    return out


def _day(value: datetime) -> datetime:
    return value.replace(hour=0, minute=0, second=0, microsecond=0)


def baseline_of(plan: SweepPlan, window: TimeWindow | None) -> tuple[datetime, datetime]:
    """What the window is compared with: the question's comparison window, else the 7 days before it."""
    if window is not None and window.comparison is not None:
        return window.comparison.start, window.comparison.end
    return plan.start - timedelta(days=BASELINE_DAYS), plan.start


def evidence_params(domain: Domain, plan: SweepPlan, window: TimeWindow | None) -> dict[str, dict[str, Any]]:
    """The evidence queries a domain runs for this window, with their parameter values."""
    base_start, base_end = baseline_of(plan, window)
    series_start = _day(min(base_start, plan.start))
    if (plan.end - series_start).days > MAX_SERIES_DAYS:
        series_start = _day(plan.start)
    if domain == "cost":
        scale = (plan.end - plan.start).total_seconds() / max((base_end - base_start).total_seconds(), 1.0)
        return {
            "cost_by_day": {"start": series_start, "end": plan.end},
            "cost_drivers": {"baseline_start": base_start, "start": plan.start, "end": plan.end, "baseline_scale": scale},
        }
    if domain == "reliability":
        return {
            "failed_runs": {"start": plan.start, "end": plan.end, "usage_start": plan.start - timedelta(days=1)},
            "failures_by_day": {"start": series_start, "end": plan.end},
        }
    return {}


def run_evidence(domain: Domain, plan: SweepPlan, window: TimeWindow | None, warehouse: Any) -> list[EvidenceTable]:
    """Run the domain's evidence queries; a failed query comes back with its error, never raises."""
    out: list[EvidenceTable] = []
    redactor = Redactor()
    for name, params in evidence_params(domain, plan, window).items():
        spec = registry()[name]
        result = run_adhoc(warehouse, spec.query, params, redactor)
        out.append(EvidenceTable(
            name=name, domain=domain, description=spec.query.description, status=result.status,
            params={k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in params.items()},
            columns=result.columns, rows=result.rows, row_count=result.row_count, truncated=result.truncated,
            error=result.error,
        ))
    return out
