"""The one parser of times given on the command line (`--now`, `--as-of`, `--date`, `--since`)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Literal

from include.clock import as_utc

DateMeans = Literal["end_of_day", "start_of_day"]


def parse_moment(value: str | None, option: str, date_means: DateMeans = "end_of_day") -> datetime | None:
    """An ISO datetime (UTC when naive), or a date `YYYY-MM-DD` meaning the end or the start of that UTC day.

    "As of 2026-05-09" means once that day is over (2026-05-10T00:00Z); "since 2026-05-09" means from
    its start. Anything else exits with code 2 and an error naming the option.
    """
    if not value:
        return None
    try:
        if len(value) == 10:
            day = date.fromisoformat(value) + (timedelta(days=1) if date_means == "end_of_day" else timedelta())
            return as_utc(datetime.combine(day, time.min))
        return as_utc(datetime.fromisoformat(value.replace("Z", "+00:00")))
    except ValueError:
        from cli.output import fail

        fail(f"{option} {value!r} is not a date (YYYY-MM-DD) or an ISO datetime (2026-05-13T00:00:00Z)")
        raise  # fail() exits; this line only tells type checkers so
