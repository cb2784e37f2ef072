"""Run the end-to-end and reliability sets N times and report failures per test.

    .venv/bin/python -m tests.flakiness --runs 5 [--set e2e] [--set reliability] [-- extra pytest args]
    make flaky RUNS=5

Each run is a fresh pytest process writing a JUnit XML report; the summary lists every test that
failed or errored in any run, with how often and the first line of its last failure, plus each
run's wall time. Exit code 1 when any test failed in any run. Run it with another CPU-heavy job
beside it to see how the suite holds on a busy machine.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET  # noqa: S405 - our own pytest's report
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SETS = {"e2e": ["-m", "e2e"], "reliability": ["tests/reliability"]}


def _failures(report: Path) -> list[tuple[str, str]]:
    if not report.is_file():
        return [("<pytest did not write a report>", "")]
    failed = []
    for case in ET.parse(report).getroot().iter("testcase"):  # noqa: S314 - our own report
        for problem in list(case.findall("failure")) + list(case.findall("error")):
            name = f"{case.get('classname', '')}::{case.get('name', '')}"
            failed.append((name, (problem.get("message") or "").splitlines()[0][:200] if problem.get("message") else ""))
    return failed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--set", dest="sets", action="append", choices=sorted(SETS), help="default: both")
    parser.add_argument("pytest_args", nargs="*", help="extra pytest arguments (after --)")
    args = parser.parse_args(argv)
    selected = args.sets or sorted(SETS)
    counts: Counter[str] = Counter()
    last_message: dict[str, str] = {}
    walls: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        for run in range(1, args.runs + 1):
            for name in selected:
                report = Path(tmp) / f"{name}-{run}.xml"
                argv_ = [sys.executable, "-m", "pytest", "-q", *SETS[name], f"--junitxml={report}", *args.pytest_args]
                print(f"run {run}/{args.runs} · {name}: {' '.join(argv_[3:])}", flush=True)
                started = time.monotonic()
                subprocess.run(argv_, cwd=ROOT, check=False)  # noqa: S603 - fixed argv
                walls.append(time.monotonic() - started)
                for test, message in _failures(report):
                    counts[f"{name}: {test}"] += 1
                    last_message[f"{name}: {test}"] = message
                print(f"run {run}/{args.runs} · {name}: {walls[-1]:.0f} s", flush=True)
    print(f"\n{args.runs} run(s) of {', '.join(selected)}; wall per set-run: "
          f"min {min(walls):.0f} s, max {max(walls):.0f} s")
    if not counts:
        print("no test failed in any run")
        return 0
    print("failures per test:")
    for test, n in counts.most_common():
        print(f"  {n}/{args.runs}  {test}\n         {last_message[test]}")
    return 1


if __name__ == "__main__":
    raise SystemExit(main())
