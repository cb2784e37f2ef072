"""Quartz cron schedules (as Databricks jobs use them) evaluated with croniter.

Quartz has seconds first, an optional year, `?` for "no specific value" and day-of-week 1-7 with
1 = Sunday; croniter (seconds first mode) has 0-6 with 0 = Sunday. The schedule clock can run
faster than real time (`schedule_speed`) so a demo keeps producing runs; missed fire times are
not back-filled (like Databricks, a job fires once for the latest due time).
"""

from __future__ import annotations

import functools
import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from croniter import croniter

_DOW_NUM = re.compile(r"\d+")


def _shift_dow(field: str) -> str:
    """Quartz day-of-week numbers (1=SUN..7=SAT) -> cron (0=SUN..6=SAT); names and `#n` pass through."""
    if re.search(r"(^|[\d,])L$", field):
        raise ValueError(f"day-of-week {field!r}: 'L' is not supported")
    head, sep, nth = field.partition("#")
    return _DOW_NUM.sub(lambda m: str((int(m.group()) - 1) % 7), head) + sep + nth


@functools.lru_cache(maxsize=4096)
def to_croniter(quartz: str) -> str:
    """A croniter expression (seconds first) for a quartz cron expression."""
    fields = quartz.split()
    if len(fields) not in (6, 7):
        raise ValueError(f"quartz cron {quartz!r} must have 6 or 7 fields (seconds minutes hours day month weekday [year])")
    if len(fields) == 7 and fields[6] not in ("*", "?"):
        raise ValueError(f"quartz cron {quartz!r}: a year field other than * is not supported")
    sec, minute, hour, dom, month, dow = fields[:6]
    dom = "*" if dom == "?" else dom
    dow = "*" if dow in ("?", "*") else _shift_dow(dow)
    expr = f"{sec} {minute} {hour} {dom} {month} {dow}"
    if not croniter.is_valid(expr, second_at_beginning=True):
        raise ValueError(f"quartz cron {quartz!r} is not a valid schedule")
    return expr


def _zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def latest_fire(quartz: str, timezone: str | None, after: datetime, until: datetime) -> datetime | None:
    """The latest fire time in (after, until], or None when the job is not due."""
    if until <= after:
        return None
    zone = _zone(timezone)
    itr = croniter(to_croniter(quartz), until.astimezone(zone) + timedelta(microseconds=1), second_at_beginning=True)
    fire = itr.get_prev(datetime)
    fire = fire.astimezone(UTC)
    return fire if after < fire <= until else None


class ScheduleClock:
    """Maps real time to schedule time: `anchor + (real - real_anchor) * speed`, plus manual jumps."""

    def __init__(self, speed: float = 1.0, start: datetime | None = None) -> None:
        self.speed = speed
        self.real_anchor = datetime.now(UTC) if start is None else start
        self.virtual_anchor = self.real_anchor
        self.offset = timedelta(0)

    def now(self, real: datetime | None = None) -> datetime:
        real = real or datetime.now(UTC)
        return self.virtual_anchor + (real - self.real_anchor) * self.speed + self.offset

    def jump(self, seconds: float) -> None:
        self.offset += timedelta(seconds=seconds)
