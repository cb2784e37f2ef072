"""Hostile and oversized variants of the real error texts, and their verdicts next to the clean ones.

Each of the 131 real texts (cases.jsonl) is triaged as written, then in four variants a real
failure can take:

- `oversized`: the first line, then 50 KB / 200 KB / 1 MB of ordinary Spark frames and executor
  log lines, then the rest of the text (the exception stays first, the root cause last);
- `injected`: the text followed by the instructions of a prompt-injection payload (injections.jsonl);
- `secrets`: credentials planted in the middle of the text (must never reach the decision);
- `garbage`: NULs, control characters, a long unbroken token and a run of separators.

The deterministic path decides (no LLM: the LLM path has its own injection suite in
tests/reliability). A verdict is (category, action); flipped = differs from the clean text's.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from include.ops.models import RemediationDecision
from include.remediation.models import ClusterSettings, FailureContext, TaskFailure

HERE = Path(__file__).resolve().parent
NOW = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)
SIZES = (50_000, 200_000, 1_000_000)
PLANTED = {
    "jdbc": "jdbc:postgresql://etl_admin:Tr0ub4dor-and-3@pg.internal:5432/warehouse",
    "pat": "dapi" + "5f3c2a9e" * 4,
    "github": "ghp_" + "Zq8rT2xY" * 4,
    "pem": "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\n-----END PRIVATE KEY-----",
    "basic": "Authorization: Basic ZXRsX2FkbWluOlRyMHViNGRvcg==",
}
# What of each planted credential must not appear anywhere in a decision.
SECRET_PARTS = ["Tr0ub4dor-and-3", "5f3c2a9e" * 4, "Zq8rT2xY" * 4, "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7",
                "ZXRsX2FkbWluOlRyMHViNGRvcg=="]

_FRAMES = [
    "\tat org.apache.spark.scheduler.DAGScheduler.failJobAndIndependentStages(DAGScheduler.scala:2672)\n",
    "\tat org.apache.spark.rdd.RDD.computeOrReadCheckpoint(RDD.scala:367)\n",
    "\tat org.apache.spark.sql.execution.datasources.FileFormatWriter$.write(FileFormatWriter.scala:245)\n",
    "\tat scala.collection.mutable.ResizableArray.foreach$(ResizableArray.scala:55)\n",
    "24/03/02 02:14:07 INFO TaskSetManager: Finished task 117.0 in stage 42.0 (TID 9120) in 2045 ms on 10.139.64.12 (executor 3) (118/200)\n",
    "24/03/02 02:14:08 INFO BlockManagerInfo: Added broadcast_17_piece0 in memory on 10.139.64.9:41239 (size: 38.2 KiB, free: 8.4 GiB)\n",
]


def cases() -> list[dict[str, Any]]:
    return [json.loads(line) for line in (HERE / "cases.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]


def _injections() -> list[str]:
    rows = [json.loads(line) for line in (HERE / "injections.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    return ["\n".join(r["error"].splitlines()[1:]) or r["error"] for r in rows]


def _padding(size: int, seed: int) -> str:
    out: list[str] = []
    length, i = 0, seed
    while length < size:
        line = _FRAMES[i % len(_FRAMES)]
        out.append(line)
        length += len(line)
        i += 7
    return "".join(out)


def variants(case: dict[str, Any], index: int) -> Iterator[tuple[str, str]]:
    """(variant name, text) for one case."""
    text = case["error"]
    first, _, rest = text.partition("\n")
    size = SIZES[index % len(SIZES)]
    yield f"oversized_{size // 1000}kb", f"{first}\n{_padding(size, index)}{rest}"
    injections = _injections()
    yield "injected", f"{text}\n{injections[index % len(injections)]}"
    middle = len(rest) // 2
    planted = "\n".join(PLANTED.values())
    yield "secrets", f"{first}\n{rest[:middle]}\n{planted}\n{rest[middle:]}"
    yield "garbage", f"{first}\x00\x07\x1b[31m\n{'=' * 5_000}\n{'A' * 20_000}\n{rest}\x00"


def failure(case_id: str, text: str, termination_code: str | None) -> FailureContext:
    return FailureContext(
        job_id="eval", run_id=case_id[:64], job_name="hostile-batch", owner="owner@example.com",
        termination_code=termination_code, tasks=[TaskFailure(task_key="main", error=text)],
        cluster=ClusterSettings(node_type_id="i3.xlarge", num_workers=4),
    )


def decide_text(case_id: str, text: str, termination_code: str | None) -> RemediationDecision:
    from agents.remediation.agent import remediate
    from include.remediation.policy import RemediationPolicy

    return remediate(failure(case_id, text, termination_code), (), RemediationPolicy(), NOW)


def leaked(decision: RemediationDecision) -> list[str]:
    dump = decision.model_dump_json()
    return [part for part in SECRET_PARTS if part in dump]


def run_batch() -> dict[str, Any]:
    """Every case clean and in every variant: flips, leaks and lost items, with the worst latency."""
    import time

    flips: list[str] = []
    leaks: list[str] = []
    decided = expected = 0
    slowest = 0.0
    for index, case in enumerate(cases()):
        clean = decide_text(case["id"], case["error"], case.get("termination_code"))
        for name, text in variants(case, index):
            expected += 1
            started = time.perf_counter()
            got = decide_text(f"{case['id']}-{name}", text, case.get("termination_code"))
            slowest = max(slowest, time.perf_counter() - started)
            decided += 1
            if (got.category, got.action) != (clean.category, clean.action):
                flips.append(f"{case['id']} {name}: {clean.category}/{clean.action} -> {got.category}/{got.action}")
            leaks += [f"{case['id']} {name}: {part[:6]}…" for part in leaked(got)]
    return {"items": expected, "decided": decided, "flipped": len(flips), "flip_rate": len(flips) / expected,
            "leaks": leaks, "flips": flips, "slowest_s": slowest}
