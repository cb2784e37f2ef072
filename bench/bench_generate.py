"""Simulated workspace generation: small-scale wall time, large-scale volume, time and peak memory.

Each generation runs in a child process so its peak RSS is its own. The large workspace is
cached under the state dir (`<state>/bench/large-seed7-30d-2026-03-15`) and reused when its
manifest matches (seed, scale, days, end); its measurements are kept beside it, so a cached run
reports the figures of the run that built it (`large_cached: true`).

    .venv/bin/python -m bench.bench_generate [--scale large] [--days 30] [--seed 7] [--rebuild]
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
from datetime import date
from pathlib import Path
from typing import Any

from include.config import state_dir
from include.simulator.manifest import load_manifest

END = date(2026, 3, 15)  # fixed, so the cache stays valid whatever today is
MEASUREMENTS = "_bench_generate.json"


def workspace_dir(scale: str, days: int, seed: int, end: date = END) -> Path:
    return state_dir() / "bench" / f"{scale}-seed{seed}-{days}d-{end.isoformat()}"


def _child(out: Path, scale: str, days: int, seed: int, end: date) -> dict[str, Any]:
    """Generate in a fresh interpreter; return its wall time, peak RSS and volume."""
    cmd = [sys.executable, "-m", "bench.bench_generate", "--child", "--out", str(out), "--scale", scale,
           "--days", str(days), "--seed", str(seed), "--end", end.isoformat()]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False, cwd=Path(__file__).resolve().parent.parent)
    if done.returncode != 0:
        raise RuntimeError(f"generation failed: {done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def ensure_workspace(scale: str = "large", days: int = 30, seed: int = 7, end: date = END,
                     rebuild: bool = False) -> tuple[Path, dict[str, Any]]:
    """The cached benchmark workspace (generated if missing or different) and its measurements."""
    root = workspace_dir(scale, days, seed, end)
    manifest = load_manifest(root) if root.is_dir() else None
    figures = root / MEASUREMENTS
    fits = manifest is not None and manifest.seed == seed and manifest.scale == scale and \
        (manifest.end - manifest.start).days == days and figures.is_file()
    if fits and not rebuild:
        return root, {**json.loads(figures.read_text()), "cached": True}
    measured = _child(root, scale, days, seed, end)
    figures.write_text(json.dumps(measured, indent=2))
    return root, {**measured, "cached": False}


def run(scale: str = "large", days: int = 30, seed: int = 7, small_days: int = 30, rebuild: bool = False) -> dict[str, Any]:
    """Figures for `make bench` (see module docstring)."""
    tmp = Path(tempfile.mkdtemp(prefix="lakepilot-bench-small-"))
    try:
        small = _child(tmp / "lake", "small", small_days, seed, END)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    _, big = ensure_workspace(scale, days, seed, END, rebuild)
    return {
        "name": "generate",
        "small_days": small_days, "small_wall_s": small["wall_s"], "small_rows": small["rows"],
        "small_peak_rss_mib": small["peak_rss_mib"],
        f"{scale}_days": days, f"{scale}_rows": big["rows"], f"{scale}_tables": big["tables"],
        f"{scale}_wall_s": big["wall_s"], f"{scale}_rows_per_s": big["rows_per_s"],
        f"{scale}_peak_rss_mib": big["peak_rss_mib"], f"{scale}_cached": big["cached"],
        "targets": {"small_wall_s": "well under 30 s (aim 5-10 s)", f"{scale}_rows": ">= 10,000,000"},
    }


def _child_main(args: argparse.Namespace) -> None:
    from include.simulator.generate import generate_workspace

    started = time.perf_counter()
    manifest = generate_workspace(Path(args.out), args.days, args.scale, args.seed, end=date.fromisoformat(args.end))
    wall = time.perf_counter() - started
    rows = sum(manifest.row_counts.values())
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # Linux: KiB
    print(json.dumps({"scale": args.scale, "days": args.days, "seed": args.seed, "rows": rows,
                      "tables": len(manifest.row_counts), "wall_s": round(wall, 2), "rows_per_s": round(rows / wall),
                      "peak_rss_mib": round(peak_kib / 1024, 1)}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="large")
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--end", default=END.isoformat())
    parser.add_argument("--out")
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child_main(args)
        return
    print(json.dumps(run(args.scale, args.days, args.seed, rebuild=args.rebuild), indent=2))


if __name__ == "__main__":
    main()
