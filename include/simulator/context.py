"""What the table generators share while one workspace is generated."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import numpy as np
import pyarrow as pa

from include.lakehouse.delta_store import write_table
from include.lakehouse.schema import per_object_schema, system_table_schema
from include.simulator.ids import DAY, stream
from include.simulator.plan import Plan
from include.simulator.runs import RunSet, TaskRunSet
from include.simulator.world import World

log = logging.getLogger(__name__)


class GenerationProgress(Protocol):
    """Receives progress while tables are written (the CLI draws one bar per table)."""

    def table_started(self, table: str, total_batches: int | None) -> None: ...

    def batch_written(self, table: str, rows: int) -> None: ...

    def table_finished(self, table: str, rows: int) -> None: ...


@dataclass
class Uptime:
    """Intervals during which a compute resource ran, with how many nodes/clusters."""

    start: np.ndarray
    end: np.ndarray
    units: np.ndarray


@dataclass
class Context:
    world: World
    plan: Plan
    runs: RunSet
    tasks: TaskRunSet
    root: Path
    progress: GenerationProgress | None = None
    row_counts: dict[str, int] = field(default_factory=dict)
    cluster_uptime: dict[str, Uptime] = field(default_factory=dict)  # all-purpose cluster id -> uptime
    warehouse_uptime: dict[str, Uptime] = field(default_factory=dict)  # warehouse id -> uptime
    last_writes: dict[str, np.ndarray] = field(default_factory=dict)  # table -> write times (µs)

    def rng(self, name: str) -> np.random.Generator:
        return stream(self.world.seed, name)

    def day_starts(self) -> np.ndarray:
        """Midnights of every simulated day (the unit big tables are generated in)."""
        return np.arange(self.world.start_us, self.world.end_us, DAY, dtype=np.int64)

    def write(self, full_name: str, batches: Iterable[pa.RecordBatch] | pa.Table, *,
              schema: pa.Schema | None = None, total_batches: int | None = None) -> int:
        """Write a table in one Delta commit, reporting progress per batch."""
        schema = schema or system_table_schema(full_name)
        if self.progress:
            self.progress.table_started(full_name, total_batches)

        def tracked() -> Iterator[pa.RecordBatch]:
            source = batches.to_batches() if isinstance(batches, pa.Table) else batches
            for b in source:
                yield b
                if self.progress:
                    self.progress.batch_written(full_name, b.num_rows)

        rows = write_table(self.root, full_name, tracked(), schema)
        self.row_counts[full_name] = rows
        if self.progress:
            self.progress.table_finished(full_name, rows)
        log.info("generated %s: %d rows", full_name, rows)
        return rows

    def write_per_object(self, full_name: str, kind: str, batches: Iterable[pa.RecordBatch] | pa.Table) -> int:
        return self.write(full_name, batches, schema=per_object_schema(kind))
