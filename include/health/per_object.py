"""Bind a per-object check's SQL to one allow-listed table.

Per-object tables (drift metrics, inference payloads) have a name per monitored object, so their
SQL files name a placeholder table (`per_object.<schema>.<kind>`); the runner swaps in the real
name through the SQL syntax tree — never by string formatting — and only names that come from
the settings and pass the identifier check.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from include.lakehouse.delta_store import split_name
from include.lakehouse.sql_files import load_sql

if TYPE_CHECKING:
    from sqlglot import exp

PLACEHOLDER_CATALOG = "per_object"


@functools.cache
def _tree(sql_name: str) -> exp.Expr:
    import sqlglot

    return sqlglot.parse_one(load_sql(sql_name), read="databricks")


def bind_table(sql_name: str, table: str) -> str:
    """The Databricks SQL of `sql_name` with its placeholder table replaced by `table`."""
    from sqlglot import exp

    catalog, schema, name = split_name(table)
    tree = _tree(sql_name).copy()
    placeholders = [t for t in tree.find_all(exp.Table) if t.catalog == PLACEHOLDER_CATALOG]
    if not placeholders:
        raise ValueError(f"SQL {sql_name} has no {PLACEHOLDER_CATALOG}.* placeholder table")
    for t in placeholders:
        t.set("catalog", exp.to_identifier(catalog))
        t.set("db", exp.to_identifier(schema))
        t.set("this", exp.to_identifier(name))
    return tree.sql(dialect="databricks")
