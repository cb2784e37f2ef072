"""Statements per sweep on Databricks: what the six sweeps send to a SQL warehouse (issue #22).

The sweeps run in production mode against the workspace emulator's SQL Statement Execution API over a
simulated workspace (the same Databricks SQL text a real warehouse receives; the emulator counts every
statement it accepts). Per domain: statements to read (the checks and the schema probes) and statements to
store (MERGEs of findings, the run record and the issues), once LakePilot's tables exist (the first sweep
also creates them: `cold_statements_per_sweep`). On a real warehouse each is a round trip and billed
compute; the count does not depend on how much history the tables hold.

    .venv/bin/python -m bench.bench_statements [--scale small] [--days 30]
"""

from __future__ import annotations

import argparse
import json
import os
import time
from typing import Any

from bench.bench_generate import END, ensure_workspace
from include.ops.models import DOMAINS


def run(scale: str = "small", days: int = 30, seed: int = 7) -> dict[str, Any]:
    """Figures for `make bench` (see module docstring)."""
    import tempfile
    from pathlib import Path

    from include.connections import databricks_warehouse
    from include.emulator.engine import DEFAULT_TOKEN
    from include.emulator.server import start_emulator
    from include.health.runner import run_domain
    from include.health.service import sweep_and_store
    from include.ops.store import DatabricksOpsStore
    from include.simulator.manifest import load_manifest

    root, _ = ensure_workspace(scale, days, seed, END)
    as_of = load_manifest(root).end
    scratch = tempfile.TemporaryDirectory(prefix="bench-statements-")
    server = start_emulator(root, scheduler=False, state_path=Path(scratch.name) / "state.db")
    saved = {k: os.environ.get(k) for k in ("AIRFLOW_CONN_DATABRICKS_DEFAULT", "LAKEPILOT_OPS_SCHEMA")}
    os.environ["AIRFLOW_CONN_DATABRICKS_DEFAULT"] = json.dumps({
        "conn_type": "databricks", "host": "127.0.0.1", "port": server.port, "schema": "http",
        "password": DEFAULT_TOKEN, "extra": {"http_path": "/sql/1.0/warehouses/local"}})
    os.environ["LAKEPILOT_OPS_SCHEMA"] = "bench_statements"  # never the cached workspace's own ops tables
    out: dict[str, Any] = {"name": "statements", "scale": scale, "days": days}
    try:
        warehouse = databricks_warehouse()
        store = DatabricksOpsStore(warehouse)
        for counted in (False, True):  # the first pass also creates LakePilot's tables: told apart as "cold"
            reads = writes = 0
            started = time.perf_counter()
            for domain in DOMAINS:
                before = server.sql.submitted
                sweep = run_domain(warehouse, domain, as_of)
                read = server.sql.submitted - before
                sweep_and_store(warehouse, domain, as_of, store=store, sweep_fn=lambda *a, _s=sweep, **k: _s)
                write = server.sql.submitted - before - read
                if counted:
                    out[f"{domain}_checks"] = len(sweep.checks_run) + len(sweep.errors)
                    out[f"{domain}_read_statements"], out[f"{domain}_store_statements"] = read, write
                reads, writes = reads + read, writes + write
            if not counted:
                out["cold_statements_per_sweep"] = reads + writes
        out["sweep_wall_s"] = round(time.perf_counter() - started, 2)
        out["read_statements"], out["store_statements"] = reads, writes
        out["statements_per_sweep"] = reads + writes
        out["checks"] = sum(out[f"{d}_checks"] for d in DOMAINS)
        out["note"] = ("bytes scanned are not reported: the emulator runs DuckDB over the Delta files and has no "
                       "warehouse query profile")
    finally:
        server.stop()
        scratch.cleanup()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="small")
    parser.add_argument("--days", type=int, default=30)
    args = parser.parse_args()
    print(json.dumps(run(args.scale, args.days), indent=2))


if __name__ == "__main__":
    main()
