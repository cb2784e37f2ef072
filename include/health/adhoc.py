"""Read-only ad-hoc queries agents may run: allow-listed by name, parameters typed and bound.

An agent (or its LLM) picks a query name and supplies parameter values; it can never supply SQL
or identifiers. Unknown names, missing or extra parameters and wrong types come back as an
`AdhocResult` with `status="error"` and a message naming the problem, never as an exception.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from include.health.checks.base import clean
from include.lakehouse.warehouse import Warehouse, query_file

log = logging.getLogger(__name__)

ParamKind = Literal["string", "timestamp"]
MAX_STRING = 512


class AdhocQuery(BaseModel):
    """One allow-listed query: its SQL file, what it answers, and its typed parameters."""

    name: str
    description: str
    params: dict[str, ParamKind]

    @property
    def sql(self) -> str:
        return f"health/adhoc/{self.name}"


class AdhocResult(BaseModel):
    """Rows of an ad-hoc query (JSON-friendly), or the reason it could not run."""

    name: str
    status: Literal["ok", "error"]
    rows: list[dict[str, Any]] = Field(default_factory=list)
    row_count: int = 0
    truncated: bool = False
    error: str | None = None


_WINDOW: dict[str, ParamKind] = {"start": "timestamp", "end": "timestamp"}
ADHOC_QUERIES: dict[str, AdhocQuery] = {q.name: q for q in [
    AdhocQuery(name="cost_by_day", description="daily spend of a workspace by SKU", params={"workspace_id": "string", **_WINDOW}),
    AdhocQuery(name="cost_by_workload", description="spend of a workspace by job/warehouse/cluster/endpoint",
               params={"workspace_id": "string", **_WINDOW}),
    AdhocQuery(name="job_run_history", description="runs of a job with results and durations", params={"job_id": "string", **_WINDOW}),
    AdhocQuery(name="job_definition", description="current definition of a job (tags, schedule, SLA, timeout)",
               params={"job_id": "string"}),
    AdhocQuery(name="warehouse_hourly", description="statements, latency and queueing of a warehouse per hour",
               params={"warehouse_id": "string", **_WINDOW}),
    AdhocQuery(name="slowest_queries", description="the 20 slowest statements of a warehouse",
               params={"warehouse_id": "string", **_WINDOW}),
    AdhocQuery(name="audit_by_identity", description="what an identity did, from where, with what outcome",
               params={"email": "string", **_WINDOW}),
    AdhocQuery(name="audit_by_ip", description="who acted from a source IP address", params={"ip": "string", **_WINDOW}),
    AdhocQuery(name="table_upstream", description="sources and writers of a table (one hop)", params={"table_name": "string", **_WINDOW}),
    AdhocQuery(name="table_downstream", description="tables built from a table and its readers (one hop)",
               params={"table_name": "string", **_WINDOW}),
    AdhocQuery(name="cluster_hourly", description="nodes, CPU and memory of a cluster per hour", params={"cluster_id": "string", **_WINDOW}),
    AdhocQuery(name="endpoint_hourly", description="requests and errors of a serving endpoint per hour",
               params={"endpoint_name": "string", **_WINDOW}),
    AdhocQuery(name="monitor_history", description="data-quality monitor results of a table over time",
               params={"table_name": "string", **_WINDOW}),
]}


def _convert(name: str, kind: ParamKind, value: Any) -> datetime | str:
    if kind == "timestamp":
        if isinstance(value, datetime):
            return value if value.tzinfo else value.replace(tzinfo=UTC)
        if isinstance(value, date):
            return datetime(value.year, value.month, value.day, tzinfo=UTC)
        if isinstance(value, str):
            try:
                parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
            except ValueError:
                raise ValueError(f"parameter {name} must be an ISO-8601 timestamp, got {value!r}") from None
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
        raise ValueError(f"parameter {name} must be a timestamp, got {type(value).__name__}")
    if not isinstance(value, str | int) or isinstance(value, bool):
        raise ValueError(f"parameter {name} must be a string, got {type(value).__name__}")
    text = str(value)
    if len(text) > MAX_STRING or any(ord(c) < 32 for c in text):
        raise ValueError(f"parameter {name} must be a single-line string of at most {MAX_STRING} characters")
    return text


def run_adhoc(warehouse: Warehouse, name: str, params: Mapping[str, Any], *, max_rows: int = 200) -> AdhocResult:
    """Run the allow-listed query `name` with `params` bound; at most `max_rows` rows are returned."""
    query = ADHOC_QUERIES.get(name)
    if query is None:
        return AdhocResult(name=name, status="error", error=f"unknown query {name!r}; allowed: {', '.join(sorted(ADHOC_QUERIES))}")
    missing = sorted(set(query.params) - set(params))
    extra = sorted(set(params) - set(query.params))
    if missing or extra:
        problems = ([f"missing {', '.join(missing)}"] if missing else []) + ([f"unexpected {', '.join(extra)}"] if extra else [])
        return AdhocResult(name=name, status="error", error=f"query {name}: {'; '.join(problems)} (expects {', '.join(query.params)})")
    try:
        bound = {k: _convert(k, kind, params[k]) for k, kind in query.params.items()}
        table = query_file(warehouse, query.sql, bound)
    except Exception as exc:  # engine errors are reported to the caller, not raised into the agent loop
        log.info("ad-hoc query %s failed: %s", name, exc)
        return AdhocResult(name=name, status="error", error=str(exc))
    rows = [{k: clean(v) for k, v in row.items()} for row in table.slice(0, max_rows).to_pylist()]
    return AdhocResult(name=name, status="ok", rows=rows, row_count=table.num_rows, truncated=table.num_rows > max_rows)
