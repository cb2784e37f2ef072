"""Domain agents and the daily report on the simulated workspace (default: large).

In a child process: run the six sweeps once (timed by bench_sweeps, not here), then time
(a) the six domain agents on the deterministic path, (b) storing findings and run records
(MERGE), (c) analysing from the store, (d) the daily report (chart queries + charts + render +
store + file), and a second report for the same date (MERGE by date). Reports HTML size and
chart query time separately.

    .venv/bin/python -m bench.bench_report [--scale large] [--days 30] [--seed 7]
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from bench.bench_generate import END, ensure_workspace


def _child_main(root: Path) -> None:
    from agents.domains import analyse, analyst
    from include.health.runner import run_all
    from include.health.service import analyse_stored, sweep_and_store
    from include.lakehouse.warehouse import LocalWarehouse
    from include.ops.store import LocalOpsStore
    from include.report.data import load_cost, load_runs
    from include.report.service import generate_report
    from include.simulator.manifest import load_manifest

    manifest = load_manifest(root)
    assert manifest is not None
    wh = LocalWarehouse(root)
    as_of = manifest.end
    sweeps = {s.domain: s for s in run_all(wh, as_of)}
    started = time.perf_counter()
    analyses = [analyse(d, s) for d, s in sweeps.items()]
    agents_s = time.perf_counter() - started

    ops = Path(tempfile.mkdtemp(prefix="lakepilot-bench-ops-"))
    try:
        store = LocalOpsStore(ops)
        started = time.perf_counter()
        for domain, sweep in sweeps.items():
            sweep_and_store(wh, domain, as_of, store=store, sweep_fn=lambda *_a, _s=sweep, **_k: _s)
        store_s = time.perf_counter() - started
        started = time.perf_counter()
        for domain in sweeps:
            analyse_stored(wh, domain, as_of, store=store, analyst=analyst(domain))
        analyse_s = time.perf_counter() - started
        end_day = (as_of - timedelta(microseconds=1)).date()
        started = time.perf_counter()
        load_cost(wh, end_day - timedelta(days=29), end_day)
        load_runs(wh, end_day - timedelta(days=29), end_day)
        queries_s = time.perf_counter() - started
        out = ops / "reports"
        started = time.perf_counter()
        bundle, summary = generate_report(wh, as_of, store=store, out_dir=out)
        report_s = time.perf_counter() - started
        started = time.perf_counter()
        generate_report(wh, as_of, store=store, out_dir=out)
        rerender_s = time.perf_counter() - started
        html_kib = len(bundle.html.encode()) / 1024
    finally:
        shutil.rmtree(ops, ignore_errors=True)
    print(json.dumps({
        "findings": sum(len(a.findings) for a in analyses),
        "agents_deterministic_s": round(agents_s, 3),
        "store_findings_s": round(store_s, 2),
        "analyse_from_store_s": round(analyse_s, 2),
        "report_chart_queries_s": round(queries_s, 2),
        "report_total_s": round(report_s, 2),
        "report_rerender_s": round(rerender_s, 2),
        "report_html_kib": round(html_kib, 1),
        "report_findings": summary.findings,
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }))


def run(scale: str = "large", days: int = 30, seed: int = 7) -> dict[str, Any]:
    """Figures for `make bench` (see module docstring)."""
    root, generated = ensure_workspace(scale, days, seed, END)
    cmd = [sys.executable, "-m", "bench.bench_report", "--child", str(root)]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False, cwd=Path(__file__).resolve().parent.parent)
    if done.returncode != 0:
        raise RuntimeError(f"report benchmark failed: {done.stderr[-2000:]}")
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    return {
        "name": "report",
        "scale": scale,
        "rows": generated.get("rows"),
        **figures,
        "targets": {"report_total_s": "< 30 s on the large workspace", "agents_deterministic_s": "< 2 s for six domains"},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--child", type=Path)
    parser.add_argument("--scale", default="large")
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if args.child:
        _child_main(args.child)
        return
    print(json.dumps(run(args.scale, args.days, args.seed), indent=2))


if __name__ == "__main__":
    main()
