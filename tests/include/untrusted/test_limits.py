"""Caps on untrusted text: both ends kept, the cut counted in original characters, never longer than the cap."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from include.untrusted.limits import (
    DAG_CONF,
    ERROR_TEXT,
    LIMITS,
    QUESTION,
    check_conf,
    clip,
    original_length,
)


def test_a_short_text_is_kept_whole() -> None:
    clipped = clip("Caused by: x", QUESTION)
    assert clipped.text == "Caused by: x" and not clipped.cut and clipped.received == 12


def test_a_long_trace_keeps_its_exception_and_its_root_cause() -> None:
    trace = "Py4JJavaError: top\n" + "\tat org.apache.spark.Frame(Frame.scala:1)\n" * 20_000 + "Caused by: java.io.EOFException"
    clipped = clip(trace, ERROR_TEXT)
    assert len(clipped.text) <= ERROR_TEXT.chars
    assert clipped.text.startswith("Py4JJavaError: top") and clipped.text.endswith("Caused by: java.io.EOFException")
    assert clipped.received == len(trace) and clipped.omitted == len(trace) - (len(clipped.text) - len(_marker(clipped.text)))
    assert f"[{clipped.omitted:,} characters cut]" in clipped.text
    assert clipped.note("the error text").startswith(f"the error text was cut to {len(trace) - clipped.omitted:,} of")


def _marker(text: str) -> str:
    start = text.index("\n… [")
    return text[start:text.index("] …\n") + 4]


def test_cuts_fall_between_words() -> None:
    clipped = clip("alpha " * 1_000, 200)
    head, tail = clipped.text.split(_marker(clipped.text))
    assert head.split()[-1] == "alpha" and tail.split()[0] == "alpha"


def test_clipping_a_clipped_text_counts_the_original_characters() -> None:
    text = "word " * 50_000
    once = clip(text, 10_000)
    twice = clip(once.text, 500)
    assert twice.received == once.received == len(text) == original_length(twice.text)
    assert len(twice.text) <= 500
    # Exactly one marker remains, and it counts everything not shown.
    assert twice.text.count("characters cut]") == 1
    assert twice.omitted == len(text) - (len(twice.text) - len(_marker(twice.text)))


def test_a_cap_below_the_minimum_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 80"):
        clip("x" * 500, 10)


def test_every_documented_cap_is_listed_in_the_docs() -> None:
    from include.config import PROJECT_ROOT

    doc = (PROJECT_ROOT / "docs" / "untrusted-text.md").read_text(encoding="utf-8")
    for limit in LIMITS:
        assert f"`{limit.name}`" in doc and f"{limit.chars:,}" in doc, limit.name


def test_an_oversized_conf_is_refused_naming_its_size() -> None:
    check_conf({"question": "x" * 100})
    with pytest.raises(ValueError, match=r"the run's conf is [\d,]+ characters as JSON; the limit is 65,536"):
        check_conf({"question": "x" * DAG_CONF.chars})
    with pytest.raises(ValueError, match="not JSON-serialisable"):
        check_conf({"x": float("nan"), "loop": _loop()})


def _loop() -> dict:
    d: dict = {}
    d["self"] = d
    return d


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=3_000), limit=st.integers(min_value=80, max_value=2_000),
       share=st.floats(min_value=0.1, max_value=0.9))
def test_a_clip_is_never_longer_than_its_cap_and_accounts_for_every_character(text: str, limit: int, share: float) -> None:
    clipped = clip(text, limit, head_share=share)
    assert len(clipped.text) <= limit
    assert clipped.received == original_length(text)
    if not clipped.cut:
        assert clipped.text == text
    else:
        assert original_length(clipped.text) == clipped.received
