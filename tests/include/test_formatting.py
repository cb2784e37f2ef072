"""The one number formatter: what people read is never scientific notation or a count with decimals."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from include.formatting import count, duration, number, pct, pct_rounded, timestamp, usd


@pytest.mark.parametrize(("value", "text"), [
    (11330.0, "11,330"), (11333.456, "11,333.46"), (3.14159, "3.14"), (0.04213, "0.0421"), (0.0000042, "0.000004"),
    (45.0, "45"), (None, "—"), (float("nan"), "—"), (-2.5, "-2.50"),
])
def test_numbers(value, text) -> None:
    assert number(value) == text


def test_counts_money_percentages_durations_and_times() -> None:
    assert (count(45.0), count(None)) == ("45", "—")
    assert (usd(778.4), usd(12_345.6), usd(0.0042), usd(0.0042, precise=True)) == ("$778.40", "$12,346", "$0.00", "$0.0042")
    assert (pct(0.25), pct_rounded(0.256), pct_rounded(0.042)) == ("25.0%", "26%", "4.2%")
    assert [duration(s) for s in (45, 600, 7500, 200_000, None)] == ["45 s", "10 min", "2 h 05 min", "2 d 7 h", "—"]
    assert timestamp(datetime(2026, 5, 10, 6, tzinfo=UTC)) == "2026-05-10 06:00 UTC" and timestamp(date(2026, 5, 10)) == "2026-05-10"
