"""Which sweeps answer a question's time window: evaluation times and window lengths.

A health sweep at `as_of` looks at `[as_of - window_hours, as_of)`, at most 7 days. A window up
to 7 days is one sweep ending where the window ends (rounded out to whole hours); a longer one
is cut into 7-day sweeps from its end backwards, at most `MAX_SWEEPS` of them (the answer says
when the start of a long window was not swept). No window means the checks' default: the 24
hours before `now`.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from pydantic import BaseModel, Field

from agents.orchestrator.router.models import TimeWindow
from include.clock import as_utc

MAX_SWEEP_HOURS = 24 * 7
MAX_SWEEPS = 5
DEFAULT_WINDOW_HOURS = 24
# A stored sweep stands in for the wanted one when both ends are this close (share of the length).
STORED_TOLERANCE = 0.1


class SweepChunk(BaseModel):
    """One sweep to obtain: `[as_of - window_hours, as_of)`."""

    as_of: datetime
    window_hours: int = Field(ge=1, le=MAX_SWEEP_HOURS)

    @property
    def start(self) -> datetime:
        return self.as_of - timedelta(hours=self.window_hours)

    def matches(self, start: datetime, end: datetime) -> bool:
        """Whether a sweep over `[start, end)` covers this chunk closely enough to use instead."""
        tolerance = timedelta(hours=self.window_hours * STORED_TOLERANCE)
        return abs(as_utc(end) - self.as_of) <= tolerance and abs(as_utc(start) - self.start) <= tolerance


class SweepPlan(BaseModel):
    """The sweeps for a question and the window they cover."""

    start: datetime
    end: datetime
    label: str
    chunks: list[SweepChunk]
    notes: list[str] = Field(default_factory=list)
    default_window: bool = False

    @property
    def hours(self) -> float:
        return (self.end - self.start).total_seconds() / 3600


def _hours(start: datetime, end: datetime) -> int:
    return max(1, math.ceil((end - start).total_seconds() / 3600 - 1e-9))


def last_full_hour(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


def plan_sweeps(window: TimeWindow | None, now: datetime) -> SweepPlan:
    """The sweeps covering `window` (or the default 24 h before `now`).

    A window that runs up to `now` ("today", "the past 24 hours", no time named) ends at the
    last full hour instead: system tables lag anyway, and an hour-aligned sweep can be reused
    (the orchestrator's cache, the hourly health DAGs) where one ending at 14:37:12 never is.
    """
    now = as_utc(now)
    aligned = last_full_hour(now)
    notes = [f"the window ends at {aligned:%H:%M} UTC, the last full hour"] if aligned < now else []
    if window is None:
        start = aligned - timedelta(hours=DEFAULT_WINDOW_HOURS)
        return SweepPlan(start=start, end=aligned, label="the last 24 hours", default_window=True, notes=notes,
                         chunks=[SweepChunk(as_of=aligned, window_hours=DEFAULT_WINDOW_HOURS)])
    start, end = window.start, min(window.end, now)
    if end >= now:
        end = aligned
    else:
        notes = []
    if end <= start:
        raise ValueError(f"the window {window.describe()} has no full hour yet at {now:%Y-%m-%d %H:%M} UTC")
    chunks: list[SweepChunk] = []
    cursor = end
    while cursor > start and len(chunks) < MAX_SWEEPS:
        hours = min(MAX_SWEEP_HOURS, _hours(start, cursor))
        chunks.append(SweepChunk(as_of=cursor, window_hours=hours))
        cursor -= timedelta(hours=hours)
    if cursor > start:
        notes.append(
            f"{window.label} is longer than {MAX_SWEEPS} weekly sweeps: checks ran for "
            f"{cursor:%Y-%m-%d %H:%M} → {end:%Y-%m-%d %H:%M} UTC only; the queries cover the whole window"
        )
    elif chunks[-1].start < start:
        notes.append(f"checks ran from {chunks[-1].start:%Y-%m-%d %H:%M} UTC (sweeps cover whole hours)")
    return SweepPlan(start=start, end=end, label=window.label, chunks=list(reversed(chunks)), notes=notes)
