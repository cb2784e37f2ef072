"""Schema vintages: the same simulated workspace as an older or a newer Databricks release would export it.

Real system tables gain columns and struct fields over time, so a workspace (or an export of one)
can be a release behind or ahead of LakePilot's DDL. `apply_vintage` rewrites the generated tables:

- `older`: `billing.usage.usage_metadata` keeps its first 12 fields and `product_features` its first
  6; `billing.usage` has no `usage_type` and `identity_metadata.run_by`; `job_run_timeline` has no
  per-phase durations nor `termination_type`; `access.audit` has no display names in
  `identity_metadata`.
- `newer`: every table gains a top-level column, and every struct column a field, that LakePilot
  does not know.

The health sweep must run every check whose columns exist and name every one that could not run.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Literal

import pyarrow as pa

from include.lakehouse.delta_store import read_table, table_exists, write_table

Vintage = Literal["older", "current", "newer"]
VINTAGES: tuple[Vintage, ...] = ("older", "current", "newer")

# table -> (top-level columns dropped, {struct column: fields kept (a count) or dropped (names)})
_OLDER: dict[str, tuple[tuple[str, ...], dict[str, int | tuple[str, ...]]]] = {
    "system.billing.usage": (("usage_type",), {"usage_metadata": 12, "product_features": 6,
                                               "identity_metadata": ("run_by",)}),
    "system.lakeflow.job_run_timeline": (("termination_type", "setup_duration_seconds", "queue_duration_seconds",
                                          "run_duration_seconds", "cleanup_duration_seconds",
                                          "execution_duration_seconds"), {}),
    "system.access.audit": ((), {"identity_metadata": ("run_by_display_name", "run_as_display_name")}),
}
NEWER_COLUMN = "lakepilot_unknown_column"
NEWER_FIELD = "lakepilot_unknown_field"


def _struct(column: pa.ChunkedArray, keep: Callable[[str], bool], extra: bool) -> pa.Array:
    arr = column.combine_chunks()
    names = [arr.type.field(i).name for i in range(arr.type.num_fields) if keep(arr.type.field(i).name)]
    children = [arr.field(n) for n in names]
    if extra:
        names.append(NEWER_FIELD)
        children.append(pa.array(["new"] * len(arr), pa.string()))
    return pa.StructArray.from_arrays(children, names=names, mask=arr.is_null())


def _older(table: pa.Table, spec: tuple[tuple[str, ...], dict[str, int | tuple[str, ...]]]) -> pa.Table:
    dropped, structs = spec
    table = table.drop_columns([c for c in dropped if c in table.column_names])
    for name, rule in structs.items():
        fields = [table.schema.field(name).type.field(i).name for i in range(table.schema.field(name).type.num_fields)]
        kept = set(fields[:rule]) if isinstance(rule, int) else set(fields) - set(rule)
        table = table.set_column(table.column_names.index(name), name, _struct(table[name], kept.__contains__, False))
    return table


def _newer(table: pa.Table) -> pa.Table:
    for i, field in enumerate(table.schema):
        if pa.types.is_struct(field.type):
            table = table.set_column(i, field.name, _struct(table[field.name], lambda _n: True, True))
    return table.append_column(NEWER_COLUMN, pa.array(["new"] * table.num_rows, pa.string()))


def apply_vintage(root: str | Path, vintage: Vintage) -> list[str]:
    """Rewrite the system tables under `root` as `vintage` exports them; returns the tables changed."""
    if vintage not in VINTAGES:
        raise ValueError(f"schema vintage must be one of {', '.join(VINTAGES)}, not {vintage!r}")
    root = Path(root)
    if vintage == "current":
        return []
    from include.lakehouse.system_tables import SYSTEM_TABLES

    changed = []
    for full in sorted(SYSTEM_TABLES):
        if not table_exists(root, full) or (vintage == "older" and full not in _OLDER):
            continue
        table = read_table(root, full)
        table = _older(table, _OLDER[full]) if vintage == "older" else _newer(table)
        write_table(root, full, table, table.schema)
        changed.append(full)
    return changed


def drop_columns(root: str | Path, full_name: str, columns: tuple[str, ...]) -> None:
    """Rewrite one table without some top-level columns, as a partial export (selected columns) would."""
    root = Path(root)
    table = read_table(root, full_name)
    table = table.drop_columns([c for c in columns if c in table.column_names])
    write_table(root, full_name, table, table.schema)
