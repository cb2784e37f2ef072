"""`make bench`: every benchmark in one command; a table on stdout and `bench/results.json`.

Each `bench/bench_<name>.py` exposes `run(**kwargs) -> dict` of figures (plus optional
`"targets"`: figure -> target text). Timings are medians of several runs; ratios inside one
benchmark are measured in the same run.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import statistics
import subprocess
import sys
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results.json"

# (module, kwargs, repeats): slow end-to-end benchmarks repeat internally or run once.
PLAN: list[tuple[str, dict[str, Any], int]] = [
    ("bench_generate", {}, 1),
    ("bench_sweeps", {}, 3),
    ("bench_history", {}, 1),
    ("bench_statements", {}, 1),
    ("bench_report", {}, 3),
    ("bench_ask", {}, 1),
    ("bench_triage", {}, 3),
    ("bench_untrusted", {}, 1),
    ("bench_emulator", {}, 3),
    ("bench_remediation", {}, 1),
    ("bench_dag_parse", {}, 1),
]


def machine() -> dict[str, Any]:
    info: dict[str, Any] = {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "processor": platform.processor() or platform.machine(),
    }
    try:
        with open("/proc/meminfo") as fh:
            info["memory_gib"] = round(int(fh.readline().split()[1]) / 1024 / 1024, 1)
        with open("/proc/cpuinfo") as fh:
            info["cpu_model"] = next((ln.split(":", 1)[1].strip() for ln in fh if ln.startswith("model name")), "")
    except OSError:
        pass
    try:
        info["git_commit"] = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                                            text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        pass
    return info


def flatten(result: dict[str, Any]) -> dict[str, Any]:
    """Nested figure groups (e.g. `cold: {p50_s, p95_s}`) become `cold.p50_s`; lists stay as they are."""
    flat: dict[str, Any] = {}
    for key, value in result.items():
        if isinstance(value, dict) and key != "targets":
            flat.update({f"{key}.{k}": v for k, v in value.items() if not isinstance(v, dict | list)})
        else:
            flat[key] = value
    return flat


def median_of(samples: list[dict[str, Any]]) -> dict[str, Any]:
    """Median of every numeric figure across samples; other values from the first sample."""
    samples = [flatten(s) for s in samples]
    merged = dict(samples[0])
    for key, value in samples[0].items():
        if isinstance(value, int | float) and not isinstance(value, bool):
            values = [s[key] for s in samples if isinstance(s.get(key), int | float)]
            merged[key] = round(statistics.median(values), 4)
    merged["bench_runs"] = len(samples)
    return merged


def run_one(module: str, kwargs: dict[str, Any], repeats: int) -> dict[str, Any]:
    mod = importlib.import_module(f"bench.{module}")
    started = time.perf_counter()
    samples = [mod.run(**kwargs) for _ in range(repeats)]
    result = median_of(samples)
    result["bench_wall_s"] = round(time.perf_counter() - started, 1)
    return result


def table(results: list[dict[str, Any]]) -> Table:
    out = Table(title="LakePilot benchmarks (medians)")
    for col in ("benchmark", "figure", "value", "target"):
        out.add_column(col)
    for result in results:
        name = result.get("name", result.get("module", "?"))
        targets = result.get("targets", {})
        if "error" in result:
            out.add_row(name, "error", result["error"].splitlines()[-1][:80], "")
            continue
        for key, value in result.items():
            if key in {"name", "targets", "module"} or isinstance(value, dict | list):
                continue
            out.add_row(escape(name), escape(key), escape(str(value)), escape(str(targets.get(key, ""))))
            name = ""
    return out


def markdown(payload: dict[str, Any]) -> str:
    """The same table as Markdown (bench/results.md), for the README and reviews."""
    m = payload.get("machine", {})
    lines = [f"LakePilot benchmarks, {payload['generated_at'][:16]} UTC, "
             f"{m.get('cpus', '?')} CPUs, total {payload['total_wall_s']} s (medians over `bench_runs` runs)", "",
             "| benchmark | figure | value | target |", "| --- | --- | --- | --- |"]
    for result in payload["results"]:
        name = result.get("name", result.get("module", "?"))
        if "error" in result:
            lines.append(f"| {name} | error | {result['error'].splitlines()[-1][:80]} | |")
            continue
        targets = result.get("targets", {})
        for key, value in result.items():
            if key in {"name", "targets", "module"} or isinstance(value, dict | list):
                continue
            lines.append(f"| {name} | {key} | {value} | {targets.get(key, '')} |")
            name = ""
    return "\n".join(lines) + "\n"


def merged_with_previous(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """With `--only`, the other benchmarks' last figures are kept (each says when it was measured)."""
    if not RESULTS.is_file():
        return results
    previous = json.loads(RESULTS.read_text())
    fresh = {r["module"]: r for r in results}
    kept = []
    for old in previous.get("results", []):
        if old.get("module") in fresh:
            continue
        old.setdefault("measured_at", previous.get("generated_at", "")[:16])
        old.setdefault("measured_on", previous.get("machine", {}).get("cpu_model", ""))
        kept.append(old)
    order = [m for m, _, _ in PLAN]
    return sorted(kept + results, key=lambda r: order.index(r["module"]) if r.get("module") in order else len(order))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run LakePilot's benchmarks")
    parser.add_argument("--only", nargs="*", help="module names (e.g. bench_triage) to run")
    args = parser.parse_args(argv)
    console = Console()
    results: list[dict[str, Any]] = []
    started = time.perf_counter()
    for module, kwargs, repeats in PLAN:
        if args.only and module not in args.only:
            continue
        if not (ROOT / "bench" / f"{module}.py").is_file():
            results.append({"name": module, "module": module, "error": "benchmark module missing"})
            continue
        console.print(f"[cyan]▸[/cyan] {module} ×{repeats}")
        try:
            result = run_one(module, kwargs, repeats)
        except Exception:  # one broken benchmark must not hide the others
            result = {"name": module, "error": traceback.format_exc()}
        result["module"] = module
        results.append(result)
    payload = {
        "generated_at": datetime.now(UTC).isoformat(),
        "total_wall_s": round(time.perf_counter() - started, 1),
        "machine": machine(),
        "results": merged_with_previous(results) if args.only else results,
    }
    RESULTS.write_text(json.dumps(payload, indent=2, default=str) + "\n")
    RESULTS.with_suffix(".md").write_text(markdown(payload))
    console.print(table(results))
    console.print(f"total {payload['total_wall_s']} s · written to {RESULTS.relative_to(ROOT)}")
    return 1 if any("error" in r for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
