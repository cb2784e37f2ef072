"""Schedules: DAG schedules from the environment, and the Quartz cron of Databricks jobs.

DAG schedules: `LAKEPILOT_SCHEDULE_*` read when a DAG file is parsed.

A cron expression, an Airflow preset (`@daily`, `@hourly`, …), or `none`/`off`/`manual`/`never`
for manual runs only; unset means the DAG's default. A value that is none of these fails the DAG's
import with the variable named (Airflow shows it as an import error), rather than scheduling
something else.
"""

from __future__ import annotations

import functools
import os
import re
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

OFF = frozenset({"none", "off", "manual", "never"})
PRESETS = frozenset({"@once", "@continuous", "@hourly", "@daily", "@weekly", "@monthly", "@quarterly", "@yearly",
                     "@annually", "@midnight"})


def schedule_from_env(variable: str, default: str | None) -> str | None:
    """The schedule `variable` asks for (None = manual only), or `default` when it is unset."""
    raw = os.environ.get(variable, "").strip()
    if not raw:
        return default
    if raw.lower() in OFF:
        return None
    if raw.lower() in PRESETS:
        return raw.lower()
    from croniter import croniter

    if not croniter.is_valid(raw):
        raise ValueError(f"{variable}={raw!r} is not a cron expression, a preset such as @daily, or 'none'")
    return raw


# -- Quartz cron (Databricks job schedules) -------------------------------------------------------
# Quartz has seconds first, an optional year, `?` for "no specific value" and day-of-week 1-7 with
# 1 = Sunday; croniter (seconds first mode) has 0-6 with 0 = Sunday.
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
    if not _croniter().is_valid(expr, second_at_beginning=True):
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
    itr = _croniter()(to_croniter(quartz), until.astimezone(zone) + timedelta(microseconds=1), second_at_beginning=True)
    fire = itr.get_prev(datetime)
    fire = fire.astimezone(UTC)
    return fire if after < fire <= until else None




def _croniter() -> Any:  # the croniter class; croniter ships no type hints
    # imported on use: DAG files import this module at parse time
    from croniter import croniter

    return croniter


def fires_between(quartz: str, timezone: str | None, after: datetime, until: datetime, limit: int = 1000) -> int:
    """How many times the schedule fires in (after, until] (at most `limit`)."""
    if until <= after:
        return 0
    itr = _croniter()(to_croniter(quartz), after.astimezone(_zone(timezone)), second_at_beginning=True)
    count = 0
    while count < limit and itr.get_next(datetime).astimezone(UTC) <= until:
        count += 1
    return count
