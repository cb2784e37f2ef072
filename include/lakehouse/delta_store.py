"""Delta tables on the local filesystem, laid out as `<root>/<catalog>/<schema>/<table>`.

Every write is one Delta commit (all of it or nothing), made under a per-table file lock so
two local writers never race on a commit; deltalake's own conflict check still backs it up.
"""

from __future__ import annotations

import contextlib
import logging
import re
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import pyarrow as pa
from filelock import FileLock

from include.lakehouse.schema import SchemaMismatchError, check_schema

if TYPE_CHECKING:
    from deltalake import DeltaTable

log = logging.getLogger(__name__)

T = TypeVar("T")

_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class TableNotFoundError(LookupError):
    """No Delta table exists at the path a table name maps to."""

    def __init__(self, message: str, table: str = "") -> None:
        super().__init__(message)
        self.table = table


def split_name(full_name: str) -> tuple[str, str, str]:
    """Split and validate `catalog.schema.table`; each part must be a plain identifier."""
    parts = full_name.split(".")
    if len(parts) != 3 or not all(_IDENT.match(p) for p in parts):
        raise ValueError(
            f"table name {full_name!r} must be catalog.schema.table with letters, digits and _ only"
        )
    catalog, schema, table = parts
    return catalog, schema, table


def table_path(root: Path, full_name: str) -> Path:
    """Directory of the Delta table `catalog.schema.table` under `root`."""
    return Path(root).joinpath(*split_name(full_name))


def table_exists(root: Path, full_name: str) -> bool:
    """True when a Delta log exists for the table."""
    return (table_path(root, full_name) / "_delta_log").is_dir()


@contextlib.contextmanager
def table_lock(root: Path, full_name: str, timeout: float = 120.0) -> Iterator[None]:
    """Hold an exclusive, cross-process lock for writing one table."""
    locks = Path(root) / "_locks"
    locks.mkdir(parents=True, exist_ok=True)
    with FileLock(str(locks / f"{full_name}.lock"), timeout=timeout):
        yield


def conform(data: pa.Table, schema: pa.Schema, table: str) -> pa.Table:
    """Select and cast `data` to `schema`, naming the table and column when that fails."""
    check_schema(table, schema, data.schema)
    try:
        return data.select(schema.names).cast(schema)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError) as exc:
        raise SchemaMismatchError(f"table {table}: data cannot be stored as its schema: {exc}") from exc


def write_table(
    root: Path,
    full_name: str,
    data: pa.Table | Iterable[pa.RecordBatch],
    schema: pa.Schema,
    *,
    mode: str = "overwrite",
) -> int:
    """Write `data` to the table in one Delta commit and return the number of rows written.

    `data` may be a table or an iterable of record batches (streamed: large tables are never
    held in memory at once). Batches are conformed to `schema`; a batch that does not fit
    raises before the commit, so the table is left as it was.
    """
    from deltalake import write_deltalake

    if mode not in {"overwrite", "append"}:
        raise ValueError(f"write mode must be overwrite or append, not {mode!r}")
    path = table_path(root, full_name)
    path.mkdir(parents=True, exist_ok=True)
    count = 0
    failure: list[BaseException] = []

    def batches() -> Iterator[pa.RecordBatch]:
        nonlocal count
        source = [data] if isinstance(data, pa.Table) else data
        try:
            for part in source:
                part_table = part if isinstance(part, pa.Table) else pa.Table.from_batches([part])
                conformed = conform(part_table, schema, full_name)
                count += conformed.num_rows
                yield from conformed.to_batches()
        except BaseException as exc:  # re-raised below, unwrapped from the Rust writer's error
            failure.append(exc)
            raise

    reader = pa.RecordBatchReader.from_batches(schema, batches())
    with table_lock(root, full_name):
        try:
            if mode == "overwrite":
                write_deltalake(str(path), reader, mode="overwrite", schema_mode="overwrite")
            else:
                write_deltalake(str(path), reader, mode="append")
        except Exception:
            if failure:
                raise failure[0] from None
            raise
    log.debug("wrote %d rows to %s (%s)", count, full_name, mode)
    return count


def open_table(root: Path, full_name: str) -> DeltaTable:
    """Open a Delta table, raising `TableNotFoundError` naming the path when absent."""
    from deltalake import DeltaTable

    path = table_path(root, full_name)
    if not (path / "_delta_log").is_dir():
        raise TableNotFoundError(f"table {full_name} not found: no Delta table at {path}", full_name)
    return DeltaTable(str(path))


def read_table(root: Path, full_name: str, columns: list[str] | None = None) -> pa.Table:
    """Read a whole Delta table (small tables and tests; queries go through a warehouse)."""
    return open_table(root, full_name).to_pyarrow_table(columns=columns)


def with_commit_retries(
    action: Callable[..., T], *, attempts: int = 8, base_delay: float = 0.05
) -> tuple[T, int]:  # `...`: callers bind loop values as lambda defaults, which Callable[[], T] rejects
    """Run a Delta write, retrying on commit conflicts with a bounded exponential backoff.

    Returns `(result, retries)`; re-raises once `attempts` is used up.
    """
    from deltalake.exceptions import CommitFailedError

    for attempt in range(attempts):
        try:
            return action(), attempt
        except CommitFailedError:
            if attempt == attempts - 1:
                raise
            time.sleep(base_delay * (2**attempt))
    raise AssertionError("unreachable")
