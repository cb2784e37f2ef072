"""Numbers people read: the one formatter of counts, money, percentages, durations and times.

Every text LakePilot shows — reports, mails, answers, agent explanations, UI pages, CLI tables —
formats numbers here, so the same value reads the same everywhere: never in scientific notation,
counts without decimals, money in dollars, `—` for unknown.
"""

from __future__ import annotations

import math
from datetime import date, datetime

UNKNOWN = "—"


def number(value: float | int | None) -> str:
    """`11,330` / `3.14` / `0.042` / `—`: separators, at most two decimals (three significant below 1)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return UNKNOWN
    value = float(value)
    if value.is_integer():
        return f"{int(value):,}"
    if abs(value) >= 1:
        return f"{value:,.2f}"
    text = f"{value:.3g}"
    return f"{value:.6f}".rstrip("0") if "e" in text else text


def count(value: float | int | None) -> str:
    """A count: `45`, never `45.00`."""
    return UNKNOWN if value is None else f"{round(float(value)):,}"


def usd(value: float | None, *, precise: bool = False) -> str:
    """`$1,234` (whole dollars from $1,000), `$12.50`; `precise` keeps sub-cent spend (`$0.0042`)."""
    if value is None:
        return UNKNOWN
    if precise and 0 < abs(value) < 1:
        return f"${value:,.4f}"
    return f"${value:,.2f}" if abs(value) < 1000 else f"${value:,.0f}"


def pct(fraction: float | None, *, digits: int = 1) -> str:
    """A fraction (0.25) as `25.0%`."""
    return UNKNOWN if fraction is None else f"{fraction:.{digits}%}"


def pct_rounded(fraction: float | None) -> str:
    """A fraction as a percentage: whole percent, one decimal below 10%."""
    if fraction is None:
        return UNKNOWN
    return f"{fraction:.1%}" if abs(fraction) < 0.1 else f"{fraction:.0%}"


def duration(seconds: float | None) -> str:
    """`45 s`, `12 min`, `2 h 05 min`, `3 d 4 h`."""
    if seconds is None:
        return UNKNOWN
    s = round(float(seconds))
    if s < 90:
        return f"{s} s"
    minutes = round(s / 60)
    if minutes < 90:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {minutes:02d} min"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} h"


def timestamp(value: datetime | date | None) -> str:
    """`2026-05-10 06:00 UTC` (a date as `2026-05-10`)."""
    if value is None:
        return UNKNOWN
    if isinstance(value, datetime):
        return f"{value:%Y-%m-%d %H:%M} UTC"
    return value.isoformat()
