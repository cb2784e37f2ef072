"""Write and read `lakepilot.ops` tables with MERGE on each model's natural key.

Local mode: Delta tables under `<lakehouse>/<catalog>/<schema>/<table>`, merged by delta-rs
under a per-table lock with bounded commit retries. Databricks mode: the same rows go through
one SQL `MERGE INTO` per batch, the rows bound as a single JSON parameter.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Protocol, TypeVar

from pydantic import BaseModel

from include.config import lakehouse_root, ops_location
from include.lakehouse.delta_store import (
    open_table,
    table_exists,
    table_lock,
    table_path,
    with_commit_retries,
)
from include.lakehouse.warehouse import QueryError, Warehouse
from include.ops.arrow import arrow_schema, databricks_columns, from_row, to_row, to_table
from include.ops.filters import Condition, arrow_filter, sql_filter
from include.ops.models import OPS_MODELS, OpsRecord

log = logging.getLogger(__name__)

T = TypeVar("T", bound=OpsRecord)
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class UpsertResult(BaseModel):
    """What one upsert did."""

    table: str
    inserted: int
    updated: int
    commit_retries: int = 0


class OpsStore(Protocol):
    """Where LakePilot keeps its records."""

    def upsert(self, records: Sequence[OpsRecord]) -> UpsertResult: ...

    def read(self, model: type[T], where: dict[str, Condition] | None = None) -> list[T]:
        """Rows of `model`'s table matching `where` (see include/ops/filters.py), filtered in the engine."""
        ...

    def describe(self) -> str: ...


_WRITES = {"n": 0}


def writes() -> int:
    """How many upserts this process made (include/metrics/stored.py refreshes the metrics after any)."""
    return _WRITES["n"]


def _dedupe(records: Sequence[OpsRecord]) -> list[OpsRecord]:
    """Last record wins per natural key; all records must be of one model."""
    if not records:
        return []
    model = type(records[0])
    if any(type(r) is not model for r in records):
        raise TypeError("one upsert takes records of a single ops model")
    if model.__table__ not in OPS_MODELS:
        raise ValueError(f"{model.__name__} is not a registered lakepilot.ops model")
    latest: dict[tuple[Any, ...], OpsRecord] = {}
    for record in records:
        latest[record.key()] = record
    return list(latest.values())


def _check_ident(value: str, what: str) -> str:
    if not _IDENT.match(value):
        raise ValueError(f"{what} {value!r} must be a plain identifier (letters, digits, _)")
    return value


class LocalOpsStore:
    """`lakepilot.ops` as Delta tables in the local lakehouse."""

    def __init__(self, root: str | Path | None = None, catalog: str | None = None, schema: str | None = None) -> None:
        self.root = lakehouse_root(root)
        default_catalog, default_schema = ops_location()
        self.catalog = _check_ident(catalog or default_catalog, "ops catalog")
        self.schema = _check_ident(schema or default_schema, "ops schema")

    def describe(self) -> str:
        return f"local Delta tables {self.catalog}.{self.schema}.* under {self.root}"

    def full_name(self, model: type[OpsRecord]) -> str:
        return f"{self.catalog}.{self.schema}.{model.__table__}"

    def upsert(self, records: Sequence[OpsRecord]) -> UpsertResult:
        from deltalake import DeltaTable, write_deltalake

        rows = _dedupe(records)
        if not rows:
            return UpsertResult(table="", inserted=0, updated=0)
        _WRITES["n"] += 1
        model = type(rows[0])
        full = self.full_name(model)
        source = to_table(rows)
        path = str(table_path(self.root, full))
        predicate = " AND ".join(f"t.{k} = s.{k}" for k in model.__key__)

        def merge() -> dict[str, Any]:
            if not table_exists(self.root, full):
                write_deltalake(path, source.schema.empty_table(), mode="ignore")
            target = DeltaTable(path)
            return (
                target.merge(source, predicate=predicate, source_alias="s", target_alias="t", merge_schema=True)
                .when_matched_update_all()
                .when_not_matched_insert_all()
                .execute()
            )

        with table_lock(self.root, full):
            metrics, retries = with_commit_retries(merge)
        result = UpsertResult(
            table=full,
            inserted=int(metrics.get("num_target_rows_inserted", 0)),
            updated=int(metrics.get("num_target_rows_updated", 0)),
            commit_retries=retries,
        )
        log.info("upsert %s: %d inserted, %d updated", full, result.inserted, result.updated)
        return result

    def read(self, model: type[T], where: dict[str, Condition] | None = None) -> list[T]:
        full = self.full_name(model)
        if not table_exists(self.root, full):
            return []
        dataset = open_table(self.root, full).to_pyarrow_dataset()
        names = set(dataset.schema.names)
        unknown = [k for k in where or {} if k not in names and k not in model.model_fields]
        if unknown:
            raise ValueError(f"{', '.join(map(repr, unknown))} is not a column of {model.__table__}")
        missing = [k for k in where or {} if k not in names]  # a column newer than the table: all NULL
        if any(where[k] is not None for k in missing):  # type: ignore[index]
            return []
        present = {k: v for k, v in (where or {}).items() if k in names}
        table = dataset.to_table(filter=arrow_filter(present, dataset.schema)) if present else dataset.to_table()
        return [from_row(model, row) for row in table.to_pylist()]  # type: ignore[misc]


class DatabricksOpsStore:
    """`<catalog>.<schema>.*` Delta tables in Databricks, written with SQL MERGE."""

    # Native parameters carry at most ~1 MB of values: keep each batch's JSON well under it.
    max_batch_bytes = 512_000

    def __init__(self, warehouse: Warehouse, catalog: str | None = None, schema: str | None = None) -> None:
        default_catalog, default_schema = ops_location()
        self.warehouse = warehouse
        self.catalog = _check_ident(catalog or default_catalog, "ops catalog")
        self.schema = _check_ident(schema or default_schema, "ops schema")
        self._created: set[str] = set()

    def describe(self) -> str:
        return f"Databricks tables {self.catalog}.{self.schema}.* via {self.warehouse.describe()}"

    def full_name(self, model: type[OpsRecord]) -> str:
        return f"{self.catalog}.{self.schema}.{model.__table__}"

    def create_sql(self, model: type[OpsRecord]) -> str:
        cols = ", ".join(f"`{c}` {t}" for c, t in databricks_columns(model))
        return f"CREATE TABLE IF NOT EXISTS {self.full_name(model)} ({cols}) USING DELTA"

    def _ensure_table(self, model: type[OpsRecord]) -> None:
        """Create the table, or add the columns a newer model has (MERGE ... SET * needs them)."""
        self.warehouse.execute(self.create_sql(model))
        described = self.warehouse.query(f"DESCRIBE TABLE {self.full_name(model)}", name=f"describe {model.__table__}")
        existing = {str(name).lower() for name in described.column("col_name").to_pylist() if name and not str(name).startswith("#")}
        missing = [(c, t) for c, t in databricks_columns(model) if c.lower() not in existing]
        if missing:
            columns = ", ".join(f"`{c}` {t}" for c, t in missing)
            self.warehouse.execute(f"ALTER TABLE {self.full_name(model)} ADD COLUMNS ({columns})")
            log.info("added columns %s to %s", [c for c, _ in missing], self.full_name(model))

    def merge_sql(self, model: type[OpsRecord]) -> str:
        struct = ", ".join(f"`{c}`: {t}" for c, t in databricks_columns(model))
        on = " AND ".join(f"t.`{k}` = s.`{k}`" for k in model.__key__)
        return (
            f"MERGE INTO {self.full_name(model)} AS t "  # noqa: S608 - identifiers are validated
            f"USING (SELECT inline(from_json(:rows, 'ARRAY<STRUCT<{struct}>>'))) AS s "
            f"ON {on} WHEN MATCHED THEN UPDATE SET * WHEN NOT MATCHED THEN INSERT *"
        )

    def _batches(self, rows: Iterable[dict[str, Any]]) -> Iterable[str]:
        batch: list[str] = []
        size = 0
        for row in rows:
            text = json.dumps(row, default=lambda v: v.isoformat() if hasattr(v, "isoformat") else str(v))
            if batch and size + len(text) > self.max_batch_bytes:
                yield "[" + ",".join(batch) + "]"
                batch, size = [], 0
            batch.append(text)
            size += len(text)
        if batch:
            yield "[" + ",".join(batch) + "]"

    def upsert(self, records: Sequence[OpsRecord]) -> UpsertResult:
        rows = _dedupe(records)
        if not rows:
            return UpsertResult(table="", inserted=0, updated=0)
        _WRITES["n"] += 1
        model = type(rows[0])
        full = self.full_name(model)
        if full not in self._created:
            self._ensure_table(model)
            self._created.add(full)
        sql = self.merge_sql(model)
        inserted = updated = 0
        counted = True
        for payload in self._batches(to_row(r) for r in rows):
            # MERGE answers one row of counts (num_inserted_rows, num_updated_rows, ...) on Databricks.
            result = self.warehouse.query(sql, {"rows": payload}, name=f"merge {model.__table__}").to_pylist()
            counts = result[0] if result else {}
            if "num_inserted_rows" in counts and "num_updated_rows" in counts:
                inserted += int(counts["num_inserted_rows"] or 0)
                updated += int(counts["num_updated_rows"] or 0)
            else:
                counted = False
        if not counted:  # an engine that does not report counts: the rows sent, as written
            inserted, updated = len(rows), 0
        return UpsertResult(table=full, inserted=inserted, updated=updated)

    def read(self, model: type[T], where: dict[str, Condition] | None = None) -> list[T]:
        names = [c for c, _ in databricks_columns(model)]
        try:
            clause, params = sql_filter(where or {}, names)
        except ValueError as exc:
            raise ValueError(f"{exc} ({model.__table__})") from None
        # Identifiers are validated (catalog/schema) or come from the model (table, columns).
        sql = f"SELECT * FROM {self.full_name(model)}{clause}"  # noqa: S608
        try:
            table = self.warehouse.query(sql, params, name=f"read {model.__table__}")
        except QueryError as exc:
            if "TABLE_OR_VIEW_NOT_FOUND" in str(exc):  # Databricks' error class: nothing written yet
                return []
            raise
        return [from_row(model, row) for row in table.to_pylist()]  # type: ignore[misc]


def get_ops_store(warehouse: Warehouse | None = None, *, lakehouse: str | Path | None = None) -> OpsStore:
    """The ops store matching the warehouse: Databricks SQL MERGE, or local Delta."""
    from include.config import WarehouseMode

    if warehouse is not None and getattr(warehouse, "mode", None) is WarehouseMode.DATABRICKS:
        return DatabricksOpsStore(warehouse)
    root = getattr(warehouse, "root", None) or lakehouse
    return LocalOpsStore(root)


__all__ = ["DatabricksOpsStore", "LocalOpsStore", "OpsStore", "UpsertResult", "arrow_schema", "get_ops_store"]
