"""All six health sweeps on the large simulated workspace, against a raw-scan floor.

In a child process (so peak RSS is the sweeps' own): run the six domains at the workspace's
end, recording every table scan the sweeps count, then scan exactly those tables the same number
of times with DuckDB over the same Delta files, reading every row's time column
(`SELECT MIN, MAX, COUNT`) — the least any check reading those tables could cost on this engine. Reports wall times, rows scanned (from table metadata,
as `DomainSweep.rows_scanned`), rows/s and the sweep/floor ratio.

    .venv/bin/python -m bench.bench_sweeps [--scale large] [--days 30] [--seed 7]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.bench_generate import END, ensure_workspace

# Column each table is scanned on for the floor (a timestamp every row has).
SCAN_COLUMN = {
    "system.billing.usage": "usage_start_time", "system.billing.list_prices": "price_start_time",
    "system.access.audit": "event_time", "system.access.table_lineage": "event_time",
    "system.lakeflow.jobs": "change_time", "system.lakeflow.job_run_timeline": "period_start_time",
    "system.query.history": "start_time", "system.compute.clusters": "change_time",
    "system.compute.node_timeline": "start_time", "system.compute.warehouses": "change_time",
    "system.serving.endpoint_usage": "request_time", "system.serving.served_entities": "change_time",
    "system.data_quality_monitoring.table_results": "event_time", "system.information_schema.tables": "created",
    "system.information_schema.table_tags": "tag_name",
}


def _child_main(root: Path) -> None:
    from include.health import scan
    from include.health.runner import run_all
    from include.lakehouse.warehouse import LocalWarehouse
    from include.simulator.manifest import load_manifest

    manifest = load_manifest(root)
    assert manifest is not None
    wh = LocalWarehouse(root)
    # Record every table scan the sweeps count, so the floor scans exactly the same tables.
    scans: list[str] = []
    counted = scan.RowCounter.rows

    def recording(self, table: str) -> int:
        scans.append(table)
        return counted(self, table)

    scan.RowCounter.rows = recording  # type: ignore[method-assign]
    started = time.perf_counter()
    sweeps = run_all(wh, manifest.end)
    sweep_wall = time.perf_counter() - started
    scan.RowCounter.rows = counted  # type: ignore[method-assign]
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    counter = scan.RowCounter(wh)
    started = time.perf_counter()
    for table in scans:
        column = SCAN_COLUMN.get(table, "`window`.start" if table.endswith("_drift_metrics") else "timestamp_ms")
        wh.query(f"SELECT MIN({column}) AS lo, MAX({column}) AS hi, COUNT(*) AS n FROM {table}")
    floor_wall = time.perf_counter() - started
    rows = sum(s.rows_scanned for s in sweeps)
    print(json.dumps({
        "sweep_wall_s": round(sweep_wall, 2), "floor_wall_s": round(floor_wall, 2),
        "rows_scanned": rows, "floor_rows": counter.total(scans),
        "rows_per_s": round(rows / sweep_wall), "floor_rows_per_s": round(counter.total(scans) / floor_wall),
        "sweep_vs_floor": round(sweep_wall / floor_wall, 2), "peak_rss_mib": round(peak_kib / 1024, 1),
        "errors": sum(len(s.errors) for s in sweeps), "findings": sum(len(s.findings) for s in sweeps),
        "per_domain_s": {s.domain: s.duration_s for s in sweeps},
    }))


def run(scale: str = "large", days: int = 30, seed: int = 7) -> dict[str, Any]:
    """Figures for `make bench` (see module docstring)."""
    root, generated = ensure_workspace(scale, days, seed, END)
    cmd = [sys.executable, "-m", "bench.bench_sweeps", "--child", str(root)]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False, cwd=Path(__file__).resolve().parent.parent)
    if done.returncode != 0:
        raise RuntimeError(f"sweeps failed: {done.stderr[-2000:]}")
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    per_domain = figures.pop("per_domain_s")
    return {"name": "sweeps", "scale": scale, "workspace_rows": generated["rows"], **figures,
            **{f"{d}_s": v for d, v in per_domain.items()},
            "targets": {"errors": "0", "sweep_vs_floor": "lower is better (1 = raw scan)"}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="large")
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child_main(Path(args.child))
        return
    print(json.dumps(run(args.scale, args.days, args.seed), indent=2))


if __name__ == "__main__":
    main()
