"""Hostile and oversized error texts keep their verdicts, leak nothing and lose no item (see hostile.py)."""

from __future__ import annotations

from tests.evals.triage.hostile import run_batch

MAX_FLIP_RATE = 0.05


def test_hostile_and_oversized_texts_keep_their_verdicts() -> None:
    result = run_batch()
    print(f"\nhostile batch: {result['items']} items, {result['flipped']} flipped ({result['flip_rate']:.1%}), "
          f"{len(result['leaks'])} leaks, slowest {result['slowest_s']:.2f}s; flips: {result['flips']}")
    assert result["decided"] == result["items"] == 4 * 131  # no item lost
    assert result["leaks"] == []
    assert result["flip_rate"] <= MAX_FLIP_RATE, result["flips"]
