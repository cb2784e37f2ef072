"""The write statements the emulator's SQL API runs: exactly what LakePilot's ops store sends.

`CREATE TABLE [IF NOT EXISTS] c.s.t (<columns>) [USING DELTA]`, `ALTER TABLE c.s.t ADD COLUMNS
(<columns>)`, and `MERGE INTO c.s.t AS t USING (SELECT inline(from_json(:rows, '<ARRAY<STRUCT<…>>>')))
AS s ON t.k = s.k [AND …] WHEN MATCHED THEN UPDATE SET * WHEN NOT MATCHED THEN INSERT *`, on Delta
tables of the local lakehouse with delta-rs (the same merge the local ops store runs). Any other
shape fails with NOT_IMPLEMENTED naming what is not supported, never a silent partial write.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow as pa
from sqlglot import exp

from include.lakehouse.delta_store import table_exists, table_lock, table_path, with_commit_retries
from include.lakehouse.json_array import decode_cell
from include.lakehouse.schema import databricks_type_to_arrow, ddl_to_arrow


class StatementError(ValueError):
    """The statement is valid but wrong for this workspace (a missing table, an existing column)."""


def _name(table: exp.Table) -> str:
    parts = [table.catalog, table.db, table.name]
    if not all(parts):
        raise StatementError(f"[INVALID_TABLE_NAME] use a three-part name catalog.schema.table, got {table.sql('databricks')!r}")
    return ".".join(parts)


def _columns(defs: list[exp.Expression]) -> pa.Schema:
    return ddl_to_arrow(", ".join(d.sql("databricks") for d in defs))


def is_dml(tree: Any) -> bool:
    return isinstance(tree, (exp.Create, exp.Alter, exp.Merge))


def run(lakehouse: Path, tree: Any, params: dict[str, Any]) -> pa.Table:
    """Run one CREATE / ALTER / MERGE; the result table Databricks would return."""
    if isinstance(tree, exp.Create):
        return _create(lakehouse, tree)
    if isinstance(tree, exp.Alter):
        return _alter(lakehouse, tree)
    if isinstance(tree, exp.Merge):
        return _merge(lakehouse, tree, params)
    raise NotImplementedError(f"{type(tree).__name__.upper()} statements are not supported by the local emulator")


def _create(lakehouse: Path, tree: exp.Create) -> pa.Table:
    from deltalake import write_deltalake

    schema_node = tree.this
    if str(tree.args.get("kind") or "").upper() != "TABLE" or not isinstance(schema_node, exp.Schema):
        raise NotImplementedError("the local emulator creates tables from a column list only (CREATE TABLE c.s.t (...))")
    if tree.expression is not None:
        raise NotImplementedError("CREATE TABLE ... AS SELECT is not supported by the local emulator")
    full = _name(schema_node.this)
    schema = _columns(list(schema_node.expressions))
    with table_lock(lakehouse, full):
        if table_exists(lakehouse, full):
            if tree.args.get("exists"):
                return pa.table({})
            raise StatementError(f"[TABLE_OR_VIEW_ALREADY_EXISTS] Cannot create table {full} because it already exists.")
        write_deltalake(str(table_path(lakehouse, full)), schema.empty_table(), mode="ignore")
    return pa.table({})


def _alter(lakehouse: Path, tree: exp.Alter) -> pa.Table:
    from deltalake import DeltaTable, write_deltalake

    actions = tree.args.get("actions") or []
    if len(actions) != 1 or not isinstance(actions[0], exp.Schema):
        raise NotImplementedError("the local emulator's ALTER TABLE supports ADD COLUMNS (...) only")
    full = _name(tree.this)
    added = _columns(list(actions[0].expressions))
    with table_lock(lakehouse, full):
        if not table_exists(lakehouse, full):
            raise StatementError(f"[TABLE_OR_VIEW_NOT_FOUND] The table or view {full} cannot be found.")
        path = str(table_path(lakehouse, full))
        current = pa.schema(DeltaTable(path).schema().to_arrow())
        clash = [f.name for f in added if f.name.lower() in {n.lower() for n in current.names}]
        if clash:
            raise StatementError(f"[FIELDS_ALREADY_EXISTS] Cannot add column(s) {', '.join(clash)} to {full}: they exist.")
        merged = pa.schema(list(current) + list(added))
        with_commit_retries(lambda: write_deltalake(path, merged.empty_table(), mode="append", schema_mode="merge"))
    return pa.table({})


def _merge_source(tree: exp.Merge, params: dict[str, Any]) -> pa.Table:
    using = tree.args.get("using")
    select = using.this if isinstance(using, exp.Subquery) else None
    inline = select.expressions[0] if isinstance(select, exp.Select) and len(select.expressions) == 1 else None
    from_json = inline.this if isinstance(inline, exp.Inline) else None
    if not isinstance(from_json, exp.FromJson) or not isinstance(from_json.this, exp.Placeholder) \
            or not isinstance(from_json.expression, exp.Literal):
        raise NotImplementedError("the local emulator's MERGE takes USING (SELECT inline(from_json(:param, '<type>'))) only")
    name = from_json.this.name
    if name not in params or not isinstance(params[name], str):
        raise StatementError(f"[UNBOUND_SQL_PARAMETER] Found the unbound parameter: {name}.")
    row_type = databricks_type_to_arrow(from_json.expression.this)
    if not (pa.types.is_list(row_type) and pa.types.is_struct(row_type.value_type)):
        raise StatementError("[DATATYPE_MISMATCH] inline(from_json(...)) needs an ARRAY<STRUCT<...>> type")
    try:
        rows = json.loads(params[name])
        values = decode_cell(rows, row_type) or []
    except (ValueError, TypeError, AttributeError) as exc:
        raise StatementError(f"[MALFORMED_RECORD_IN_PARSING] parameter {name} is not a JSON array of the declared rows: {exc}") from None
    struct = row_type.value_type
    return pa.Table.from_pylist(values, schema=pa.schema([struct.field(i) for i in range(struct.num_fields)]))


def _merge_keys(tree: exp.Merge, target: str, source: str) -> list[str]:
    conditions = list(tree.args["on"].flatten()) if isinstance(tree.args.get("on"), exp.And) else [tree.args.get("on")]
    keys = []
    for cond in conditions:
        if not (isinstance(cond, exp.EQ) and isinstance(cond.this, exp.Column) and isinstance(cond.expression, exp.Column)):
            raise NotImplementedError("the local emulator's MERGE joins on t.col = s.col [AND ...] only")
        sides = {cond.this.table: cond.this.name, cond.expression.table: cond.expression.name}
        if set(sides) != {target, source} or sides[target] != sides[source]:
            raise NotImplementedError("the local emulator's MERGE joins each column to the same column of the source")
        keys.append(sides[target])
    return keys


def _merge(lakehouse: Path, tree: exp.Merge, params: dict[str, Any]) -> pa.Table:
    from deltalake import DeltaTable

    target_node = tree.this
    full = _name(target_node)
    target_alias = target_node.alias or target_node.name
    source_alias = tree.args["using"].alias or "s"
    when_node = tree.args.get("whens")
    whens = list(when_node.expressions) if when_node is not None else []
    shapes = {(bool(w.args.get("matched")), type(w.args.get("then")).__name__) for w in whens}
    stars = all(isinstance(w.args["then"], exp.Update) and [type(e) for e in w.args["then"].expressions] == [exp.Star]
                or isinstance(w.args["then"], exp.Insert) and isinstance(w.args["then"].this, exp.Star) for w in whens)
    if shapes != {(True, "Update"), (False, "Insert")} or not stars or any(w.args.get("condition") for w in whens):
        raise NotImplementedError("the local emulator's MERGE supports WHEN MATCHED THEN UPDATE SET * "
                                  "WHEN NOT MATCHED THEN INSERT * only")
    keys = _merge_keys(tree, target_alias, source_alias)
    source = _merge_source(tree, params)
    predicate = " AND ".join(f"t.\"{k}\" = s.\"{k}\"" for k in keys)  # DataFusion quotes with "
    with table_lock(lakehouse, full):
        if not table_exists(lakehouse, full):
            raise StatementError(f"[TABLE_OR_VIEW_NOT_FOUND] The table or view {full} cannot be found.")
        path = str(table_path(lakehouse, full))
        missing = [n for n in source.schema.names if n not in DeltaTable(path).schema().to_arrow().names]
        if missing:  # UPDATE SET * / INSERT * name every source column; Databricks refuses unknown ones
            raise StatementError(f"[UNRESOLVED_COLUMN] {full} has no column(s) {', '.join(missing)}")

        def merge() -> dict[str, Any]:
            return (DeltaTable(path).merge(source, predicate=predicate, source_alias="s", target_alias="t")
                    .when_matched_update_all().when_not_matched_insert_all().execute())

        metrics, _ = with_commit_retries(merge)
    inserted = int(metrics.get("num_target_rows_inserted", 0))
    updated = int(metrics.get("num_target_rows_updated", 0))
    return pa.table({"num_affected_rows": [inserted + updated], "num_updated_rows": [updated],
                     "num_deleted_rows": [0], "num_inserted_rows": [inserted]})


__all__ = ["StatementError", "is_dml", "run"]
