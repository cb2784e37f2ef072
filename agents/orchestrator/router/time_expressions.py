"""Find time expressions in a question and resolve each to a UTC interval ("atoms").

Each pattern resolves relative to a given `now`; `time_window.py` assembles atoms into one
`TimeWindow` (ranges, "since", comparisons). Conventions (documented in docs/router.md): days
and weeks are UTC, weeks start on Monday, a bare weekday or month means the most recent one
that is not in the future, and "last <weekday>" means the most recent one before today.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Literal, cast, get_args

from dateutil.relativedelta import relativedelta

from agents.orchestrator.router.calendar_units import (
    BARE_MONTH_OK,
    MONTHS,
    NUMBER_WORDS,
    UNIT_DELTA,
    UNIT_WORDS,
    WEEKDAYS,
    Shift,
    calendar_bounds,
    day_start,
    latest_date,
    month_start,
    period_of,
    safe_date,
    unit_delta,
    week_start,
)
from agents.orchestrator.router.models import Granularity

AtomKind = Literal["absolute", "relative", "ellipsis", "over"]
__all__ = ["Atom", "Shift", "calendar_bounds", "find_atoms", "period_of", "unit_delta"]

_WD = "|".join(WEEKDAYS)
_MON = "|".join(sorted(MONTHS, key=len, reverse=True))
_NUM = "|".join(sorted((re.escape(k) for k in NUMBER_WORDS), key=len, reverse=True))
_UNIT = "|".join(sorted(UNIT_WORDS, key=len, reverse=True))
_ORD = r"(?:st|nd|rd|th)"


@dataclass(frozen=True)
class Atom:
    """One resolved time expression at `span` in the (lower-cased) text."""

    start: datetime
    end: datetime
    granularity: Granularity
    label: str
    span: tuple[int, int]
    kind: AtomKind = "absolute"
    shift: Shift | None = None  # relative/over atoms: how far back the compared window lies


def _count(raw: str | None) -> int:
    if not raw:
        return 1
    raw = raw.strip()
    return int(raw) if raw.isdigit() else NUMBER_WORDS[raw]


def _atom(m: re.Match[str], start: datetime, end: datetime, gran: Granularity, **kw: object) -> Atom:
    return Atom(start, end, gran, " ".join(m.group(0).split()), m.span(), **kw)  # type: ignore[arg-type]


def _granularity(unit: str) -> Granularity:
    """A calendar unit word as a `Granularity` (the patterns only capture valid ones)."""
    if unit not in get_args(Granularity):
        raise ValueError(f"not a granularity: {unit!r}")
    return cast(Granularity, unit)


def _calendar(unit: str, back: int, now: datetime, m: re.Match[str]) -> Atom:
    start, end = calendar_bounds(unit, back, now)
    return _atom(m, start, end, _granularity(unit))


# --- resolvers: (match, now) -> Atom | None ---------------------------------------------------


def _iso(m: re.Match[str], now: datetime) -> Atom | None:
    day = safe_date(int(m["y"]), int(m["mo"]), int(m["d"]))
    if day is None:
        return None
    if m["hh"]:
        moment = day.replace(hour=int(m["hh"]), minute=int(m["mm"]))
        return _atom(m, moment, moment + timedelta(hours=1), "hour")
    return _atom(m, day, day + timedelta(days=1), "day")


def _rolling(m: re.Match[str], now: datetime) -> Atom:
    unit = UNIT_WORDS[m["unit"]]
    n = _count(m["n"])
    return _atom(m, now - n * UNIT_DELTA[unit], now, "rolling")


def _ago(m: re.Match[str], now: datetime) -> Atom | None:
    unit = UNIT_WORDS[m["unit"]]
    n = _count(m["n"])
    if unit in ("minute", "fortnight"):
        return None
    if unit == "hour":
        start = now.replace(minute=0, second=0, microsecond=0) - timedelta(hours=n)
        return _atom(m, start, start + timedelta(hours=1), "hour")
    return _calendar(unit, n, now, m)


def _calendar_named(m: re.Match[str], now: datetime) -> Atom:
    unit = UNIT_WORDS[m["unit"]]
    back = 0 if m["which"] in ("this", "current") else 1
    return _calendar(unit, back, now, m)


def _before_last(m: re.Match[str], now: datetime) -> Atom:
    return _calendar(UNIT_WORDS[m["unit"]], 2, now, m)


def _to_date(m: re.Match[str], now: datetime) -> Atom:
    key = (m["unit"] or m["abbr"][0]).lower()
    unit = {"w": "week", "m": "month", "q": "quarter", "y": "year"}.get(key, key)
    return _calendar(unit, 0, now, m)


def _day_word(m: re.Match[str], now: datetime) -> Atom:
    word = " ".join(m.group(0).split())
    today = day_start(now)
    if word in ("today", "tonight"):
        return _atom(m, today, today + timedelta(days=1), "day")
    if word == "yesterday":
        return _atom(m, today - timedelta(days=1), today, "day")
    if word.startswith("the day before"):
        return _atom(m, today - timedelta(days=2), today - timedelta(days=1), "day")
    hours = {"this morning": (0, 12), "this afternoon": (12, 18), "this evening": (18, 24)}
    if word in hours:
        lo, hi = hours[word]
        return _atom(m, today + timedelta(hours=lo), today + timedelta(hours=hi), "custom")
    # "last night" / "overnight": 18:00 yesterday to 06:00 today (UTC).
    return _atom(m, today - timedelta(hours=6), today + timedelta(hours=6), "custom")


def _weekday(m: re.Match[str], now: datetime) -> Atom:
    target = WEEKDAYS.index(m["wd"])
    back = (now.weekday() - target) % 7
    if m["which"] in ("last", "past", "previous") and back == 0:
        back = 7
    day = day_start(now) - timedelta(days=back)
    return _atom(m, day, day + timedelta(days=1), "day")


def _weekend(m: re.Match[str], now: datetime) -> Atom:
    saturday = week_start(now) + timedelta(days=5)
    if saturday > now or (m["which"] in ("last", "previous", "past") and now.weekday() >= 5):
        saturday -= timedelta(days=7)
    return _atom(m, saturday, saturday + timedelta(days=2), "custom")


def _month_day(m: re.Match[str], now: datetime) -> Atom | None:
    day = latest_date(MONTHS[m["mon"]], int(m["day"]), int(m["year"]) if m["year"] else None, now)
    return None if day is None else _atom(m, day, day + timedelta(days=1), "day")


def _month(m: re.Match[str], now: datetime) -> Atom | None:
    name, prep = m["mon"], m["prep"]
    if not prep and not m["year"] and name not in BARE_MONTH_OK:
        return None
    month = MONTHS[name]
    if m["year"]:
        year = int(m["year"])
    elif prep == "last":
        year = now.year if month < now.month else now.year - 1
    elif prep == "this":
        year = now.year
    else:
        year = now.year if month <= now.month else now.year - 1
    start = datetime(year, month, 1, tzinfo=UTC)
    return _atom(m, start, start + relativedelta(months=1), "month")


def _ordinal_day(m: re.Match[str], now: datetime) -> Atom | None:
    """ "the 15th": the most recent month that has that day and where it is not in the future."""
    day = int(m["day"])
    for back in range(3):
        month = month_start(now) - relativedelta(months=back)
        candidate = safe_date(month.year, month.month, day)
        if candidate is not None and candidate <= now:
            return _atom(m, candidate, candidate + timedelta(days=1), "day")
    return None


def _quarter(m: re.Match[str], now: datetime) -> Atom | None:
    q = int(m["q"])
    year = int(m["year"]) if m["year"] else now.year
    start = datetime(year, 3 * q - 2, 1, tzinfo=UTC)
    if not m["year"] and start > now:
        start = start.replace(year=year - 1)
    return _atom(m, start, start + relativedelta(months=3), "quarter")


def _year(m: re.Match[str], now: datetime) -> Atom:
    start = datetime(int(m["year"]), 1, 1, tzinfo=UTC)
    return _atom(m, start, start + relativedelta(years=1), "year")


def _unit_before(m: re.Match[str], now: datetime) -> Atom:
    """ "the week before" / "the previous month": one unit before another window (resolved later)."""
    unit = m["unit"] or m["unit_b"]
    return Atom(now, now, _granularity(unit), " ".join(m.group(0).split()), m.span(), "relative", unit_delta(unit))


def _ellipsis(m: re.Match[str], now: datetime) -> Atom:
    """ "vs last" / "before that": the period before another window, by that window's own period."""
    return Atom(now, now, "custom", " ".join(m.group(0).split()), m.span(), "ellipsis")


def _rolling_one(m: re.Match[str], now: datetime) -> Atom:
    unit = UNIT_WORDS[m["unit"] or m["unit_l"]]
    return _atom(m, now - UNIT_DELTA[unit], now, "rolling")


def _over(m: re.Match[str], now: datetime) -> Atom:
    """ "week over week": the latest period, to be compared with the one before it."""
    unit = m["unit"] or {"wow": "week", "mom": "month", "dod": "day", "qoq": "quarter", "yoy": "year"}[m["abbr"]]
    if unit in ("day", "week"):
        length = UNIT_DELTA[unit]
        label = "last 24 hours" if unit == "day" else "last 7 days"
        return Atom(now - length, now, "rolling", label, m.span(), "over", length)
    start, end = calendar_bounds(unit, 1, now)
    return Atom(start, end, _granularity(unit), f"last {unit}", m.span(), "over", UNIT_DELTA[unit])


Resolver = Callable[[re.Match[str], datetime], Atom | None]
_U = "day|week|month|quarter|year"
# Order matters: where two patterns overlap, the earlier one wins.
PATTERNS: list[tuple[str, re.Pattern[str], Resolver]] = [
    ("iso", re.compile(r"\b(?P<y>\d{4})-(?P<mo>\d{2})-(?P<d>\d{2})(?:[t ](?P<hh>\d{2}):(?P<mm>\d{2})(?::\d{2})?(?:z|[+-]00:?00)?)?\b"), _iso),
    ("over", re.compile(rf"\b(?:(?P<unit>{_U})[- ]over[- ](?P=unit)|(?P<abbr>wow|mom|dod|qoq|yoy))\b"), _over),
    ("before_yesterday", re.compile(r"\bthe\s+day\s+before\s+yesterday\b"), _day_word),
    ("before_last", re.compile(r"\b(?:the\s+)?(?P<unit>week|month|quarter|year)\s+before\s+last\b"), _before_last),
    ("unit_before", re.compile(rf"\bthe\s+(?:(?P<unit>{_U})\s+before|(?:previous|prior)\s+(?P<unit_b>{_U}))\b"), _unit_before),
    ("rolling", re.compile(rf"\b(?:the\s+)?(?:last|past|previous|prior|trailing)\s+(?P<n>\d+|{_NUM})\s*(?P<unit>{_UNIT})\b"), _rolling),
    ("rolling_one", re.compile(r"\b(?:the\s+)?(?:(?:past|trailing)\s+(?P<unit>hour|day|week|fortnight|month|quarter|year)|last\s+(?P<unit_l>hour|fortnight))\b"), _rolling_one),
    ("ago", re.compile(rf"\b(?P<n>\d+|{_NUM})\s*(?P<unit>{_UNIT})\s+ago\b"), _ago),
    ("calendar", re.compile(r"\b(?P<which>this|current|last|previous|prior)\s+(?P<unit>week|month|quarter|year)\b"), _calendar_named),
    ("to_date", re.compile(r"\b(?:(?P<unit>week|month|quarter|year)[- ]to[- ]date|(?P<abbr>wtd|mtd|qtd|ytd))\b"), _to_date),
    ("day_word", re.compile(r"\b(?:today|tonight|yesterday|this\s+(?:morning|afternoon|evening)|last\s+night|overnight)\b"), _day_word),
    ("weekend", re.compile(r"\b(?:(?P<which>last|this|past|previous)\s+|(?:over|during|on)\s+the\s+|the\s+)?weekend\b"), _weekend),
    ("weekday", re.compile(rf"(?<!next\s)\b(?:(?P<which>last|this|past|previous|on)\s+)?(?P<wd>{_WD})\b"), _weekday),
    ("month_day", re.compile(rf"\b(?P<mon>{_MON})\.?\s+(?P<day>\d{{1,2}}){_ORD}?(?:,?\s+(?P<year>\d{{4}}))?\b"), _month_day),
    ("day_month", re.compile(rf"\b(?P<day>\d{{1,2}}){_ORD}?\s+(?:of\s+)?(?P<mon>{_MON})\.?(?:,?\s+(?P<year>\d{{4}}))?\b"), _month_day),
    ("month", re.compile(rf"(?<!next\s)\b(?:(?P<prep>in|during|for|since|of|last|this|throughout)\s+)?(?P<mon>{_MON})\.?(?:\s+(?P<year>\d{{4}}))?\b"), _month),
    ("ordinal_day", re.compile(rf"\bthe\s+(?P<day>\d{{1,2}}){_ORD}\b"), _ordinal_day),
    ("quarter", re.compile(r"\bq(?P<q>[1-4])(?:\s+(?P<year>\d{4}))?\b"), _quarter),
    ("year", re.compile(r"\b(?:in|during|for|since|of|throughout)\s+(?P<year>20\d{2})\b"), _year),
    ("ellipsis", re.compile(r"(?:\bbefore\s+that|\bthe\s+(?:one|period)\s+before|\bthe\s+(?:previous|prior)\s+(?:one|period)|(?<=\bvs\s)last|(?<=\bvs\.\s)last|(?<=\bversus\s)last|\busual|\bnormal|\bbaseline)\b"), _ellipsis),
]


def find_atoms(text: str, now: datetime) -> list[Atom]:
    """All non-overlapping time expressions in `text`, in order; earlier patterns win overlaps.

    Absolute windows are clipped at `now`; one wholly in the future is dropped. Labels keep
    the user's own spelling.
    """
    lowered = text.lower()
    keep_case = len(lowered) == len(text)
    taken: list[tuple[int, int]] = []
    atoms: list[Atom] = []
    for _name, pattern, resolve in PATTERNS:
        for m in pattern.finditer(lowered):
            lo, hi = m.span()
            if any(lo < t_hi and t_lo < hi for t_lo, t_hi in taken):
                continue
            atom = resolve(m, now)
            if atom is None or atom.start > now:
                continue
            if keep_case and atom.kind != "over":
                atom = replace(atom, label=" ".join(text[lo:hi].split()))
            if atom.kind == "absolute" and atom.end > now:
                atom = replace(atom, end=now)
            taken.append((lo, hi))
            atoms.append(atom)
    return sorted(atoms, key=lambda a: a.span)
