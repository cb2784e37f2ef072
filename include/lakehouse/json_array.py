"""The JSON_ARRAY result format of the SQL Statement Execution API, both ways.

Each cell travels as a string (or null): numbers and decimals as their text, booleans as
`true`/`false`, dates ISO, timestamps ISO 8601 UTC with `Z`, binary as base64, and complex types
(STRUCT, ARRAY, MAP) as JSON. `encode_cell` is what the emulator sends; `decode_cell` and
`rows_to_arrow` rebuild Arrow from the manifest's column types (include/lakehouse/statement_api.py),
and read JSON rows the emulator's MERGE receives (`from_json`).
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import logging
from decimal import Decimal
from typing import Any

import pyarrow as pa

from include.lakehouse.schema import databricks_type_to_arrow

log = logging.getLogger(__name__)


class CellError(ValueError):
    """A value that does not fit its column's type."""


def encode_cell(value: Any) -> str | None:
    """One value as JSON_ARRAY carries it: a string, or null."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return _instant(value)
    if isinstance(value, (dt.date, int, float, Decimal, str)):
        return value.isoformat() if isinstance(value, dt.date) else str(value)
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    return json.dumps(_jsonable(value), separators=(",", ":"))


def _instant(value: dt.datetime) -> str:
    if value.tzinfo is None:
        return value.isoformat()
    return value.astimezone(dt.UTC).replace(tzinfo=None).isoformat() + "Z"


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        if value and all(isinstance(p, tuple) and len(p) == 2 for p in value):  # an Arrow map's pairs
            return {str(k): _jsonable(v) for k, v in value}
        return [_jsonable(v) for v in value]
    if isinstance(value, dt.datetime):
        return _instant(value)
    if isinstance(value, (dt.date, Decimal)):
        return str(value)
    return value


def _timestamp(text: str, tz: str | None) -> dt.datetime:
    moment = dt.datetime.fromisoformat(text.strip().replace(" ", "T", 1))
    if tz:
        return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).replace(tzinfo=None) if moment.tzinfo else moment


def decode_cell(value: Any, t: pa.DataType) -> Any:
    """One JSON_ARRAY cell (a string, or inside complex types a JSON value) as Arrow takes it."""
    if value is None:
        return None
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        return value if isinstance(value, str) else json.dumps(value)
    if pa.types.is_boolean(t):
        return value if isinstance(value, bool) else str(value).lower() == "true"
    if pa.types.is_integer(t):
        return int(value)
    if pa.types.is_floating(t):
        return float(value)
    if pa.types.is_decimal(t):
        return Decimal(str(value))
    if pa.types.is_timestamp(t):
        return _timestamp(str(value), t.tz)
    if pa.types.is_date(t):
        return dt.date.fromisoformat(str(value)[:10])
    if pa.types.is_binary(t) or pa.types.is_large_binary(t):
        return base64.b64decode(value)
    if pa.types.is_null(t):
        return None
    parsed = json.loads(value) if isinstance(value, str) else value
    if pa.types.is_struct(t):
        return {t.field(i).name: decode_cell(parsed.get(t.field(i).name), t.field(i).type) for i in range(t.num_fields)}
    if pa.types.is_map(t):
        pairs = parsed.items() if isinstance(parsed, dict) else parsed
        return [(decode_cell(k, t.key_type), decode_cell(v, t.item_type)) for k, v in pairs]
    if pa.types.is_list(t) or pa.types.is_large_list(t):
        return [decode_cell(v, t.value_type) for v in parsed]
    return value


def rows_to_arrow(columns: list[dict[str, Any]], rows: list[list[Any]]) -> pa.Table:
    """A JSON_ARRAY result (manifest columns + rows of strings) as an Arrow table typed by the manifest."""
    fields = []
    for column in columns:
        type_text = column.get("type_text") or column.get("type_name") or "STRING"
        try:
            arrow_type = databricks_type_to_arrow(type_text)
        except ValueError:
            log.warning("result column %s has type %s, which LakePilot reads as text", column.get("name"), type_text)
            arrow_type = pa.string()
        fields.append(pa.field(str(column.get("name")), arrow_type))
    schema = pa.schema(fields)
    arrays = []
    for i, field in enumerate(schema):
        try:
            values = [decode_cell(row[i], field.type) for row in rows]
            arrays.append(pa.array(values, type=field.type))
        except (ValueError, TypeError, KeyError, AttributeError, pa.ArrowException) as exc:
            raise CellError(f"result column {field.name} ({field.type}) holds a value LakePilot cannot read: {exc}") from exc
    return pa.Table.from_arrays(arrays, schema=schema)


__all__ = ["CellError", "decode_cell", "encode_cell", "rows_to_arrow"]
