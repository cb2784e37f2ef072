"""Load the project's `.sql` files (Databricks SQL with named `:parameters`).

A file is a Jinja template only to import shared fragments from `include/sql` (e.g. `_priced_usage.sql`,
the one definition of what usage cost); values always go in as bound parameters, never through Jinja.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

import jinja2

from include.templating import template_environment

SQL_ROOT = Path(__file__).resolve().parent.parent / "sql"
_NAME = re.compile(r"^[a-z0-9_]+(/[a-z0-9_]+)*$")


@functools.cache
def load_sql(name: str, root: Path = SQL_ROOT) -> str:
    """Text of `<root>/<name>.sql`; `name` is a slash path such as `health/cost/sku_spike`."""
    if not _NAME.match(name):
        raise ValueError(f"SQL file name {name!r} must be lower_snake path segments separated by /")
    path = root / f"{name}.sql"
    if not path.is_file():
        raise FileNotFoundError(f"no SQL file {path}")
    return _environment(root).get_template(f"{name}.sql").render()


@functools.cache
def _environment(root: Path) -> jinja2.Environment:
    """Templates under `root`, then the shared fragments of `include/sql`."""
    folders = [root] if root == SQL_ROOT else [root, SQL_ROOT]
    return template_environment(folders, trim_blocks=False, keep_trailing_newline=True)


def parameter_names(sql: str) -> set[str]:
    """The named parameters (`:name`) a Databricks SQL statement uses, read by sqlglot (not by a regex)."""
    import sqlglot
    from sqlglot import exp

    return {p.name for p in sqlglot.parse_one(sql, read="databricks").find_all(exp.Placeholder) if p.name}


def bind_used(sql: str, params: dict[str, Any]) -> dict[str, Any]:
    """Only the parameters the statement names (Databricks rejects values for markers it does not have).

    Raises `ValueError` naming any parameter the statement needs and `params` lacks.
    """
    names = parameter_names(sql)
    missing = names - params.keys()
    if missing:
        raise ValueError(f"no value for parameter(s) {', '.join(sorted(missing))}")
    return {k: params[k] for k in names}
