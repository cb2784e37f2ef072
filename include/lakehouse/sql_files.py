"""Load the project's `.sql` files (Databricks SQL with named `:parameters`)."""

from __future__ import annotations

import functools
import re
from pathlib import Path

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
    return path.read_text(encoding="utf-8")
