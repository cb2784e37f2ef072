"""Triage accuracy on real error texts from public bug reports (see README.md for provenance).

Scored separately on the `dev` split (rules may be tuned on it) and the `heldout` split (never
used to write rules); the held-out number is the honest one.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from include.remediation.models import CATEGORIES
from include.remediation.patterns import classify_text

CASES_FILE = Path(__file__).resolve().parent / "cases.jsonl"
HELDOUT_THRESHOLD = 0.90
DEV_THRESHOLD = 0.90


def _cases() -> list[dict]:
    return [json.loads(line) for line in CASES_FILE.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_eval_set_is_real_labelled_and_split() -> None:
    cases = _cases()
    assert len(cases) >= 120
    assert len({c["id"] for c in cases}) == len(cases)
    assert len({c["error"] for c in cases}) == len(cases), "duplicate error texts"
    for case in cases:
        assert case["category"] in CATEGORIES, case["id"]
        assert case["source"].startswith("https://github.com/"), case["id"]
        assert ("/issues/" in case["source"]) or ("/pull/" in case["source"]), case["id"]
        assert case["split"] == ("heldout" if int(case["id"][1:]) % 2 else "dev"), case["id"]
    per_category = Counter(c["category"] for c in cases)
    assert min(per_category.values()) >= 12, per_category


@pytest.mark.parametrize(("split", "threshold"), [("heldout", HELDOUT_THRESHOLD), ("dev", DEV_THRESHOLD)])
def test_category_accuracy(split: str, threshold: float) -> None:
    cases = [c for c in _cases() if c["split"] == split]
    misses = []
    for case in cases:
        got = classify_text(case["error"], case.get("termination_code")).category
        if got != case["category"]:
            misses.append(f"{case['id']}: {case['category']} -> {got}")
    accuracy = 1 - len(misses) / len(cases)
    print(
        f"\ntriage {split} accuracy: {accuracy:.1%} ({len(cases) - len(misses)}/{len(cases)}); misses: {misses}"
    )
    assert accuracy >= threshold, misses
