"""Calendar vocabulary and arithmetic for the time-expression parser (UTC, weeks start Monday)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TypeAlias

from dateutil.relativedelta import relativedelta

from agents.orchestrator.router.models import Granularity

Shift: TypeAlias = relativedelta | timedelta

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
    "sep": 9, "sept": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}
# Month names that are also ordinary words or abbreviations need a preposition, day or year.
BARE_MONTH_OK = {m for m in MONTHS if len(m) > 3 and m not in {"sept"}} - {"may"}
NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fourteen": 14, "fifteen": 15,
    "twenty": 20, "thirty": 30, "ninety": 90, "twenty-four": 24, "forty-eight": 48,
    "a couple of": 2, "couple of": 2, "a few": 3, "few": 3,
}
UNIT_WORDS: dict[str, str] = {
    "minute": "minute", "minutes": "minute", "min": "minute", "mins": "minute",
    "hour": "hour", "hours": "hour", "hr": "hour", "hrs": "hour", "h": "hour",
    "day": "day", "days": "day", "d": "day",
    "week": "week", "weeks": "week", "wk": "week", "wks": "week", "w": "week",
    "fortnight": "fortnight", "fortnights": "fortnight",
    "month": "month", "months": "month", "mo": "month", "mos": "month",
    "quarter": "quarter", "quarters": "quarter",
    "year": "year", "years": "year", "yr": "year", "yrs": "year",
}
UNIT_DELTA: dict[str, Shift] = {
    "minute": timedelta(minutes=1), "hour": timedelta(hours=1), "day": timedelta(days=1),
    "week": timedelta(days=7), "fortnight": timedelta(days=14), "month": relativedelta(months=1),
    "quarter": relativedelta(months=3), "year": relativedelta(years=1),
}

def unit_delta(unit: str) -> Shift:
    """The calendar step for a unit word ("week" → 7 days, "month" → 1 month)."""
    return UNIT_DELTA[UNIT_WORDS.get(unit, unit)]


def period_of(granularity: Granularity, start: datetime, end: datetime) -> Shift:
    """How far back "the period before" a window of this granularity lies."""
    if granularity in UNIT_DELTA:
        return UNIT_DELTA[granularity]
    return end - start


def day_start(moment: datetime) -> datetime:
    """Midnight (UTC) of the day `moment` falls in."""
    return moment.replace(hour=0, minute=0, second=0, microsecond=0)


def week_start(moment: datetime) -> datetime:
    return day_start(moment) - timedelta(days=moment.weekday())


def month_start(moment: datetime) -> datetime:
    return day_start(moment).replace(day=1)


def quarter_start(moment: datetime) -> datetime:
    return month_start(moment).replace(month=3 * ((moment.month - 1) // 3) + 1)


def year_start(moment: datetime) -> datetime:
    return month_start(moment).replace(month=1)


PERIOD_START: dict[str, Callable[[datetime], datetime]] = {
    "day": day_start, "week": week_start, "month": month_start, "quarter": quarter_start, "year": year_start,
}


def calendar_bounds(unit: str, back: int, now: datetime) -> tuple[datetime, datetime]:
    """The calendar `unit` (day/week/month/quarter/year) `back` periods before the current one."""
    start = PERIOD_START[unit](now) - back * UNIT_DELTA[unit]
    return start, start + UNIT_DELTA[unit]


def safe_date(year: int, month: int, day: int) -> datetime | None:
    try:
        return datetime(year, month, day, tzinfo=UTC)
    except ValueError:
        return None


def latest_date(month: int, day: int, year: int | None, now: datetime) -> datetime | None:
    """The given day-of-month, in `year` or else the most recent one not after today."""
    if year is not None:
        return safe_date(year, month, day)
    for y in (now.year, now.year - 1):
        found = safe_date(y, month, day)
        if found is not None and found <= now:
            return found
    return None
