"""The emulator's schedule clock; Quartz cron evaluation lives in `include.schedules`.

The schedule clock can run faster than real time (`schedule_speed`) so a demo keeps producing
runs; missed fire times are not back-filled (like Databricks, a job fires once for the latest due time).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


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
