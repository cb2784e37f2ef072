"""The SQL Statement Execution API (`/api/2.0/sql/statements`) over the local lakehouse.

The same Databricks SQL text a real warehouse runs is transpiled and run on DuckDB over the Delta
tables, exactly as `LocalWarehouse` does, but without the local engine's schema conforming: a
table is read with the columns it really has, so a query naming a field an older export lacks
fails as it would on Databricks. Served: named typed parameters, `wait_timeout` (`0s` = async,
`5s`-`50s`), `on_wait_timeout` CONTINUE/CANCEL, polling, cancel, `row_limit`, result chunks, INLINE
disposition with JSON_ARRAY format, and failures in Databricks' shape (`status.state = FAILED`,
`status.error {error_code, message}`). Queries (SELECT, WITH, DESCRIBE, SHOW TABLES IN c.s) and the
writes LakePilot's ops store sends (include/emulator/sql_dml.py); other statements fail with
NOT_IMPLEMENTED, saying so. Warehouse ids: `local` and every id in `system.compute.warehouses`.
Every accepted statement is counted (`SqlService.submitted`): what a real warehouse would have run.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import threading
import uuid
from collections import OrderedDict
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import pyarrow as pa

from include.emulator import sql_dml
from include.emulator.errors import ApiError, invalid
from include.emulator.params import Params
from include.lakehouse.delta_store import TableNotFoundError
from include.lakehouse.json_array import encode_cell
from include.lakehouse.schema import arrow_to_databricks_type

log = logging.getLogger(__name__)

LOCAL_WAREHOUSE_ID = "local"
_KEEP_STATEMENTS = 500
_TYPE_NAMES = {"TINYINT": "BYTE", "SMALLINT": "SHORT", "BIGINT": "LONG", "VOID": "NULL"}


def _not_found(statement_id: str) -> ApiError:
    return ApiError(404, "RESOURCE_DOES_NOT_EXIST", f"Statement {statement_id[:64]} does not exist.")


def _wait_seconds(text: str | None) -> float:
    if text is None:
        return 10.0
    match = re.fullmatch(r"(\d{1,2})s", text.strip())
    seconds = int(match.group(1)) if match else -1
    if seconds != 0 and not 5 <= seconds <= 50:
        raise invalid(f"wait_timeout must be 0s or between 5s and 50s, got {text[:20]!r}.")
    return float(seconds)


def _parameter(item: Any) -> tuple[str, Any]:
    """One `{"name", "value", "type"}` parameter as the Python value DuckDB binds."""
    if not isinstance(item, dict) or not isinstance(item.get("name"), str):
        raise invalid("each parameter must be an object with a string 'name'.")
    name, type_text, value = item["name"], str(item.get("type") or "STRING").upper(), item.get("value")
    if value is None:
        return name, None
    if not isinstance(value, str):
        raise invalid(f"parameter {name!r}: 'value' must be a string.")
    try:
        if type_text == "STRING":
            return name, value
        if type_text in ("BIGINT", "INT", "INTEGER", "SMALLINT", "TINYINT", "LONG", "SHORT", "BYTE"):
            return name, int(value)
        if type_text in ("DOUBLE", "FLOAT"):
            return name, float(value)
        if type_text.startswith("DECIMAL"):
            return name, Decimal(value)
        if type_text == "BOOLEAN":
            if value.lower() not in ("true", "false"):
                raise ValueError(value)
            return name, value.lower() == "true"
        if type_text == "DATE":
            return name, dt.date.fromisoformat(value)
        if type_text in ("TIMESTAMP", "TIMESTAMP_NTZ"):
            moment = dt.datetime.fromisoformat(value)
            if type_text == "TIMESTAMP" and moment.tzinfo is None:
                moment = moment.replace(tzinfo=dt.UTC)
            return name, moment
    except (ValueError, InvalidOperation):
        raise invalid(f"parameter {name!r}: {value[:60]!r} is not a valid {type_text}.") from None
    raise invalid(f"parameter {name!r}: unsupported type {type_text[:40]!r}.")


class _Statement:
    def __init__(self, statement_id: str, row_limit: int | None) -> None:
        self.id = statement_id
        self.row_limit = row_limit
        self.future: Future[pa.Table] | None = None
        self.canceled = False
        self.closed = False
        self.rows: list[list[str | None]] | None = None
        self.table: pa.Table | None = None
        self.truncated = False


_SHOW_TABLES = re.compile(r"^\s*SHOW\s+TABLES\s+(?:IN|FROM)\s+`?([A-Za-z0-9_]+)`?\.`?([A-Za-z0-9_]+)`?\s*;?\s*$", re.I)


class SqlService:
    """Statements in flight and their results, for one emulator."""

    def __init__(self, lakehouse: Path, *, chunk_rows: int = 20_000, workers: int = 2) -> None:
        self.lakehouse = Path(lakehouse)
        self.chunk_rows = chunk_rows
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="emulator-sql")
        self._statements: OrderedDict[str, _Statement] = OrderedDict()
        self._lock = threading.Lock()
        self.submitted = 0  # statements accepted since start: what a real warehouse would have run (and billed)

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

    # -- warehouses --------------------------------------------------------------------------------
    def warehouse_ids(self) -> list[str]:
        from include.lakehouse.warehouse import LocalWarehouse, QueryError

        ids = [LOCAL_WAREHOUSE_ID]
        try:
            table = LocalWarehouse(self.lakehouse, conform=False).query(
                "SELECT DISTINCT warehouse_id FROM system.compute.warehouses", name="warehouses")
            ids += sorted(str(v) for v in table.column(0).to_pylist() if v)
        except QueryError:
            pass  # no warehouses table: only `local`
        return ids

    def warehouses(self, p: Params, method: str, warehouse_id: str | None) -> dict[str, Any]:
        if method != "GET":
            raise invalid("the local emulator's SQL warehouses are read-only.")
        found = [{"id": i, "name": "local engine (DuckDB over Delta)" if i == LOCAL_WAREHOUSE_ID else i,
                  "state": "RUNNING", "odbc_params": {"path": f"/sql/1.0/warehouses/{i}"}} for i in self.warehouse_ids()]
        if warehouse_id is None:
            return {"warehouses": found}
        for item in found:
            if item["id"] == warehouse_id:
                return item
        raise ApiError(404, "RESOURCE_DOES_NOT_EXIST", f"SQL warehouse {warehouse_id[:64]} does not exist.")

    # -- statements --------------------------------------------------------------------------------
    def submit(self, p: Params) -> dict[str, Any]:
        statement = p.str("statement", required=True) or ""
        warehouse_id = p.str("warehouse_id", required=True) or ""
        if warehouse_id not in self.warehouse_ids():
            raise invalid(f"SQL warehouse {warehouse_id[:64]!r} does not exist in this workspace.")
        disposition = (p.str("disposition") or "INLINE").upper()
        fmt = (p.str("format") or "JSON_ARRAY").upper()
        if disposition != "INLINE" or fmt != "JSON_ARRAY":
            raise invalid(f"the local emulator serves disposition INLINE with format JSON_ARRAY, not {disposition}/{fmt}.")
        on_timeout = (p.str("on_wait_timeout") or "CONTINUE").upper()
        if on_timeout not in ("CONTINUE", "CANCEL"):
            raise invalid(f"on_wait_timeout must be CONTINUE or CANCEL, got {on_timeout[:20]!r}.")
        wait = _wait_seconds(p.str("wait_timeout"))
        params = dict(_parameter(item) for item in (p.list("parameters") or []))
        row_limit = p.int("row_limit")
        item = _Statement(uuid.uuid4().hex, row_limit if row_limit and row_limit > 0 else None)
        item.future = self._pool.submit(self._run, statement, params)
        with self._lock:
            self.submitted += 1
            self._statements[item.id] = item
            while len(self._statements) > _KEEP_STATEMENTS:
                self._statements.popitem(last=False)
        if wait:
            try:
                item.future.result(timeout=wait)
            except FutureTimeout:
                if on_timeout == "CANCEL":
                    self._cancel(item)
            except Exception:  # noqa: BLE001, S110 - the failure is reported in the statement's status
                pass
        return self._response(item)

    def _run(self, statement: str, params: dict[str, Any]) -> pa.Table:
        import sqlglot
        from sqlglot import exp

        from include.lakehouse.warehouse import LocalWarehouse

        if shown := _SHOW_TABLES.match(statement):
            return self._show_tables(shown.group(1), shown.group(2))
        try:
            tree = sqlglot.parse_one(statement, read="databricks")
        except sqlglot.errors.ParseError:
            tree = None  # the engine names the syntax error
        if tree is not None and sql_dml.is_dml(tree):
            return sql_dml.run(self.lakehouse, tree, params)
        if tree is not None and not isinstance(tree, (exp.Query, exp.Describe)):
            raise NotImplementedError(
                f"the local emulator's SQL API serves queries (SELECT, WITH, DESCRIBE, SHOW TABLES) and the ops store's "
                f"CREATE TABLE / ALTER TABLE ADD COLUMNS / MERGE; {type(tree).__name__.upper()} statements are not supported")
        if isinstance(tree, exp.Describe):
            return self._describe(tree)
        return LocalWarehouse(self.lakehouse, conform=False).query(statement, params, name="statement")

    def _show_tables(self, catalog: str, schema: str) -> pa.Table:
        """`SHOW TABLES IN catalog.schema` as Databricks answers it: database, tableName, isTemporary."""
        folder = self.lakehouse / catalog / schema
        names = sorted(p.name for p in folder.iterdir() if (p / "_delta_log").is_dir()) if folder.is_dir() else []
        return pa.table({"database": [schema] * len(names), "tableName": names, "isTemporary": [False] * len(names)},
                        schema=pa.schema([("database", pa.string()), ("tableName", pa.string()), ("isTemporary", pa.bool_())]))

    def _describe(self, tree: Any) -> pa.Table:
        from include.lakehouse.warehouse import LocalWarehouse

        schema = LocalWarehouse(self.lakehouse, conform=False).table_schema(tree.this.sql("databricks"))
        return pa.table({"col_name": [f.name for f in schema], "data_type": [arrow_to_databricks_type(f.type).lower() for f in schema],
                         "comment": [None] * len(schema)}, schema=pa.schema([("col_name", pa.string()), ("data_type", pa.string()), ("comment", pa.string())]))

    def _get(self, statement_id: str) -> _Statement:
        with self._lock:
            item = self._statements.get(statement_id)
        if item is None or item.closed:
            raise _not_found(statement_id)
        return item

    def status(self, statement_id: str) -> dict[str, Any]:
        return self._response(self._get(statement_id))

    def cancel(self, statement_id: str) -> dict[str, Any]:
        with self._lock:
            item = self._statements.get(statement_id)
        if item is not None:
            self._cancel(item)
        return {}

    def _cancel(self, item: _Statement) -> None:
        if item.future is not None and not item.future.done():
            item.future.cancel()  # a query already running finishes, its result is dropped
            item.canceled = True

    def chunk(self, statement_id: str, index: int) -> dict[str, Any]:
        item = self._get(statement_id)
        if item.rows is None:
            raise ApiError(400, "INVALID_STATE", f"Statement {statement_id[:64]} has no result to fetch.")
        chunks = self._chunks(item)
        if not 0 <= index < len(chunks):
            raise invalid(f"chunk index {index} is out of range (0..{len(chunks) - 1}).")
        return self._chunk(item, index)

    # -- answers -----------------------------------------------------------------------------------
    def _response(self, item: _Statement) -> dict[str, Any]:
        future = item.future
        assert future is not None
        if item.canceled:
            return {"statement_id": item.id, "status": {"state": "CANCELED"}}
        if not future.done():
            return {"statement_id": item.id, "status": {"state": "RUNNING" if future.running() else "PENDING"}}
        error = future.exception()
        if error is not None:
            code = "NOT_IMPLEMENTED" if isinstance(error, NotImplementedError) else "BAD_REQUEST"
            message = str(error)
            missing = error.__cause__ if isinstance(error.__cause__, TableNotFoundError) else None
            if missing is not None:  # Databricks' error class, which clients match on
                quoted = ".".join(f"`{p}`" for p in missing.table.split("."))
                message = f"[TABLE_OR_VIEW_NOT_FOUND] The table or view {quoted} cannot be found. SQLSTATE: 42P01"
            return {"statement_id": item.id, "status": {"state": "FAILED", "error": {"error_code": code, "message": message}}}
        if item.rows is None:
            self._materialise(item, future.result())
        assert item.table is not None and item.rows is not None
        chunks = self._chunks(item)
        columns = [{"name": f.name, "position": i, "type_text": (text := arrow_to_databricks_type(f.type)),
                    "type_name": _TYPE_NAMES.get(text, re.split(r"[<(]", text)[0])}
                   for i, f in enumerate(item.table.schema)]
        manifest = {"format": "JSON_ARRAY", "schema": {"column_count": len(columns), "columns": columns},
                    "total_row_count": len(item.rows), "total_chunk_count": len(chunks), "truncated": item.truncated,
                    "chunks": [{"chunk_index": i, "row_offset": start, "row_count": end - start} for i, (start, end) in enumerate(chunks)]}
        body: dict[str, Any] = {"statement_id": item.id, "status": {"state": "SUCCEEDED"}, "manifest": manifest}
        body["result"] = self._chunk(item, 0) if chunks else {}
        return body

    def _materialise(self, item: _Statement, table: pa.Table) -> None:
        if item.row_limit is not None and table.num_rows > item.row_limit:
            table, item.truncated = table.slice(0, item.row_limit), True
        columns = [[encode_cell(v) for v in column.to_pylist()] for column in table.columns]
        item.table = table
        item.rows = [list(row) for row in zip(*columns, strict=True)] if columns else [[] for _ in range(table.num_rows)]

    def _chunks(self, item: _Statement) -> list[tuple[int, int]]:
        total = len(item.rows or [])
        return [(start, min(start + self.chunk_rows, total)) for start in range(0, total, self.chunk_rows)]

    def _chunk(self, item: _Statement, index: int) -> dict[str, Any]:
        chunks = self._chunks(item)
        start, end = chunks[index]
        body: dict[str, Any] = {"chunk_index": index, "row_offset": start, "row_count": end - start,
                                "data_array": (item.rows or [])[start:end]}
        if index + 1 < len(chunks):
            body["next_chunk_index"] = index + 1
            body["next_chunk_internal_link"] = f"/api/2.0/sql/statements/{item.id}/result/chunks/{index + 1}"
        return body


def handle(service: SqlService, method: str, endpoint: str, p: Params) -> dict[str, Any]:
    """Route `sql/statements...` and `sql/warehouses...` (the path after `/api/2.0/`)."""
    parts = endpoint.strip("/").split("/")
    if parts[:2] == ["sql", "warehouses"]:
        return service.warehouses(p, method, parts[2] if len(parts) > 2 else None)
    if method == "POST" and len(parts) == 2:
        return service.submit(p)
    if method == "GET" and len(parts) == 3:
        return service.status(parts[2])
    if method == "POST" and len(parts) == 4 and parts[3] == "cancel":
        return service.cancel(parts[2])
    if method == "GET" and len(parts) == 6 and parts[3:5] == ["result", "chunks"] and parts[5].isdigit():
        return service.chunk(parts[2], int(parts[5]))
    if method == "DELETE" and len(parts) == 3:  # close: drop the result
        item = service._get(parts[2])
        item.closed = True
        return {}
    raise ApiError(404, "ENDPOINT_NOT_FOUND", f"No API found for '{method} /api/2.0/{endpoint[:80]}'")


__all__ = ["LOCAL_WAREHOUSE_ID", "SqlService", "handle"]
