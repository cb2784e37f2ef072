"""One SQL interface, two engines.

Queries are Databricks SQL with named parameters (`:start_date`). `DatabricksWarehouse`
(include/lakehouse/statement_api.py) sends the text unchanged through the SQL Statement Execution
API with typed, server-bound parameters; `LocalWarehouse` transpiles it with sqlglot and runs it on DuckDB over the local Delta tables.
Both return Arrow tables. Table names are resolved against what exists, never spliced from
user text: a query can only name tables that exist in the lakehouse.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import pyarrow as pa

from include.config import WarehouseMode, lakehouse_root, warehouse_mode
from include.lakehouse.delta_store import TableNotFoundError, open_table, split_name
from include.lakehouse.schema import conforming_select, schema_gaps, system_table_schema
from include.lakehouse.sql_files import load_sql
from include.lakehouse.system_tables import SYSTEM_TABLES

if TYPE_CHECKING:
    from sqlglot import exp

log = logging.getLogger(__name__)

Params = Mapping[str, Any]


class QueryError(RuntimeError):
    """A query failed; the message names the query and the engine's reason."""


class Warehouse(Protocol):
    """What every engine offers."""

    mode: WarehouseMode

    def query(self, sql: str, params: Params | None = None, *, name: str = "adhoc") -> pa.Table: ...

    def execute(self, sql: str, params: Params | None = None) -> None: ...

    def describe(self) -> str: ...

    def table_schema(self, full_name: str) -> pa.Schema:
        """The Arrow schema the engine sees for a table (columns and struct fields as they are)."""
        ...


def query_file(warehouse: Warehouse, name: str, params: Params | None = None) -> pa.Table:
    """Run the project SQL file `include/sql/<name>.sql` on `warehouse`."""
    return warehouse.query(load_sql(name), params, name=name)


def _placeholders(tree: exp.Expr) -> set[str]:
    from sqlglot import exp

    return {p.name for p in tree.find_all(exp.Placeholder) if p.name}


def _strings_as_views(schema: pa.Schema) -> pa.Schema:
    return pa.schema(
        [pa.field(f.name, pa.string_view() if pa.types.is_string(f.type) or pa.types.is_large_string(f.type) else f.type,
                  f.nullable) for f in schema]
    )


def _views_as_strings(table: pa.Table) -> pa.Table:
    """Results carry plain `string` columns whatever the files held."""
    if not any(pa.types.is_string_view(f.type) for f in table.schema):
        return table
    return table.cast(pa.schema(
        [pa.field(f.name, pa.string() if pa.types.is_string_view(f.type) else f.type, f.nullable) for f in table.schema]
    ))


class LocalWarehouse:
    """DuckDB over the Delta tables of a local lakehouse directory."""

    mode = WarehouseMode.LOCAL

    def __init__(self, root: str | os.PathLike[str] | None = None, *, threads: int | None = None,
                 conform: bool = True) -> None:
        self.root = lakehouse_root(root)
        self.threads = threads
        self.conform = conform  # False: read tables as stored, as a real workspace would (the emulator's SQL API)

    def describe(self) -> str:
        return f"local lakehouse (DuckDB over Delta) at {self.root}"

    # -- translation -------------------------------------------------------------------------
    def translate(self, sql: str) -> tuple[str, dict[str, str], set[str]]:
        """DuckDB text for a Databricks query, the tables it reads, and its parameter names."""
        import sqlglot
        from sqlglot import exp

        try:
            tree = sqlglot.parse_one(sql, read="databricks")
        except sqlglot.errors.ParseError as exc:
            raise QueryError(f"query is not valid Databricks SQL: {exc}") from exc
        cte_names = {cte.alias_or_name for cte in tree.find_all(exp.CTE)}
        tables: dict[str, str] = {}
        for table in list(tree.find_all(exp.Table)):
            if not table.name or (not table.db and table.name in cte_names):
                continue
            if not (table.catalog and table.db):
                raise QueryError(
                    f"table {table.sql('databricks')} must be named catalog.schema.table"
                )
            full = f"{table.catalog}.{table.db}.{table.name}"
            split_name(full)
            view = "__".join(split_name(full))
            tables[full] = view
            alias = table.alias or table.name
            table.set("catalog", None)
            table.set("db", None)
            table.set("this", exp.to_identifier(view))
            table.set("alias", exp.TableAlias(this=exp.to_identifier(alias)))
        return tree.sql("duckdb"), tables, _placeholders(tree)

    # -- execution ---------------------------------------------------------------------------
    def table_schema(self, full_name: str) -> pa.Schema:
        return pa.schema(open_table(self.root, full_name).schema().to_arrow())

    def _register(self, con: Any, full: str, view: str) -> None:
        """Make `full` readable as `view`; a system table of another schema vintage is read as the DDL says.

        Columns and struct fields the table lacks read as NULL (checks that need them report so,
        see include/health/requirements.py); extra ones are kept. Re-typed ones read as NULL too.
        """
        table = open_table(self.root, full)
        declared = table.to_pyarrow_dataset().schema
        # delta-rs MERGE writes string columns as `string_view` while plain writes use `string`;
        # a table holding both kinds of file fails Arrow's filter pushdown ("no kernel matching
        # (string, string_view)"). Reading every top-level string column as a view fits both.
        dataset = table.to_pyarrow_dataset(schema=_strings_as_views(declared))
        expected = system_table_schema(full) if full in SYSTEM_TABLES and self.conform else None
        found = pa.schema(table.schema().to_arrow())
        if expected is None or not schema_gaps(expected, found):
            con.register(view, dataset)
            return
        con.register(f"{view}__stored", dataset)
        con.execute(f'CREATE TEMP VIEW "{view}" AS {conforming_select(expected, found, view + "__stored")}')

    def query(self, sql: str, params: Params | None = None, *, name: str = "adhoc") -> pa.Table:
        import duckdb

        text, tables, needed = self.translate(sql)
        params = dict(params or {})
        missing = needed - params.keys()
        if missing:
            raise QueryError(f"query {name}: no value for parameter(s) {', '.join(sorted(missing))}")
        con = duckdb.connect()
        try:
            con.execute("SET TimeZone='UTC'")
            if self.threads:
                con.execute(f"SET threads={int(self.threads)}")
            for full, view in tables.items():
                try:
                    self._register(con, full, view)
                except TableNotFoundError as exc:
                    raise QueryError(f"query {name}: {exc}") from exc
            try:
                result = con.sql(text, params={k: params[k] for k in needed}).to_arrow_table()
            except duckdb.Error as exc:
                raise QueryError(f"query {name} failed on the local engine: {exc}") from exc
            return _views_as_strings(result)
        finally:
            con.close()

    def execute(self, sql: str, params: Params | None = None) -> None:
        raise QueryError(
            "the local lakehouse is written through the Delta store (include.ops.store), not SQL DML"
        )


def get_warehouse(
    mode: WarehouseMode | str | None = None,
    *,
    lakehouse: str | os.PathLike[str] | None = None,
    profile: str | None = None,
    require_data: bool = False,
) -> Warehouse:
    """The configured engine: local unless `LAKEPILOT_WAREHOUSE=databricks` (or `mode`) asks for Databricks.

    Databricks mode reads the `databricks_default` connection (or a `~/.databrickscfg` profile) through
    `include.connections`: one auth for Jobs and SQL. With `require_data`, a local lakehouse without
    system tables is an error naming the directory, and a Databricks warehouse is checked with one
    `SELECT 1` (wrong credentials or warehouse fail here, before any real work).
    """
    chosen = WarehouseMode(mode) if mode else warehouse_mode()
    if chosen is WarehouseMode.DATABRICKS:
        from include.connections import databricks_warehouse

        remote = databricks_warehouse(profile=profile)
        if require_data:
            remote.check()
        return remote
    warehouse = LocalWarehouse(lakehouse)
    if require_data and not (warehouse.root / "system").is_dir():
        what = "does not exist" if not warehouse.root.exists() else "has no system tables"
        raise ValueError(
            f"lakehouse {warehouse.root} {what}: pass --lakehouse DIR (a directory with <catalog>/<schema>/<table> "
            "Delta tables) or run `lakepilot workspace generate`"
        )
    return warehouse


def local_root(warehouse: Warehouse) -> Path | None:
    """The lakehouse directory of a local warehouse, else None."""
    return warehouse.root if isinstance(warehouse, LocalWarehouse) else None
