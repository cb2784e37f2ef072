"""Which columns (and struct fields) of which system tables a check's SQL reads.

Read from the SQL text itself with sqlglot, so a query and its requirements cannot drift apart: a
column reference whose trailing parts name a column or struct field of a table the query reads
(`u.usage_metadata.job_id` → `usage_metadata.job_id` of `system.billing.usage`) is required. A
file may declare reads that tolerate absence with a comment line, e.g.
`-- optional: identity_metadata.run_as, usage_metadata.budget_policy_id` — those read as NULL on a
table without them. Over-matching (a CTE's own column sharing a system column's name) only ever
makes a check more careful, never silently wrong.
"""

from __future__ import annotations

import functools
import re

import sqlglot
from sqlglot import exp

from include.lakehouse.schema import schema_paths, system_table_schema, system_table_types
from include.lakehouse.sql_files import load_sql
from include.lakehouse.system_tables import SYSTEM_TABLES

_OPTIONAL = re.compile(r"^[ \t]*--[ \t]*optional:[ \t]*(.+)$", re.MULTILINE | re.IGNORECASE)


def _reference(node: exp.Expression) -> list[str]:
    """The dotted parts of a column reference (`a.b.c.d.e` included)."""
    if isinstance(node, exp.Column):
        return [p.name for p in node.parts if p.name]
    if isinstance(node, exp.Dot):
        return [*_reference(node.this), node.expression.name] if node.expression.name else _reference(node.this)
    return []


def optional_columns(sql: str) -> frozenset[str]:
    """Paths a query declares it can do without (`-- optional: a.b, c`)."""
    return frozenset(p.strip() for line in _OPTIONAL.findall(sql) for p in line.split(",") if p.strip())


def columns_read(sql: str) -> dict[str, frozenset[str]]:
    """system table -> dotted paths the query reads and needs (its optional ones left out)."""
    tree = sqlglot.parse_one(sql, read="databricks")
    tables = {
        f"{t.catalog}.{t.db}.{t.name}" for t in tree.find_all(exp.Table) if t.catalog and t.db and t.name
    } & set(SYSTEM_TABLES)
    references = [
        parts for node in tree.find_all(exp.Column, exp.Dot)
        if not isinstance(node.parent, exp.Dot) and (parts := _reference(node))
    ]
    optional = optional_columns(sql)
    needed: dict[str, frozenset[str]] = {}
    for table in sorted(tables):
        paths = schema_paths(system_table_schema(table))
        found = set()
        for parts in references:
            for i in range(len(parts)):
                candidate = ".".join(parts[i:])
                if candidate in paths:
                    found.add(candidate)
                    break
        needed[table] = frozenset(found - optional)
    return needed


def optional_read(sql_name: str) -> dict[str, frozenset[str]]:
    """system table -> the paths of its DDL that the file reads but declares optional."""
    sql = load_sql(sql_name)
    optional = optional_columns(sql)
    return {table: frozenset(p for p in optional if p in schema_paths(system_table_schema(table)))
            for table in columns_read(sql)}


def without_columns(sql: str, absent: dict[str, frozenset[str]]) -> str:
    """`sql` with every reference to an absent optional path replaced by a typed NULL (both engines)."""
    if not any(absent.values()):
        return sql
    tree = sqlglot.parse_one(sql, read="databricks")
    types = {path: system_table_types(table)[path] for table, paths in absent.items() for path in paths}
    for node in list(tree.find_all(exp.Column, exp.Dot)):
        if isinstance(node.parent, exp.Dot) or node.parent is None:
            continue
        parts = _reference(node)
        for i in range(len(parts)):
            path = ".".join(parts[i:])
            if path in types:
                node.replace(exp.Cast(this=exp.Null(), to=types[path].copy()))
                break
    return tree.sql("databricks")


@functools.cache
def required_columns(sql_name: str) -> dict[str, frozenset[str]]:
    """`columns_read` of a project SQL file (`health/cost/sku_spike`), computed once per process."""
    return columns_read(load_sql(sql_name))
