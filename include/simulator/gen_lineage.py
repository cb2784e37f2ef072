"""`system.access.table_lineage` and `column_lineage`: job writes/reads and SQL reads.

A job writes its tables when (and only when) a run succeeds, so a table whose writer stops
succeeding stops being refreshed — the freshness signal data-quality checks read.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np
import pyarrow as pa

from include.lakehouse.schema import system_table_schema
from include.simulator.arrowkit import NULL, NULL_MASK, batch, choice_strings
from include.simulator.context import Context
from include.simulator.gen_queries import STATEMENT_TYPES, day_queries, executors_of, readable_tables
from include.simulator.ids import DAY, uuids
from include.simulator.world import World


def _parts(names: Sequence[str | None]) -> dict[str, pa.Array]:
    split = [n.split(".") if n and "." in n else [None, None, None] for n in names]
    return {"full": pa.array(names, type=pa.string()), "catalog": pa.array([s[0] for s in split], type=pa.string()),
            "schema": pa.array([s[1] for s in split], type=pa.string()), "name": pa.array([s[2] for s in split], type=pa.string())}


def _edges(world: World) -> list[tuple[int, str | None, str | None, str | None]]:
    """(job index, source table, source path, target table) for every lineage edge of every job."""
    edges = []
    for j, job in enumerate(world.jobs):
        sources: list[tuple[str | None, str | None]] = [(t, None) for t in job.spec.reads] + [(None, p) for p in job.source_paths]
        targets: list[str | None] = list(job.spec.writes) or [None]
        for target in targets:
            for table, path in sources or [(None, None)]:
                if table is None and path is None and target is None:
                    continue
                edges.append((j, table, path, target))
    return edges


def _job_rows(
    ctx: Context, schema: pa.Schema, rng: np.random.Generator, columns: bool
) -> Iterator[pa.RecordBatch]:
    world, runs = ctx.world, ctx.runs
    edges = _edges(world)
    if not edges:
        return
    e_job = np.array([e[0] for e in edges])
    ok = runs.succeeded
    per_run = np.array([(e_job == j).sum() for j in range(len(world.jobs))])[runs.job] * ok
    r = np.repeat(np.arange(len(runs)), per_run)
    # Edge index of each row: the run's job's edges in order.
    edge_start = np.searchsorted(e_job, runs.job[r], side="left") if (np.diff(e_job) >= 0).all() else None
    assert edge_start is not None
    k = np.arange(len(r)) - np.repeat(np.cumsum(per_run) - per_run, per_run)
    e = edge_start + k
    if columns:
        cols_of = [world.tables[t].columns[:3] if t else [] for _, _, _, t in edges]
        n_cols = np.array([len(c) if edges[i][1] else 0 for i, c in enumerate(cols_of)])[e]
        r, e = np.repeat(r, n_cols), np.repeat(e, n_cols)
        c_idx = np.arange(len(r)) - np.repeat(np.cumsum(n_cols) - n_cols, n_cols)
        flat = [c for cols in cols_of for c in cols] or ["id"]
        offsets = np.cumsum([0] + [len(c) for c in cols_of])
    n = len(r)
    if not n:
        return
    src = _parts([s for _, s, _, _ in edges])
    tgt = _parts([t for _, _, _, t in edges])
    paths = pa.array([p for _, _, p, _ in edges], type=pa.string())
    ei = pa.array(e)
    event_time = runs.exec_end[r]
    job_ids = pa.array([j.job_id for j in world.jobs]).take(pa.array(runs.job[r]))
    run_ids = pa.array(runs.run_id[r]).cast(pa.string())
    values = {
        "account_id": world.account_id, "metastore_id": world.metastore_id,
        "workspace_id": pa.array([j.spec.workspace_id for j in world.jobs]).take(pa.array(runs.job[r])),
        "entity_type": "JOB", "entity_id": job_ids, "entity_run_id": run_ids,
        "source_table_full_name": src["full"].take(ei), "source_table_catalog": src["catalog"].take(ei),
        "source_table_schema": src["schema"].take(ei), "source_table_name": src["name"].take(ei),
        "source_path": paths.take(ei),
        "source_type": pa.array(np.where(np.array([s is not None for _, s, _, _ in edges])[e], "TABLE",
                                         np.where(np.array([p is not None for _, _, p, _ in edges])[e], "PATH", NULL)), type=pa.string()),
        "target_table_full_name": tgt["full"].take(ei), "target_table_catalog": tgt["catalog"].take(ei),
        "target_table_schema": tgt["schema"].take(ei), "target_table_name": tgt["name"].take(ei),
        "target_type": pa.array(np.where(np.array([t is not None for _, _, _, t in edges])[e], "TABLE", NULL), type=pa.string()),
        "created_by": pa.array([j.spec.run_as for j in world.jobs]).take(pa.array(runs.job[r])),
        "event_time": event_time, "event_date": (event_time // DAY).astype(np.int32), "record_id": uuids(rng, n),
        "event_id": uuids(rng, n), "entity_metadata": {"job_info": {"job_id": job_ids, "job_run_id": run_ids}},
        "direct_access": True,
    }
    if columns:
        names = pa.array(flat).take(pa.array(offsets[e] + c_idx))
        values["source_column_name"] = names
        values["target_column_name"] = names
    yield batch(schema, n, values)


def _query_rows(ctx: Context, schema: pa.Schema, rng: np.random.Generator) -> Iterator[pa.RecordBatch]:
    world = ctx.world
    select = np.array([t == "SELECT" for t in STATEMENT_TYPES])
    for day in ctx.day_starts().tolist():
        for wh in world.warehouses:
            q = day_queries(ctx, wh, day)
            keep = select[q["stype"]] & (q["status"] == 0)
            n = int(keep.sum())
            if not n:
                continue
            tables = _parts(readable_tables(ctx, wh))
            ti = pa.array(q["table"][keep])
            executors = executors_of(ctx, wh)
            statement = q["statement_id"].filter(pa.array(keep))
            yield batch(schema, n, {
                "account_id": world.account_id, "metastore_id": world.metastore_id, "workspace_id": wh.info.workspace_id,
                "entity_type": "DBSQL_QUERY", "entity_id": statement, "entity_run_id": statement,
                "source_table_full_name": tables["full"].take(ti), "source_table_catalog": tables["catalog"].take(ti),
                "source_table_schema": tables["schema"].take(ti), "source_table_name": tables["name"].take(ti),
                "source_type": "TABLE", "created_by": choice_strings(executors, q["executor"][keep]),
                "event_time": q["start"][keep], "event_date": (q["start"][keep] // DAY).astype(np.int32),
                "record_id": uuids(rng, n), "event_id": uuids(rng, n), "statement_id": statement,
                "entity_metadata": {NULL_MASK: np.ones(n, bool)}, "direct_access": True,
            })


def record_writes(ctx: Context) -> None:
    """Remember when each table was written (successful runs of its writer)."""
    runs = ctx.runs
    for j, job in enumerate(ctx.world.jobs):
        done = runs.exec_end[(runs.job == j) & runs.succeeded]
        for table in job.spec.writes:
            ctx.last_writes[table] = np.sort(done)


def generate_lineage(ctx: Context) -> None:
    """Write table and column lineage."""
    record_writes(ctx)
    rng = ctx.rng("lineage")
    table_schema = system_table_schema("system.access.table_lineage")

    def tables() -> Iterator[pa.RecordBatch]:
        yield from _job_rows(ctx, table_schema, rng, columns=False)
        yield from _query_rows(ctx, table_schema, rng)

    ctx.write("system.access.table_lineage", tables())
    ctx.write("system.access.column_lineage", _job_rows(ctx, system_table_schema("system.access.column_lineage"), rng, columns=True))
