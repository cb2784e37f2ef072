"""How many rows a check scanned, estimated from table metadata.

Local engine: the row count of every table a check reads, from the Delta log's per-file
statistics (no data is read to count). It is an upper bound: DuckDB may skip files whose
statistics rule them out. Databricks: not measured (0); query history has exact figures.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable

from include.lakehouse.delta_store import open_table, table_exists
from include.lakehouse.warehouse import Warehouse, local_root


class RowCounter:
    """Row counts of local Delta tables, cached per table version."""

    def __init__(self, warehouse: Warehouse) -> None:
        self.root = local_root(warehouse)
        self._cache: dict[tuple[str, int], int] = {}
        self._lock = threading.Lock()

    def rows(self, table: str) -> int:
        if self.root is None or not table_exists(self.root, table):
            return 0
        delta = open_table(self.root, table)
        key = (table, delta.version())
        with self._lock:
            if key not in self._cache:
                import pyarrow as pa

                actions = pa.table(delta.get_add_actions(flatten=True))
                present = "num_records" in actions.column_names
                count = sum(v or 0 for v in actions.column("num_records").to_pylist()) if present else 0
                self._cache[key] = int(count)
            return self._cache[key]

    def total(self, tables: Iterable[str]) -> int:
        return sum(self.rows(t) for t in tables)
