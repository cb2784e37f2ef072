"""Untrusted text: redaction throughput, triage of 2 KB - 1 MB traces, the CLI on 1 MB, a hostile batch.

    .venv/bin/python -m bench.bench_untrusted

- redaction MB/s on real error texts (the triage eval set, repeated to 1 MB) and the slowest of
  the adversarial inputs of tests/include/untrusted/regex_sweep.py (1 MB each);
- triage latency (FailureContext built, redacted and bounded, classified and decided; no LLM) on
  realistic traces of 2, 20, 200 KB and 1 MB: the real texts padded with Spark frames and log lines;
- `lakepilot triage --jsonl` wall time on one 1 MB line (a new process: imports included);
- the hostile batch of tests/evals/triage (flip rate, leaks, items lost);
- the slowest product pattern on 256 KB of adversarial input (the whole sweep, in a child).
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SIZES = {"2kb": 2_000, "20kb": 20_000, "200kb": 200_000, "1mb": 1_000_000}


def _median_s(fn: Any, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _redaction() -> dict[str, float]:
    from include.untrusted.redaction import redact
    from tests.evals.triage.hostile import cases
    from tests.include.untrusted.regex_sweep import adversarial

    real = "\n".join(c["error"] for c in cases())
    real = (real * (1_000_000 // len(real) + 1))[:1_000_000]
    real_s = _median_s(lambda: redact(real), 5)
    worst_s, worst = 0.0, ""
    for name, text in adversarial(1_000_000).items():
        elapsed = _median_s(lambda text=text: redact(text), 3)
        if elapsed > worst_s:
            worst_s, worst = elapsed, name
    return {"real_mb_per_s": round(1 / real_s, 1), "adversarial_worst_mb_per_s": round(1 / worst_s, 1),
            "adversarial_worst_input": worst}


def _trace(size: int) -> str:
    from tests.evals.triage.hostile import _padding, cases

    case = cases()[0]
    first, _, rest = case["error"].partition("\n")
    return f"{first}\n{_padding(max(0, size - len(case['error'])), 3)}{rest}"


def _triage_latency() -> dict[str, float]:
    from tests.evals.triage.hostile import decide_text

    decide_text("warm", "java.lang.OutOfMemoryError: Java heap space", None)
    figures = {}
    for label, size in SIZES.items():
        trace = _trace(size)
        figures[f"{label}_ms"] = round(_median_s(lambda trace=trace: decide_text("bench", trace, None), 5) * 1000, 1)
    return figures


def _cli_1mb() -> float:
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "one.jsonl"
        source.write_text(json.dumps({"id": "big", "error": _trace(1_000_000)}) + "\n", encoding="utf-8")
        argv = [sys.executable, "-m", "cli.main", "triage", "--jsonl", str(source), "--no-llm"]
        return _median_s(lambda: subprocess.run(argv, cwd=ROOT, capture_output=True, check=True), 3)  # noqa: S603


def _sweep_worst() -> dict[str, Any]:
    done = subprocess.run(  # noqa: S603 - fixed argv
        [sys.executable, "-m", "tests.include.untrusted.regex_sweep", "--size", "262144"],
        cwd=ROOT, capture_output=True, text=True, check=True, timeout=1800,
    )
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    worst = max(rows, key=lambda r: r["worst_s"])
    return {"patterns": len(rows), "worst_s": worst["worst_s"], "worst_pattern": worst["pattern"]}


def run() -> dict[str, Any]:
    """Run the benchmark and return its figures."""
    from tests.evals.triage.hostile import run_batch

    batch = run_batch()
    return {
        "name": "untrusted_text",
        "redaction": _redaction(),
        "triage": _triage_latency(),
        "cli_triage_1mb_s": round(_cli_1mb(), 3),
        "hostile_batch": {"items": batch["items"], "lost": batch["items"] - batch["decided"],
                          "flip_rate_pct": round(batch["flip_rate"] * 100, 2), "leaks": len(batch["leaks"])},
        "regex_sweep_256kb": _sweep_worst(),
        "targets": {"triage.1mb_ms": "< 1000", "cli_triage_1mb_s": "< 1 s (process start included)",
                    "hostile_batch.flip_rate_pct": "<= 5", "hostile_batch.leaks": "0", "hostile_batch.lost": "0"},
    }


def main() -> None:
    print(json.dumps(run(), indent=2))  # noqa: T201 - CLI output


if __name__ == "__main__":
    main()
