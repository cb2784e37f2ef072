"""Offline triage throughput: the eval set's real error texts, repeated, through the deterministic path.

Measures (1) pattern classification alone, (2) full decisions (classify + decide) with an empty
ledger, and (3) full decisions against a 500-row ledger for the same job (the guards scan history).
No LLM: this is the path that always runs, and the number a 3 a.m. backlog depends on.

    .venv/bin/python -m bench.bench_triage [--repeat 20]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from include.remediation.decide import decide
from include.remediation.models import ClusterSettings, FailureContext, TaskFailure, TriageResult
from include.remediation.patterns import classify_failure, classify_text, load_rules
from include.remediation.policy import RemediationPolicy
from include.untrusted.redaction import excerpt

CASES = Path(__file__).resolve().parent.parent / "tests" / "evals" / "triage" / "cases.jsonl"
NOW = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)


def _failures(cases: list[dict[str, Any]]) -> list[FailureContext]:
    return [
        FailureContext(
            job_id="bench",
            run_id=f"r{i}",
            owner="owner@example.com",
            termination_code=c.get("termination_code"),
            tasks=[TaskFailure(task_key="t", error=c["error"])],
            cluster=ClusterSettings(node_type_id="i3.xlarge", num_workers=4),
        )
        for i, c in enumerate(cases)
    ]


def _timed_decisions(
    failures: list[FailureContext], history: list, policy: RemediationPolicy, repeat: int
) -> tuple[float, list[float]]:
    latencies: list[float] = []
    start = time.perf_counter()
    for _ in range(repeat):
        for f in failures:
            t0 = time.perf_counter()
            triage = TriageResult(pattern=classify_failure(f), excerpt=excerpt(f.error_text()))
            decide(f, triage, history, policy, NOW)
            latencies.append(time.perf_counter() - t0)
    return time.perf_counter() - start, latencies


def run(repeat: int = 20) -> dict[str, Any]:
    """Run the benchmark and return its figures."""
    cases = [json.loads(line) for line in CASES.read_text(encoding="utf-8").splitlines() if line.strip()]
    load_rules()  # warm the rule cache: compilation is a one-off, not per decision
    policy = RemediationPolicy()
    failures = _failures(cases)

    start = time.perf_counter()
    for _ in range(repeat):
        for c in cases:
            classify_text(c["error"], c.get("termination_code"))
    classify_s = time.perf_counter() - start

    empty_s, latencies = _timed_decisions(failures, [], policy, repeat)

    seed = [
        decide(f, TriageResult(pattern=classify_failure(f)), [], policy, NOW - timedelta(minutes=i))
        for i, f in enumerate(_failures(cases * 4)[:500])
    ]
    seed = [d.model_copy(update={"run_id": f"old{i}"}) for i, d in enumerate(seed)]
    history_s, _ = _timed_decisions(failures, seed, policy, max(1, repeat // 4))

    n = len(cases) * repeat
    quantiles = statistics.quantiles(latencies, n=100)
    return {
        "name": "triage",
        "cases": len(cases),
        "repeat": repeat,
        "classifications_per_s": round(n / classify_s, 1),
        "decisions": n,
        "decisions_per_s": round(n / empty_s, 1),
        "decision_p50_ms": round(statistics.median(latencies) * 1000, 3),
        "decision_p99_ms": round(quantiles[98] * 1000, 3),
        "ledger_rows": len(seed),
        "decisions_per_s_with_ledger": round(len(cases) * max(1, repeat // 4) / history_s, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    print(json.dumps(run(parser.parse_args().repeat), indent=2))  # noqa: T201 - CLI output


if __name__ == "__main__":
    main()
