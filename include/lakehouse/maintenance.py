"""Compaction and checkpoints for local Delta tables that receive many small commits."""

from __future__ import annotations

import logging
from pathlib import Path

from pydantic import BaseModel, Field

from include.config import lakehouse_root
from include.lakehouse.delta_store import open_table, table_exists, table_lock

log = logging.getLogger(__name__)

# Tables written incrementally (the rest of the lakehouse is written once per generation).
INCREMENTAL_TABLES = (
    "system.lakeflow.job_run_timeline",
    "system.lakeflow.job_task_run_timeline",
)


class CompactionResult(BaseModel):
    tables: dict[str, dict[str, int]] = Field(default_factory=dict)


def _ops_tables(root: Path) -> list[str]:
    base = root / "lakepilot"
    if not base.is_dir():
        return []
    return [
        f"lakepilot.{schema.name}.{table.name}"
        for schema in sorted(base.iterdir())
        if schema.is_dir()
        for table in sorted(schema.iterdir())
        if (table / "_delta_log").is_dir()
    ]


def compact_tables(root: str | Path | None = None, min_commits: int = 10) -> CompactionResult:
    """Compact and checkpoint every incremental table with at least `min_commits` commits."""
    lake = lakehouse_root(root)
    result = CompactionResult()
    for name in [*INCREMENTAL_TABLES, *_ops_tables(lake)]:
        if not table_exists(lake, name):
            continue
        with table_lock(lake, name):
            table = open_table(lake, name)
            if table.version() + 1 < min_commits:
                continue
            metrics = table.optimize.compact()
            table = open_table(lake, name)
            table.create_checkpoint()
            table.cleanup_metadata()
        result.tables[name] = {
            "files_added": int(metrics.get("numFilesAdded", 0)),
            "files_removed": int(metrics.get("numFilesRemoved", 0)),
            "version": int(table.version()),
        }
        log.info("compacted %s: %s", name, result.tables[name])
    return result
