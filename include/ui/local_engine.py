"""Run ops queries on the local engine without tripping over Delta files' string_view columns.

delta-rs MERGE writes string columns as Arrow `string_view`, while the table's declared schema
(what `DeltaTable.to_pyarrow_dataset()` exposes) says `string`. When DuckDB pushes a filter such
as `domain = 'cost'` down into that dataset, Arrow compares a `string` literal with the file's
`string_view` column and fails ("Function 'equal' has no kernel matching input types (string,
string_view)") — every filtered query on a MERGEd ops table does. Declaring string columns as
`string_view` in the dataset schema reads both kinds of file correctly, so this module does
exactly what `LocalWarehouse.query` does (same translation, same parameter binding), with that
schema. Reported to the owner of `include/lakehouse/warehouse.py`; once the warehouse declares
view types itself, `run_ops_sql` can call `warehouse.query` directly and this module can go.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from include.lakehouse.delta_store import TableNotFoundError, open_table
from include.lakehouse.warehouse import LocalWarehouse, QueryError


def _view_types(schema: pa.Schema) -> pa.Schema:
    return pa.schema(
        [pa.field(f.name, pa.string_view() if f.type in (pa.string(), pa.large_string()) else f.type, f.nullable)
         for f in schema]
    )


def query_local(warehouse: LocalWarehouse, sql: str, params: dict[str, Any], *, name: str) -> pa.Table:
    """`warehouse.query(sql, params)`, with string columns read as `string_view`."""
    import duckdb

    text, tables, needed = warehouse.translate(sql)
    missing = needed - params.keys()
    if missing:
        raise QueryError(f"query {name}: no value for parameter(s) {', '.join(sorted(missing))}")
    con = duckdb.connect()
    try:
        con.execute("SET TimeZone='UTC'")
        for full, view in tables.items():
            try:
                table = open_table(warehouse.root, full)
            except TableNotFoundError as exc:
                raise QueryError(f"query {name}: {exc}") from exc
            declared = table.to_pyarrow_dataset().schema
            con.register(view, table.to_pyarrow_dataset(schema=_view_types(declared)))
        try:
            result = con.sql(text, params={k: params[k] for k in needed}).to_arrow_table()
        except duckdb.Error as exc:
            raise QueryError(f"query {name} failed on the local engine: {exc}") from exc
    finally:
        con.close()
    # Callers compare and print values; give them plain strings back.
    return result.cast(pa.schema([pa.field(f.name, pa.string() if f.type == pa.string_view() else f.type)
                                  for f in result.schema]))
