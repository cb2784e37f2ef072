"""Run the UI's and metrics' SQL over the `lakepilot.ops` tables, on either engine.

Queries are Databricks SQL files (`include/ui/sql`, `include/metrics/sql`) with named
`:parameters`. They are Jinja templates only for what SQL parameters cannot carry: the ops
table prefix (validated identifiers from `include.config.ops_location`) and constant lists
such as histogram bucket bounds. Nothing a user types reaches the template.

A table that does not exist yet (nothing written to it so far) is normal on a young
deployment: `existing_ops_tables` lets callers skip it and say so instead of failing.
"""

from __future__ import annotations

import functools
import json
import logging
import re
from pathlib import Path
from typing import Any

import jinja2
import pyarrow as pa

from include.config import ops_location
from include.lakehouse.delta_store import table_exists
from include.lakehouse.sql_files import parameter_names
from include.lakehouse.warehouse import LocalWarehouse, Warehouse
from include.templating import template_environment

log = logging.getLogger(__name__)

_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_SQL_ROOTS = {
    "ui": Path(__file__).resolve().parent / "sql",
    "metrics": Path(__file__).resolve().parent.parent / "metrics" / "sql",
}
_NAME = re.compile(r"^(ui|metrics)/[a-z0-9_]+$")


def ops_prefix() -> str:
    """`catalog.schema` of the ops tables, each part checked to be a plain identifier."""
    catalog, schema = ops_location()
    for part in (catalog, schema):
        if not _IDENT.match(part):
            raise ValueError(f"ops location part {part!r} must be a plain identifier")
    return f"{catalog}.{schema}"


@functools.cache
def _environment(root: str) -> jinja2.Environment:
    return template_environment(root, trim_blocks=False, keep_trailing_newline=True)


def render_sql(name: str, **constants: Any) -> str:
    """The SQL text of `ui/<file>` or `metrics/<file>` with the ops prefix and constants filled in."""
    if not _NAME.match(name):
        raise ValueError(f"SQL name {name!r} must be ui/<name> or metrics/<name>")
    area, file = name.split("/", 1)
    template = _environment(str(_SQL_ROOTS[area])).get_template(f"{file}.sql")
    return template.render(ops=ops_prefix(), **constants)


def existing_ops_tables(warehouse: Warehouse, tables: list[str]) -> set[str]:
    """Which of the named ops tables exist."""
    prefix = ops_prefix()
    if isinstance(warehouse, LocalWarehouse):
        return {t for t in tables if table_exists(warehouse.root, f"{prefix}.{t}")}
    catalog, schema = prefix.split(".")
    found = warehouse.query(f"SHOW TABLES IN {catalog}.{schema}", name="ops tables")
    column = "tableName" if "tableName" in found.column_names else found.column_names[1]
    names = {str(n).lower() for n in found.column(column).to_pylist()}
    return {t for t in tables if t.lower() in names}


def run_ops_sql(warehouse: Warehouse, name: str, params: dict[str, Any] | None = None, **constants: Any) -> pa.Table:
    """Run one ops query and return its Arrow table.

    Only the parameters the rendered text uses are bound (a template branch may drop one;
    Databricks rejects values for markers the statement does not have).
    """
    sql = render_sql(name, **constants)
    used = parameter_names(sql)
    bound = {k: v for k, v in (params or {}).items() if k in used}
    return warehouse.query(sql, bound, name=name)


def json_value(value: Any, default: Any) -> Any:
    """A JSON column's value parsed (columns holding dicts are stored as JSON strings)."""
    if value is None:
        return default
    if isinstance(value, str):
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return default
    return value
