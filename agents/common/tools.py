"""The read-only tools every domain agent gets (LangChain builds their schemas from the signatures).

All tools only read: the sweep's findings, the allow-listed ad-hoc queries of the domain, and
the history of earlier findings in the ops store. None can change anything, so nothing an
LLM reads (log text inside evidence, say) can make it act. Each returns JSON text carrying
its own error instead of raising.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, timedelta
from typing import Any

from agents.common.queries import AdhocQuery, run_adhoc
from include.health.models import DomainSweep
from include.ops.models import Finding
from include.untrusted.redaction import Redactor

log = logging.getLogger(__name__)

MAX_QUERY_CALLS = 6
MAX_HISTORY_DAYS = 30


def _json(value: Any) -> str:
    return json.dumps(value, default=str, separators=(",", ":"))


@dataclass
class ToolContext:
    """What the tools of one analysis can see."""

    sweep: DomainSweep
    findings: list[Finding]
    redactor: Redactor
    warehouse: Any | None = None
    queries: dict[str, AdhocQuery] = field(default_factory=dict)
    store: Any | None = None
    max_query_calls: int = MAX_QUERY_CALLS
    calls: Counter[str] = field(default_factory=Counter)

    def brief(self, f: Finding) -> dict[str, Any]:
        return {
            "finding_id": f.finding_id,
            "check": f.check,
            "severity": f.severity,
            "entity": f"{f.entity_type} {self.redactor.text(f.entity_id)}",
            "metric": f.metric,
            "observed": f.observed,
            "baseline": f.baseline,
            "summary": self.redactor.text(f.summary),
        }


def build_common_tools(ctx: ToolContext) -> list[Any]:
    """LangChain tools bound to one analysis' context."""
    from langchain_core.tools import StructuredTool

    by_id = {f.finding_id: f for f in ctx.findings}

    def list_findings() -> str:
        """List this sweep's findings (most severe first) with metric, observed value and baseline."""
        ctx.calls["list_findings"] += 1
        return _json({"as_of": ctx.sweep.as_of, "findings": [ctx.brief(f) for f in ctx.findings],
                      "check_errors": [e.model_dump() for e in ctx.sweep.errors]})

    def get_finding(finding_id: str) -> str:
        """Full detail of one finding, including its evidence, by finding_id."""
        ctx.calls["get_finding"] += 1
        f = by_id.get(finding_id)
        if f is None:
            return _json({"status": "error", "error": f"no finding {finding_id!r}; use list_findings for valid ids"})
        detail = ctx.brief(f) | {
            "window_start": f.window_start, "window_end": f.window_end,
            "check_recommendation": ctx.redactor.text(f.recommendation),
            "evidence": ctx.redactor.value(f.evidence),
        }
        return _json({"status": "ok", "finding": detail})

    def list_queries() -> str:
        """The read-only queries you may run with run_query: names, descriptions, parameters."""
        ctx.calls["list_queries"] += 1
        return _json([
            {"name": q.name, "description": q.description,
             "params": [{"name": p.name, "type": p.type, "description": p.description, "default": p.default} for p in q.params]}
            for q in ctx.queries.values()
        ])

    def run_query(name: str, params: dict[str, str | int | float] | None = None) -> str:
        """Run one allow-listed read-only query by name with typed parameter values; returns at most a few dozen rows."""
        ctx.calls["run_query"] += 1
        if ctx.calls["run_query"] > ctx.max_query_calls:
            return _json({"status": "error", "error": f"query budget of {ctx.max_query_calls} calls used up; answer now"})
        query = ctx.queries.get(name)
        if query is None:
            return _json({"status": "error", "error": f"{name!r} is not an allowed query; allowed: {sorted(ctx.queries)}"})
        if ctx.warehouse is None:
            return _json({"status": "error", "error": "no warehouse available for queries in this run"})
        return _json(run_adhoc(ctx.warehouse, query, params, ctx.redactor).model_dump())

    def finding_history(check: str | None = None, days: int = 7) -> str:
        """How many findings this domain (optionally one check) produced per day over the previous days: the baseline."""
        ctx.calls["finding_history"] += 1
        if ctx.store is None:
            return _json({"status": "error", "error": "no finding history available in this run"})
        days = max(1, min(int(days), MAX_HISTORY_DAYS))
        as_of = ctx.sweep.as_of if ctx.sweep.as_of.tzinfo else ctx.sweep.as_of.replace(tzinfo=UTC)
        since = as_of - timedelta(days=days)
        per_day: Counter[str] = Counter()
        for f in ctx.store.read(Finding, {"domain": ctx.sweep.domain}):
            end = f.window_end if f.window_end.tzinfo else f.window_end.replace(tzinfo=UTC)
            if since <= end < as_of and (check is None or f.check == check):
                per_day[end.date().isoformat()] += 1
        return _json({"status": "ok", "domain": ctx.sweep.domain, "check": check, "days": days,
                      "findings_per_day": dict(sorted(per_day.items()))})

    funcs: list[Callable[..., str]] = [list_findings, get_finding, finding_history]
    if ctx.queries:
        funcs += [list_queries, run_query]
    return [StructuredTool.from_function(func=fn, name=fn.__name__, description=fn.__doc__) for fn in funcs]


