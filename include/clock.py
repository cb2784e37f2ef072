"""Time, in one place: the current UTC instant and the one way to make any datetime UTC.

Stored timestamps are timezone-aware UTC. Airflow hands tasks pendulum DateTimes (whose arithmetic
can drop a stdlib tzinfo), users and files give naive ones: `as_utc` turns any of them into a
plain stdlib `datetime` in UTC (a naive value is taken to be UTC already), and `UtcDateTime` is the
pydantic type that does the same for model fields.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from pydantic import AfterValidator


def utcnow() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """A plain stdlib `datetime` in UTC (naive values are taken as UTC)."""
    v = (value.replace(tzinfo=UTC) if value.tzinfo is None else value).astimezone(UTC)
    return datetime(v.year, v.month, v.day, v.hour, v.minute, v.second, v.microsecond, tzinfo=UTC)


UtcDateTime = Annotated[datetime, AfterValidator(as_utc)]
