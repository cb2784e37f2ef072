"""Pydantic ops models ⇄ Arrow rows and Databricks DDL.

Scalars map to their natural column types; lists of strings to `array<string>`; anything
richer (dicts, nested objects) is stored as a JSON string, which reads the same on every engine.
"""

from __future__ import annotations

import json
import types
import typing
from datetime import UTC, date, datetime
from typing import Any, Literal

import pyarrow as pa

from include.ops.models import OpsRecord


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    """(inner type, nullable) for `X | None`."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0], True
    return annotation, False


def _arrow_type(annotation: Any) -> pa.DataType:
    inner, _ = _unwrap(annotation)
    origin = typing.get_origin(inner)
    if inner is str or origin is Literal:
        return pa.string()
    if inner is bool:
        return pa.bool_()
    if inner is int:
        return pa.int64()
    if inner is float:
        return pa.float64()
    if inner is datetime:
        return pa.timestamp("us", tz="UTC")
    if inner is date:
        return pa.date32()
    if origin is list and typing.get_args(inner) == (str,):
        return pa.list_(pa.string())
    return pa.string()  # JSON


def _is_json(annotation: Any) -> bool:
    return _arrow_type(annotation) == pa.string() and _unwrap(annotation)[0] not in (str,) and (
        typing.get_origin(_unwrap(annotation)[0]) is not Literal
    )


def arrow_schema(model: type[OpsRecord]) -> pa.Schema:
    """Arrow schema of a model's table (column order = field order)."""
    return pa.schema(
        [pa.field(name, _arrow_type(f.annotation)) for name, f in model.model_fields.items()]
    )


_DDL = {
    pa.string(): "STRING",
    pa.bool_(): "BOOLEAN",
    pa.int64(): "BIGINT",
    pa.float64(): "DOUBLE",
    pa.timestamp("us", tz="UTC"): "TIMESTAMP",
    pa.date32(): "DATE",
    pa.list_(pa.string()): "ARRAY<STRING>",
}


def databricks_columns(model: type[OpsRecord]) -> list[tuple[str, str]]:
    """(column, Databricks type) pairs for a model."""
    return [(field.name, _DDL[field.type]) for field in arrow_schema(model)]


def to_row(record: OpsRecord) -> dict[str, Any]:
    """One Arrow-ready row: JSON columns serialised, timestamps made UTC-aware."""
    row: dict[str, Any] = {}
    for name, f in type(record).model_fields.items():
        value = getattr(record, name)
        if value is not None and _is_json(f.annotation):
            value = json.dumps(
                value.model_dump(mode="json") if hasattr(value, "model_dump") else value,
                sort_keys=True,
                default=str,
            )
        elif isinstance(value, datetime) and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        row[name] = value
    return row


def to_table(records: list[OpsRecord]) -> pa.Table:
    """Arrow table of records of one model."""
    model = type(records[0])
    return pa.Table.from_pylist([to_row(r) for r in records], schema=arrow_schema(model))


def from_row(model: type[OpsRecord], row: dict[str, Any]) -> OpsRecord:
    """A model back from a stored row (JSON columns parsed)."""
    values: dict[str, Any] = {}
    for name, f in model.model_fields.items():
        if name not in row:
            continue
        value = row[name]
        if value is not None and _is_json(f.annotation) and isinstance(value, str):
            value = json.loads(value)
        values[name] = value
    return model.model_validate(values)
