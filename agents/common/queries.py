"""Allow-listed, read-only ad-hoc queries an agent may run: by name, parameters bound, output truncated.

The agent never writes SQL. It picks a query by name from its domain's allow-list and passes
typed parameter values, which are validated here and bound by the engine (never spliced).
Results are capped in rows and cell length and pass through the redaction policy before the
LLM sees them.
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from include.lakehouse.sql_files import load_sql
from include.untrusted.redaction import Redactor

log = logging.getLogger(__name__)

ParamType = Literal["string", "int", "float", "date", "timestamp"]
MAX_ROWS = 50
MAX_CELL_CHARS = 300


class QueryParam(BaseModel):
    """One named parameter of an ad-hoc query."""

    name: str
    type: ParamType = "string"
    description: str = ""
    default: Any = None


class AdhocQuery(BaseModel):
    """A read-only query an agent may run: an `include/sql/<sql_file>.sql` file with `:params`."""

    name: str
    description: str
    sql_file: str
    params: list[QueryParam] = Field(default_factory=list)
    max_rows: int = Field(default=MAX_ROWS, ge=1, le=500)
    sql_text: str | None = Field(default=None, description="inline SQL (tests); otherwise sql_file is loaded")
    registered: bool = Field(default=False, description="run through include.health.adhoc (the checks' registry)")

    def sql(self) -> str:
        return self.sql_text if self.sql_text is not None else load_sql(self.sql_file)


class QueryResult(BaseModel):
    """What a tool returns: rows or an error, never an exception."""

    name: str
    status: Literal["ok", "error"]
    columns: list[str] = Field(default_factory=list)
    rows: list[dict[str, Any]] = Field(default_factory=list)
    row_count: int = 0
    truncated: bool = False
    error: str = ""


def _coerce(param: QueryParam, value: Any) -> Any:
    if param.type == "int":
        return int(value)
    if param.type == "float":
        return float(value)
    if param.type == "date":
        return value if isinstance(value, date) and not isinstance(value, datetime) else date.fromisoformat(str(value)[:10])
    if param.type == "timestamp":
        ts = value if isinstance(value, datetime) else datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        return ts.replace(tzinfo=UTC) if ts.tzinfo is None else ts
    text = str(value)
    if len(text) > 200:
        raise ValueError("string parameters are limited to 200 characters")
    return text


def bind_params(query: AdhocQuery, given: dict[str, Any] | None) -> dict[str, Any]:
    """Validate and type the given values; raise ValueError naming what is wrong."""
    given = dict(given or {})
    known = {p.name: p for p in query.params}
    unknown = sorted(set(given) - set(known))
    if unknown:
        raise ValueError(f"query {query.name} has no parameter(s) {', '.join(unknown)}; it takes: {', '.join(known) or 'none'}")
    bound: dict[str, Any] = {}
    for name, param in known.items():
        value = given.get(name, param.default)
        if value is None:
            raise ValueError(f"query {query.name} needs a value for {name} ({param.type})")
        try:
            bound[name] = _coerce(param, value)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"parameter {name} of {query.name} must be a {param.type}: {exc}") from exc
    return bound


def _cell(value: Any, redactor: Redactor) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, float | int | bool) or value is None:
        return value
    text = value if isinstance(value, str) else str(value)
    text = redactor.text(text)
    return text if len(text) <= MAX_CELL_CHARS else text[: MAX_CELL_CHARS - 1] + "…"


def _result(name: str, rows: list[dict[str, Any]], row_count: int, max_rows: int, redactor: Redactor) -> QueryResult:
    rows = rows[:max_rows]
    return QueryResult(
        name=name,
        status="ok",
        columns=list(rows[0]) if rows else [],
        rows=[{k: _cell(v, redactor) for k, v in row.items()} for row in rows],
        row_count=row_count,
        truncated=row_count > max_rows,
    )


def run_adhoc(warehouse: Any, query: AdhocQuery, params: dict[str, Any] | None, redactor: Redactor) -> QueryResult:
    """Run one allow-listed query; failures come back as `status="error"` with the reason."""
    if query.registered:
        from include.health.adhoc import run_adhoc as run_registered

        done = run_registered(warehouse, query.name, dict(params or {}), max_rows=query.max_rows)
        if done.status != "ok":
            return QueryResult(name=query.name, status="error", error=redactor.text(done.error or "failed")[:500])
        return _result(query.name, done.rows, done.row_count, query.max_rows, redactor)
    try:
        bound = bind_params(query, params)
        table = warehouse.query(query.sql(), bound, name=f"agent:{query.name}")
    except Exception as exc:  # the tool reports; the agent decides what to do next
        log.info("ad-hoc query %s failed: %s", query.name, exc)
        return QueryResult(name=query.name, status="error", error=redactor.text(str(exc))[:500])
    return _result(query.name, table.slice(0, query.max_rows).to_pylist(), table.num_rows, query.max_rows, redactor)


def domain_queries(names: tuple[str, ...]) -> list[AdhocQuery]:
    """The named queries of the health checks' registry (`include.health.adhoc`), as agent queries.

    A domain lists the names its agent may use; names the registry does not have are skipped,
    and without the registry the agent simply gets no query tools.
    """
    try:
        from include.health.adhoc import ADHOC_QUERIES
    except ImportError:
        return []
    out = []
    for name in names:
        spec = ADHOC_QUERIES.get(name)
        if spec is None:
            log.warning("ad-hoc query %r is not in the registry; the agent will not offer it", name)
            continue
        out.append(AdhocQuery(
            name=spec.name, description=spec.description, sql_file=spec.sql, registered=True,
            params=[QueryParam(name=k, type=kind, description="ISO-8601 UTC" if kind == "timestamp" else "")
                    for k, kind in spec.params.items()],
        ))
    return out
