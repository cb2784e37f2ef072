"""A daily sweep's cost against the length of history: the six domains on 30 and on 90 days (issue #22).

Two simulated workspaces of the same scale and daily volume, one with 30 days of history and one with 90,
each swept once at its end in a child process (`bench.bench_sweeps`' child: wall time, rows the checks scan,
the raw-scan floor of the same tables). The target is a 90-day sweep at most 1.3x a 30-day one in rows read
and wall time: a sweep whose cost follows the new data, not the history.

    .venv/bin/python -m bench.bench_history [--scale medium] [--seed 7]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from bench.bench_generate import END, ensure_workspace

ROOT = Path(__file__).resolve().parent.parent
TARGET = 1.3


def _sweep(root: Path) -> dict[str, Any]:
    done = subprocess.run([sys.executable, "-m", "bench.bench_sweeps", "--child", str(root)], capture_output=True,
                          text=True, check=False, cwd=ROOT)
    if done.returncode != 0:
        raise RuntimeError(f"sweeps failed on {root}: {done.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def run(scale: str = "medium", seed: int = 7, short: int = 30, long: int = 90) -> dict[str, Any]:
    """Figures for `make bench` (see module docstring)."""
    out: dict[str, Any] = {"name": "history", "scale": scale}
    measured = {}
    for days in (short, long):
        root, generated = ensure_workspace(scale, days, seed, END)
        figures = _sweep(root)
        measured[days] = figures
        out |= {f"d{days}_workspace_rows": generated["rows"], f"d{days}_sweep_wall_s": figures["sweep_wall_s"],
                f"d{days}_rows_scanned": figures["rows_scanned"], f"d{days}_floor_wall_s": figures["floor_wall_s"],
                f"d{days}_errors": figures["errors"]}
    out["wall_ratio"] = round(measured[long]["sweep_wall_s"] / measured[short]["sweep_wall_s"], 2)
    out["rows_ratio"] = round(measured[long]["rows_scanned"] / max(measured[short]["rows_scanned"], 1), 2)
    out["targets"] = {"wall_ratio": f"<= {TARGET} ({long} vs {short} days)", "rows_ratio": f"<= {TARGET}",
                      f"d{short}_errors": "0", f"d{long}_errors": "0"}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="medium")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    print(json.dumps(run(args.scale, args.seed), indent=2))


if __name__ == "__main__":
    main()
