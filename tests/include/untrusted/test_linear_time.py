"""No pattern of the product backtracks: every one is timed on adversarial inputs in a child process.

The child prints each pattern's name before timing it, so when a catastrophic pattern hangs it,
the timeout names the culprit. Budgets here are generous bounds (a quadratic pattern takes
minutes at these sizes, a linear one milliseconds); the real figures are in `make bench`.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from include.config import PROJECT_ROOT
from include.remediation.patterns import load_rules
from include.untrusted.regex import compile_rule, linear


def _sweep(size: int, timeout: float) -> list[dict]:
    try:
        done = subprocess.run(  # noqa: S603 - fixed argv
            [sys.executable, "-m", "tests.include.untrusted.regex_sweep", "--size", str(size)],
            cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=timeout, check=True,
        )
    except subprocess.TimeoutExpired as exc:
        names = (exc.stderr.decode() if isinstance(exc.stderr, bytes) else exc.stderr or "").strip().splitlines()
        pytest.fail(f"the sweep did not finish in {timeout:.0f}s; stuck on {names[-1] if names else '?'}")
    return [json.loads(line) for line in done.stdout.splitlines()]


def _check(rows: list[dict], budget_s: float) -> None:
    assert len(rows) > 150  # the sweep found the product's patterns (170 when written)
    slow = [r for r in rows if r["worst_s"] > budget_s]
    assert not slow, f"patterns over {budget_s}s on adversarial input: {slow}"


def test_every_pattern_is_linear_on_64_kb_of_adversarial_input() -> None:
    # Quadratic patterns took 4-15 s on 20 KB before they were fixed; linear ones take < 0.1 s here.
    _check(_sweep(65_536, timeout=300), budget_s=1.0)


@pytest.mark.slow
def test_every_pattern_is_linear_on_1_mb_of_adversarial_input() -> None:
    _check(_sweep(1_000_000, timeout=900), budget_s=10.0)


def test_shipped_triage_rules_run_on_re2_except_two_bounded_look_arounds() -> None:
    engines = {rule.id: compile_rule(rule.pattern, ignore_case=rule.ignore_case)[1] for rule in load_rules().rules}
    assert sorted(rid for rid, engine in engines.items() if engine == "re") == ["futures-timed-out", "python-memory-error"]


def test_a_pattern_re2_cannot_run_linearly_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match="not linear-time"):
        linear(r"(a+)\1")


def test_a_1_mb_error_is_triaged_by_the_cli_with_its_cut_shown(tmp_path) -> None:
    trace = ("java.lang.OutOfMemoryError: Java heap space\n" + "\tat org.apache.spark.Frame(Frame.scala:1)\n" * 24_000
             + "password=hunter2 " + "a." * 20_000 + "\nCaused by: java.lang.OutOfMemoryError: GC overhead limit exceeded")
    assert len(trace) > 1_000_000
    source = tmp_path / "errors.jsonl"
    source.write_text(json.dumps({"id": "big", "error": trace}) + "\n" + json.dumps({"id": "small", "error": "x"}) + "\n")
    done = subprocess.run(  # noqa: S603 - fixed argv
        [sys.executable, "-m", "cli.main", "triage", "--jsonl", str(source), "--no-llm"],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120, check=True,
    )
    big, small = (json.loads(line) for line in done.stdout.splitlines())
    assert big["id"] == "big" and big["category"] == "resource"
    assert big["error_cut"]["received_chars"] > 1_000_000 and big["error_cut"]["kept_chars"] <= 262_144
    assert small["id"] == "small" and "error_cut" not in small
    assert "hunter2" not in done.stdout + done.stderr
