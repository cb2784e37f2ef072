"""Databricks column types ⇄ Arrow, and schema checks that name what is wrong.

Schemas are written once, as Databricks DDL column lists (`system_tables.py`), and turned into
Arrow schemas here with sqlglot, so the text a user would read in `DESCRIBE` is the source.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import pyarrow as pa
import sqlglot
from sqlglot import exp

from include.lakehouse.system_tables import PER_OBJECT_TABLES, SYSTEM_TABLES


class SchemaMismatchError(ValueError):
    """A table's columns are not what the Databricks table has."""


_SCALARS: dict[exp.DType, pa.DataType] = {  # DType: the enum behind DataType.Type
    exp.DataType.Type.TEXT: pa.string(),
    exp.DataType.Type.VARCHAR: pa.string(),
    exp.DataType.Type.BIGINT: pa.int64(),
    exp.DataType.Type.INT: pa.int32(),
    exp.DataType.Type.SMALLINT: pa.int16(),
    exp.DataType.Type.TINYINT: pa.int8(),
    exp.DataType.Type.DOUBLE: pa.float64(),
    exp.DataType.Type.FLOAT: pa.float32(),
    exp.DataType.Type.BOOLEAN: pa.bool_(),
    exp.DataType.Type.DATE: pa.date32(),
    # Databricks TIMESTAMP is an instant stored in UTC (Delta `timestamp`).
    exp.DataType.Type.TIMESTAMPTZ: pa.timestamp("us", tz="UTC"),
    exp.DataType.Type.TIMESTAMP: pa.timestamp("us", tz="UTC"),
    exp.DataType.Type.TIMESTAMPNTZ: pa.timestamp("us"),
    exp.DataType.Type.BINARY: pa.binary(),
    exp.DataType.Type.NULL: pa.null(),
}


def _to_arrow(dtype: exp.DataType) -> pa.DataType:
    kind = dtype.this
    if kind in _SCALARS:
        return _SCALARS[kind]
    params = dtype.expressions
    if kind == exp.DataType.Type.DECIMAL:
        precision, scale = (int(p.name) for p in params)
        return pa.decimal128(precision, scale)
    if kind == exp.DataType.Type.ARRAY:
        return pa.list_(_to_arrow(params[0]))
    if kind == exp.DataType.Type.MAP:
        return pa.map_(_to_arrow(params[0]), _to_arrow(params[1]))
    if kind == exp.DataType.Type.STRUCT:
        return pa.struct([pa.field(col.name, _to_arrow(col.args["kind"])) for col in params])
    raise ValueError(f"unsupported Databricks type {dtype.sql('databricks')}")


def databricks_type_to_arrow(type_text: str) -> pa.DataType:
    """Arrow type for one Databricks type text as `DESCRIBE` or a result manifest shows it."""
    try:
        return _to_arrow(exp.DataType.build(type_text, dialect="databricks"))
    except (sqlglot.errors.ParseError, ValueError, TypeError) as exc:
        raise ValueError(f"cannot read the Databricks type {type_text!r}: {exc}") from None


def arrow_to_databricks_type(t: pa.DataType) -> str:
    """Databricks type text for an Arrow type (what a result manifest's `type_text` says)."""
    if pa.types.is_list(t) or pa.types.is_large_list(t) or pa.types.is_list_view(t):
        return f"ARRAY<{arrow_to_databricks_type(t.value_type)}>"
    if pa.types.is_map(t):
        return f"MAP<{arrow_to_databricks_type(t.key_type)}, {arrow_to_databricks_type(t.item_type)}>"
    if pa.types.is_struct(t):
        fields = (f"{_ident(t.field(i).name)}: {arrow_to_databricks_type(t.field(i).type)}" for i in range(t.num_fields))
        return f"STRUCT<{', '.join(fields)}>"
    if pa.types.is_decimal(t):
        return f"DECIMAL({t.precision},{t.scale})"
    if pa.types.is_timestamp(t):
        return "TIMESTAMP" if t.tz else "TIMESTAMP_NTZ"
    for test, name in _ARROW_NAMES:
        if test(t):
            return name
    return "STRING"  # intervals and other engine-only types travel as text


def _ident(name: str) -> str:
    return name if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name) else "`" + name.replace("`", "``") + "`"


_ARROW_NAMES = (
    (pa.types.is_boolean, "BOOLEAN"), (pa.types.is_int8, "TINYINT"), (pa.types.is_int16, "SMALLINT"),
    (pa.types.is_int32, "INT"), (pa.types.is_int64, "BIGINT"), (pa.types.is_unsigned_integer, "BIGINT"),
    (pa.types.is_float32, "FLOAT"), (pa.types.is_floating, "DOUBLE"), (pa.types.is_date, "DATE"),
    (pa.types.is_binary, "BINARY"), (pa.types.is_large_binary, "BINARY"), (pa.types.is_null, "VOID"),
)


def ddl_to_arrow(columns_ddl: str) -> pa.Schema:
    """Arrow schema for a Databricks column list such as `a string, b map<string,bigint>`."""
    create = sqlglot.parse_one(f"CREATE TABLE t ({columns_ddl})", read="databricks")
    fields = [pa.field(col.name, _to_arrow(col.args["kind"])) for col in create.this.expressions]
    return pa.schema(fields)


@functools.cache
def system_table_schema(full_name: str) -> pa.Schema:
    """Arrow schema of a system table, e.g. `system.billing.usage`."""
    try:
        return ddl_to_arrow(SYSTEM_TABLES[full_name])
    except KeyError:
        known = ", ".join(sorted(SYSTEM_TABLES))
        raise KeyError(f"{full_name} is not a system table LakePilot knows; known: {known}") from None


@functools.cache
def system_table_types(full_name: str) -> dict[str, exp.DataType]:
    """Databricks type of every column and struct field of a system table, by dotted path."""
    create = sqlglot.parse_one(f"CREATE TABLE t ({SYSTEM_TABLES[full_name]})", read="databricks")
    out: dict[str, exp.DataType] = {}

    def walk(prefix: str, dtype: exp.DataType) -> None:
        out[prefix] = dtype
        if dtype.this == exp.DataType.Type.STRUCT:
            for col in dtype.expressions:
                walk(f"{prefix}.{col.name}", col.args["kind"])

    for col in create.this.expressions:
        walk(col.name, col.args["kind"])
    return out


@functools.cache
def per_object_schema(kind: str) -> pa.Schema:
    """Arrow schema of a per-object table kind (`drift_metrics`, `inference_payload`)."""
    return ddl_to_arrow(PER_OBJECT_TABLES[kind])


def _family(t: pa.DataType) -> str:
    """Coarse type family: exported tables may differ in width or unit but not in meaning."""
    if pa.types.is_integer(t):
        return "integer"
    if pa.types.is_floating(t):
        return "floating"
    if pa.types.is_decimal(t):
        return "decimal"
    if pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t):
        return "string"
    if pa.types.is_timestamp(t):
        return "timestamp"
    if pa.types.is_date(t):
        return "date"
    if pa.types.is_boolean(t):
        return "boolean"
    if pa.types.is_map(t):
        return "map"
    if pa.types.is_list(t) or pa.types.is_large_list(t) or pa.types.is_list_view(t):
        return "array"
    if pa.types.is_struct(t):
        return "struct"
    return str(t)


def _compatible(expected: pa.DataType, found: pa.DataType) -> bool:
    if _family(expected) != _family(found):
        return False
    if pa.types.is_struct(expected):
        names = {found.field(i).name: found.field(i).type for i in range(found.num_fields)}
        return all(
            expected.field(i).name in names
            and _compatible(expected.field(i).type, names[expected.field(i).name])
            for i in range(expected.num_fields)
        )
    if pa.types.is_map(expected):
        return _compatible(expected.key_type, found.key_type) and _compatible(
            expected.item_type, found.item_type
        )
    if _family(expected) == "array":
        return _compatible(expected.value_type, found.value_type)
    return True


def check_schema(table: str, expected: pa.Schema, found: pa.Schema) -> None:
    """Raise `SchemaMismatchError` naming every missing or re-typed column of `table`.

    Extra columns are fine: the real system tables keep gaining them.
    """
    problems: list[str] = []
    found_types = {f.name: f.type for f in found}
    for field in expected:
        if field.name not in found_types:
            problems.append(f"missing column {field.name} ({field.type})")
        elif not _compatible(field.type, found_types[field.name]):
            problems.append(
                f"column {field.name} is {found_types[field.name]}, expected {field.type}"
            )
    if problems:
        raise SchemaMismatchError(f"table {table} does not have the Databricks schema: " + "; ".join(problems))


@dataclass(frozen=True)
class SchemaGaps:
    """Dotted paths of an expected schema that a table lacks (`missing`) or holds as another type (`retyped`)."""

    missing: tuple[str, ...] = ()
    retyped: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.missing or self.retyped)


def _gaps(prefix: str, expected: pa.DataType, found: pa.DataType, missing: list[str], retyped: list[str]) -> None:
    if _family(expected) != _family(found):
        retyped.append(prefix)
        return
    if pa.types.is_struct(expected):
        names = {found.field(i).name: found.field(i).type for i in range(found.num_fields)}
        for i in range(expected.num_fields):
            sub = expected.field(i)
            path = f"{prefix}.{sub.name}"
            if sub.name not in names:
                missing.append(path)
            else:
                _gaps(path, sub.type, names[sub.name], missing, retyped)
    elif not _compatible(expected, found):
        retyped.append(prefix)


def schema_gaps(expected: pa.Schema, found: pa.Schema) -> SchemaGaps:
    """What of `expected` a table's `found` schema lacks (columns and struct fields, dotted) or re-types.

    Extra columns and fields are not gaps: real system tables keep gaining them, and an export from
    an older release has fewer (a schema *vintage*); readers name what they need (see
    `include/health/requirements.py`) and the local engine reads what is absent as NULL.
    """
    missing: list[str] = []
    retyped: list[str] = []
    found_types = {f.name: f.type for f in found}
    for field in expected:
        if field.name not in found_types:
            missing.append(field.name)
        else:
            _gaps(field.name, field.type, found_types[field.name], missing, retyped)
    return SchemaGaps(tuple(missing), tuple(retyped))


def schema_paths(schema: pa.Schema) -> set[str]:
    """Every column and struct field of `schema` as a dotted path (`usage_metadata.job_id`)."""
    out: set[str] = set()

    def walk(prefix: str, t: pa.DataType) -> None:
        out.add(prefix)
        if pa.types.is_struct(t):
            for i in range(t.num_fields):
                walk(f"{prefix}.{t.field(i).name}", t.field(i).type)

    for field in schema:
        walk(field.name, field.type)
    return out


def duckdb_type(t: pa.DataType) -> str:
    """The DuckDB type of an Arrow type (for typed NULLs standing in for absent columns)."""
    if pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t):
        return "VARCHAR"
    simple = {pa.int64(): "BIGINT", pa.int32(): "INTEGER", pa.int16(): "SMALLINT", pa.int8(): "TINYINT",
              pa.float64(): "DOUBLE", pa.float32(): "FLOAT", pa.bool_(): "BOOLEAN", pa.date32(): "DATE",
              pa.binary(): "BLOB"}
    if t in simple:
        return simple[t]
    if pa.types.is_timestamp(t):
        return "TIMESTAMPTZ" if t.tz else "TIMESTAMP"
    if pa.types.is_decimal(t):
        return f"DECIMAL({t.precision}, {t.scale})"
    if pa.types.is_map(t):
        return f"MAP({duckdb_type(t.key_type)}, {duckdb_type(t.item_type)})"
    if pa.types.is_list(t) or pa.types.is_large_list(t):
        return f"{duckdb_type(t.value_type)}[]"
    if pa.types.is_struct(t):
        return "STRUCT(" + ", ".join(f'"{t.field(i).name}" {duckdb_type(t.field(i).type)}' for i in range(t.num_fields)) + ")"
    raise ValueError(f"no DuckDB type for {t}")


def _conform_expr(source: str, expected: pa.DataType, found: pa.DataType | None) -> str:
    """DuckDB expression reading `source` (of type `found`, or absent) as `expected`; absent parts are NULL."""
    if found is None or _family(expected) != _family(found):
        return f"CAST(NULL AS {duckdb_type(expected)})"
    if pa.types.is_struct(expected) and not _compatible(expected, found):
        names = {found.field(i).name: found.field(i).type for i in range(found.num_fields)}
        parts = [
            f'"{expected.field(i).name}" := '
            + _conform_expr(f'{source}."{expected.field(i).name}"', expected.field(i).type, names.get(expected.field(i).name))
            for i in range(expected.num_fields)
        ]
        return f"CASE WHEN {source} IS NULL THEN NULL ELSE struct_pack({', '.join(parts)}) END"
    return source


def conforming_select(expected: pa.Schema, found: pa.Schema, relation: str) -> str:
    """`SELECT … FROM relation` giving `found`'s data every column and field of `expected` (absent ones NULL).

    Extra columns of `found` are kept as they are. Identifiers come from the schemas, never from users.
    """
    found_types = {f.name: f.type for f in found}
    columns = [
        f'{_conform_expr(chr(34) + f.name + chr(34), f.type, found_types.get(f.name))} AS "{f.name}"' for f in expected
    ]
    extras = [f'"{name}"' for name in found_types if name not in {f.name for f in expected}]
    return f"SELECT {', '.join(columns + extras)} FROM {relation}"  # noqa: S608 - identifiers from schemas
