"""A Databricks SQL warehouse through the SQL Statement Execution API, called with `DatabricksHook`.

Why this path and not databricks-sql-connector: the hook is the one Databricks client LakePilot
already trusts for the Jobs API, so SQL gets exactly the same auth (PAT, service principal OAuth,
Azure service principal, managed identity, workload identity federation), retries and user agent
from the one `databricks_default` connection; and the Statement API is plain HTTPS + JSON, which the
local workspace emulator serves, so production mode runs end to end on this machine and in CI.
The connector speaks Thrift over HTTP, which cannot be emulated faithfully here.

Statements are Databricks SQL with named parameters (`:start_date`), sent unchanged with typed
parameters (only those the statement names). A statement that outlives `wait_timeout` is polled;
results come INLINE as JSON_ARRAY, chunk by chunk, and are rebuilt into Arrow by the manifest's
column types, so callers see the same Arrow types as from the local engine.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from include.config import WarehouseMode
from include.lakehouse.delta_store import split_name
from include.lakehouse.json_array import CellError, rows_to_arrow
from include.lakehouse.sql_files import bind_used
from include.lakehouse.warehouse import Params, QueryError

if TYPE_CHECKING:
    from airflow.providers.databricks.hooks.databricks import DatabricksHook

log = logging.getLogger(__name__)

_STATEMENTS = "2.0/sql/statements"
_DONE = ("SUCCEEDED", "FAILED", "CANCELED", "CLOSED")


class WarehouseAuthError(QueryError):
    """The workspace refused the connection's credentials (or the token endpoint did)."""


def _auth_status(exc: Exception) -> int | None:
    """401/403 when `exc` (or what it wraps) is the workspace refusing the credentials."""
    status = getattr(exc, "http_status_code", None)
    if status in (401, 403):
        return int(status)
    text = str(exc)
    for code in (401, 403):
        if f"Status Code: {code}" in text:  # the hook's wording for a refused OAuth token request
            return code
    return None


def _parameter(name: str, value: Any) -> dict[str, Any]:
    """One named parameter as the Statement API takes it: a string value and a Databricks type."""
    if value is None:
        return {"name": name, "type": "STRING"}  # no value: NULL
    if isinstance(value, bool):
        return {"name": name, "value": "true" if value else "false", "type": "BOOLEAN"}
    if isinstance(value, int):
        return {"name": name, "value": str(value), "type": "BIGINT"}
    if isinstance(value, float):
        return {"name": name, "value": repr(value), "type": "DOUBLE"}
    if isinstance(value, Decimal):
        sign, digits, exponent = value.as_tuple()
        scale = max(0, -int(exponent)) if isinstance(exponent, int) else 0
        precision = min(38, max(len(digits), scale + 1))
        return {"name": name, "value": str(value), "type": f"DECIMAL({precision},{min(scale, precision)})"}
    if isinstance(value, dt.datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=dt.UTC)  # naive = UTC, as everywhere in LakePilot
        return {"name": name, "value": moment.astimezone(dt.UTC).isoformat(), "type": "TIMESTAMP"}
    if isinstance(value, dt.date):
        return {"name": name, "value": value.isoformat(), "type": "DATE"}
    if isinstance(value, str):
        return {"name": name, "value": value, "type": "STRING"}
    raise QueryError(f"parameter {name!r}: a {type(value).__name__} cannot be bound (use a scalar value)")


class DatabricksWarehouse:
    """A Databricks SQL warehouse, statements through the Statement Execution API with the hook's auth."""

    mode = WarehouseMode.DATABRICKS

    def __init__(self, hook: DatabricksHook, warehouse_id: str, *, catalog: str | None = None, schema: str | None = None,
                 wait_seconds: int = 30, timeout_seconds: float = 1800.0, poll_seconds: float = 0.25) -> None:
        if not warehouse_id:
            raise ValueError("a Databricks SQL warehouse id is needed")
        self.hook = hook
        self.warehouse_id = warehouse_id
        self.catalog = catalog
        self.schema = schema
        self.wait_seconds = max(5, min(50, int(wait_seconds)))
        self.timeout_seconds = timeout_seconds
        self.poll_seconds = poll_seconds

    def describe(self) -> str:
        host = self.hook.host or "?"
        return (f"Databricks SQL warehouse {self.warehouse_id} on {host} "
                f"(Statement Execution API, connection {self.hook.databricks_conn_id})")

    # -- the API ---------------------------------------------------------------------------------
    def _call(self, method: str, endpoint: str, body: dict[str, Any] | None = None, *, what: str) -> dict[str, Any]:
        # Airflow re-exports AirflowException (from airflow.sdk) without marking it as exported
        from airflow.exceptions import AirflowException  # type: ignore[attr-defined]

        try:
            answer: dict[str, Any] = self.hook._do_api_call((method, endpoint), body or {})
            return answer
        except AirflowException as exc:
            status = _auth_status(exc)
            if status is not None:
                raise WarehouseAuthError(
                    f"{what}: Databricks refused the credentials of connection {self.hook.databricks_conn_id!r} "
                    f"(HTTP {status}); check its login/password (or token) and the service principal's access "
                    f"to warehouse {self.warehouse_id}: {str(exc)[:300]}") from exc
            raise QueryError(f"{what} failed on Databricks: {str(exc)[:2000]}") from exc

    def _statement(self, sql: str, params: Params | None, name: str) -> dict[str, Any]:
        try:
            used = bind_used(sql, dict(params or {}))
        except ValueError as exc:
            raise QueryError(f"query {name}: {exc}") from exc
        except Exception:  # noqa: BLE001 - sqlglot cannot read it; the warehouse names the syntax error
            used = dict(params or {})
        body: dict[str, Any] = {
            "statement": sql, "warehouse_id": self.warehouse_id, "wait_timeout": f"{self.wait_seconds}s",
            "on_wait_timeout": "CONTINUE", "disposition": "INLINE", "format": "JSON_ARRAY",
            "parameters": [_parameter(k, v) for k, v in used.items()],
        }
        if self.catalog:
            body["catalog"] = self.catalog
        if self.schema:
            body["schema"] = self.schema
        what = f"query {name}"
        answer = self._call("POST", _STATEMENTS, body, what=what)
        deadline = time.monotonic() + self.timeout_seconds
        delay = self.poll_seconds
        statement_id = str(answer.get("statement_id") or "")
        while (answer.get("status") or {}).get("state") not in _DONE:
            if time.monotonic() > deadline:
                self._call("POST", f"{_STATEMENTS}/{statement_id}/cancel", what=f"{what} (cancel)")
                raise QueryError(f"{what} ran longer than {self.timeout_seconds:.0f} s on Databricks and was canceled")
            time.sleep(delay)
            delay = min(delay * 2, 5.0)
            answer = self._call("GET", f"{_STATEMENTS}/{statement_id}", what=what)
        status = answer.get("status") or {}
        state = status.get("state")
        if state != "SUCCEEDED":
            error = status.get("error") or {}
            reason = error.get("message") or f"statement {state}"
            raise QueryError(f"{what} failed on Databricks ({error.get('error_code') or state}): {str(reason)[:2000]}")
        return answer

    def _rows(self, answer: dict[str, Any], name: str) -> list[list[Any]]:
        statement_id = answer.get("statement_id")
        chunk = answer.get("result") or {}
        rows: list[list[Any]] = list(chunk.get("data_array") or [])
        while chunk.get("next_chunk_index") is not None:
            index = int(chunk["next_chunk_index"])
            chunk = self._call("GET", f"{_STATEMENTS}/{statement_id}/result/chunks/{index}", what=f"query {name} (chunk {index})")
            rows.extend(chunk.get("data_array") or [])
        return rows

    # -- the Warehouse protocol -------------------------------------------------------------------
    def query(self, sql: str, params: Params | None = None, *, name: str = "adhoc") -> pa.Table:
        answer = self._statement(sql, params, name)
        manifest = answer.get("manifest") or {}
        if manifest.get("truncated"):
            log.warning("query %s: Databricks truncated the result", name)
        columns = (manifest.get("schema") or {}).get("columns") or []
        try:
            return rows_to_arrow(sorted(columns, key=lambda c: int(c.get("position", 0))), self._rows(answer, name))
        except CellError as exc:
            raise QueryError(f"query {name}: {exc}") from exc

    def execute(self, sql: str, params: Params | None = None) -> None:
        self._statement(sql, params, "statement")

    def table_schema(self, full_name: str) -> pa.Schema:
        split_name(full_name)  # three plain identifiers, or an error naming the table
        return self.query(f"SELECT * FROM {full_name} LIMIT 0", name=f"schema of {full_name}").schema  # noqa: S608

    def check(self) -> None:
        """Fail fast (auth, warehouse id) before a command's real work: one `SELECT 1`."""
        self.query("SELECT 1 AS ok", name="connection check")


__all__ = ["DatabricksWarehouse", "WarehouseAuthError"]
