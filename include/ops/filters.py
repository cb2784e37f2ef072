"""Filters on ops tables, applied where the data is (pyarrow dataset scan locally, SQL on Databricks).

`where` maps a column to a value (equality), `Since(t)` (column >= t), `Before(t)` (column < t)
or `In(values)`. Reads of tables that grow with history (decisions, findings, runs,
conversations) are bounded by a window or a key this way, never by loading the table into Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from include.clock import as_utc


@dataclass(frozen=True)
class Since:
    """column >= moment."""

    moment: datetime

    def __post_init__(self) -> None:
        object.__setattr__(self, "moment", as_utc(self.moment))


@dataclass(frozen=True)
class Before:
    """column < moment."""

    moment: datetime

    def __post_init__(self) -> None:
        object.__setattr__(self, "moment", as_utc(self.moment))


@dataclass(frozen=True)
class In:
    """column in values (an empty set matches nothing)."""

    values: tuple[Any, ...]

    def __init__(self, values: Any) -> None:
        object.__setattr__(self, "values", tuple(values))


Condition = Any  # a plain value (equality), Since, Before or In


def arrow_filter(where: dict[str, Condition], schema: Any) -> Any:
    """The pyarrow dataset expression for `where` over a table of `schema` (None when empty).

    Both sides are cast to the column's type, strings to plain `string`: files of one Delta table
    can hold `string` or `string_view` (delta-rs writes the latter on MERGE), which do not compare.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    def arrow_type(column: str) -> Any:
        kind = schema.field(column).type
        return pa.string() if pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_string_view(kind) else kind

    def literal(column: str, value: Any) -> Any:
        value = as_utc(value) if isinstance(value, datetime) else value
        return pa.scalar(value, type=arrow_type(column))

    expr = None
    for column, cond in where.items():
        field = pc.field(column).cast(arrow_type(column))
        if isinstance(cond, Since):
            part = field >= literal(column, cond.moment)
        elif isinstance(cond, Before):
            part = field < literal(column, cond.moment)
        elif isinstance(cond, In):
            part = field.isin(pa.array(list(cond.values), type=arrow_type(column)))
        elif cond is None:
            part = field.is_null()
        else:
            part = field == literal(column, cond)
        expr = part if expr is None else expr & part
    return expr


def sql_filter(where: dict[str, Condition], columns: list[str]) -> tuple[str, dict[str, Any]]:
    """(`WHERE …` clause or "", bound parameters) for Databricks SQL; columns are checked against the model."""
    clauses: list[str] = []
    params: dict[str, Any] = {}
    for i, (column, cond) in enumerate(where.items()):
        if column not in columns:
            raise ValueError(f"{column!r} is not a column of this table")
        name = f"w{i}"
        if isinstance(cond, Since):
            clauses.append(f"`{column}` >= :{name}")
            params[name] = cond.moment
        elif isinstance(cond, Before):
            clauses.append(f"`{column}` < :{name}")
            params[name] = cond.moment
        elif isinstance(cond, In):
            if not cond.values:
                clauses.append("FALSE")
                continue
            names = [f"{name}_{j}" for j in range(len(cond.values))]
            clauses.append(f"`{column}` IN ({', '.join(':' + n for n in names)})")
            params.update(dict(zip(names, cond.values, strict=True)))
        elif cond is None:
            clauses.append(f"`{column}` IS NULL")
        else:
            clauses.append(f"`{column}` = :{name}")
            params[name] = cond
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params
