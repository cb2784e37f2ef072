"""What a health check is: a SQL file, how to parameterise it, and how to read its rows.

A check's SQL finds and measures; its `interpret` function turns rows into `Finding`s with a
severity, a one-line summary and a recommendation, keeping the numbers as evidence. Checks that
report a state rather than an anomaly mark their findings `evidence["informational"] = True`
(severity `low`), so consumers and evaluations can tell them apart.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, Literal

import holidays
from dateutil.relativedelta import relativedelta

from include.health.settings import HealthSettings
from include.ops.models import Domain, Finding, Severity

Row = dict[str, Any]


@dataclass(frozen=True)
class Sweep:
    """The evaluation time and what a check may consult (settings, engine)."""

    domain: Domain
    as_of: datetime
    window_start: datetime
    window_end: datetime
    settings: HealthSettings
    warehouse: Any
    # Tables read by evidence look-ups inside `interpret` (counted in rows_scanned by the runner).
    extra_reads: list[str] = field(default_factory=list)
    # Evidence shared by the checks of one sweep (e.g. lineage edges), fetched once.
    shared: dict[str, Any] = field(default_factory=dict)

    def evidence_query(self, sql_name: str, params: Mapping[str, Any], tables: tuple[str, ...]) -> list[Row]:
        """Run a supporting query for a finding's evidence; its tables count as scanned."""
        from include.lakehouse.warehouse import query_file

        self.extra_reads.extend(tables)
        rows: list[Row] = query_file(self.warehouse, sql_name, dict(params)).to_pylist()  # pyarrow: untyped
        return rows

    def workspace(self, workspace_id: object) -> str:
        """How a finding names a workspace: `name (id)` when the settings know its name, else the id."""
        name = self.settings.workspace_names.get(str(workspace_id))
        return f"{name} ({workspace_id})" if name else str(workspace_id)

    def holiday(self, workspace_id: object) -> str | None:
        """The public holiday the window's day is in the workspace's calendar (`holiday_calendars`), if any."""
        calendars = self.settings.holiday_calendars
        code = calendars.get(str(workspace_id)) or calendars.get("*")
        if not code or self.window_seconds != 86400:
            return None
        day = self.window_start.date()
        try:
            name = _holiday_calendar(code, day.year).get(day)
        except NotImplementedError as exc:
            raise ValueError(f"HealthSettings.holiday_calendars: no public-holiday calendar {code!r}") from exc
        return str(name) if name else None

    def before(self, days: float) -> datetime:
        """`days` before the window start (baselines end where the window starts)."""
        return self.window_start - timedelta(days=days)

    @property
    def window_seconds(self) -> int:
        return int((self.window_end - self.window_start).total_seconds())

    def buckets(self, days: int) -> int:
        """How many window-length buckets fit in `days` of baseline (at least 1)."""
        return max(1, int(days * 86400 // self.window_seconds))


@dataclass(frozen=True)
class PerObject:
    """One object a per-object check runs for: its table (allow-listed) and extra parameters."""

    table: str
    entity_type: str
    entity_id: str
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Check:
    """One deterministic health check."""

    name: str
    domain: Domain
    sql: str
    tables: tuple[str, ...]
    params: Callable[[Sweep], dict[str, Any]]
    interpret: Callable[[Sweep, list[Row], PerObject | None], list[Finding]]
    per_object: Literal["drift_metrics", "inference_payload"] | None = None
    objects: Callable[[Sweep], list[PerObject]] | None = None
    informational: bool = False
    description: str = ""


class CheckUnavailable(RuntimeError):
    """A check cannot run here (nothing configured for it); reported as a CheckError."""


def clean(value: Any) -> Any:
    """JSON-friendly, rounded evidence values (engines return Decimals, numpy types, datetimes)."""
    if isinstance(value, Decimal):
        value = float(value)
    if isinstance(value, float):
        return None if math.isnan(value) else round(value, 4)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        cleaned = [clean(v) for v in value if v is not None]
        return sorted(cleaned, key=str) if all(isinstance(v, str | int | float) for v in cleaned) else cleaned
    if isinstance(value, dict):
        return {k: clean(v) for k, v in value.items()}
    if hasattr(value, "item"):
        return clean(value.item())
    return value


def num(value: Any, default: float = 0.0) -> float:
    """A float from an engine value (None → default)."""
    if value is None:
        return default
    result = float(value)
    return default if math.isnan(result) else result


def ratio(observed: float, baseline: float, floor: float = 1e-9) -> float:
    return observed / max(baseline, floor)


def make_finding(
    sweep: Sweep,
    check: str,
    severity: Severity,
    entity_type: str,
    entity_id: str,
    metric: str,
    observed: float | None,
    baseline: float | None,
    summary: str,
    recommendation: str,
    evidence: Mapping[str, Any],
    *,
    informational: bool = False,
    window: tuple[datetime, datetime] | None = None,
) -> Finding:
    """A finding with rounded numbers and clean evidence; the natural key ignores detection time."""
    start, end = window or (sweep.window_start, sweep.window_end)
    payload = {k: clean(v) for k, v in evidence.items()}
    if informational:
        payload["informational"] = True
    return Finding(
        domain=sweep.domain, check=check, severity=severity, entity_type=entity_type, entity_id=str(entity_id),
        window_start=start, window_end=end, metric=metric,
        observed=None if observed is None else round(float(observed), 4),
        baseline=None if baseline is None else round(float(baseline), 4),
        summary=summary, recommendation=recommendation, evidence=payload,
    )


def by_ratio(value: float, high: float, critical: float | None = None) -> Severity:
    """`critical` ≥ critical, `high` ≥ high, else `medium`."""
    if critical is not None and value >= critical:
        return "critical"
    return "high" if value >= high else "medium"


MIN_SEASONS = 2  # same-weekday buckets needed before the weekly pattern is trusted


MONTHS_BACK = 3  # months whose same dates are compared with a daily window
MONTH_SLACK_DAYS = 2  # a month's "same date" is ±2 days: the 1st, or the first business day after it


def seasonal_params(s: Sweep) -> dict[str, Any]:
    """Bucket parameters of a baseline that knows the week and the month: the recent `baseline_days`;
    over `seasonal_baseline_days`, the buckets a whole number of weeks before the window; and for a
    whole-day window, the same dates (± `MONTH_SLACK_DAYS`) of the last `MONTHS_BACK` months
    (`month_<k>_start`/`_end`; an empty range otherwise), read on their own so the scan stays small."""
    n = s.buckets(max(s.settings.baseline_days, s.settings.seasonal_baseline_days))
    week = 7 * 86400
    season = week // s.window_seconds if week % s.window_seconds == 0 else 0  # buckets per week, if whole
    params: dict[str, Any] = {
        "baseline_start": s.window_start - (s.window_end - s.window_start) * n, "window_end": s.window_end,
        "window_seconds": s.window_seconds, "baseline_buckets": n,
        "recent_buckets": s.buckets(s.settings.baseline_days), "season_buckets": season,
    }
    daily = s.window_seconds % 86400 == 0
    for k in range(1, MONTHS_BACK + 1):
        centre = s.window_start - relativedelta(months=k)
        slack = timedelta(days=MONTH_SLACK_DAYS)
        start, end = (centre - slack, centre + (s.window_end - s.window_start) + slack) if daily else (s.window_end,) * 2
        params[f"month_{k}_start"], params[f"month_{k}_end"] = start, end
    return params


def recurring_monthly(observed: float, month_peaks: list[Any], ratio: float = 1.25) -> list[int]:
    """The months (1 = last month) whose same dates already reached `observed` / `ratio`, when at
    least two of them did: a month-start batch, a close, an invoice run — seen before at this point of
    the month, so not a surprise. Empty otherwise."""
    months = [k for k, peak in enumerate(month_peaks, start=1) if peak is not None and num(peak) * ratio >= observed]
    return months if len(months) >= 2 else []


@functools.lru_cache(maxsize=32)
def _holiday_calendar(code: str, year: int) -> Any:
    """The public holidays of one calendar ('US', 'US-TX') and year, built once (checks ask per entity)."""
    country, _, subdiv = code.partition("-")
    return holidays.country_holidays(country, subdiv=subdiv or None, years=year)


def seasonal_baseline(values: list[float | None], first_bucket: int, buckets: int, season: int,
                      shift: int = 0) -> tuple[float, int] | None:
    """(median, weeks) of the same-weekday buckets since the series began, empty ones counting as 0
    (`shift` buckets earlier in the week: another weekday, e.g. the Sundays before a holiday Monday).

    None without a whole-week season or with fewer than `MIN_SEASONS` such buckets: the caller then
    uses the recent median alone.
    """
    if season <= 0:
        return None
    slots = [k for k in range(int(first_bucket), buckets) if (buckets - k) % season == shift % season]
    seen = [float(v) for v in values if v is not None]
    if len(slots) < MIN_SEASONS:
        return None
    series = sorted(seen + [0.0] * max(0, len(slots) - len(seen)))
    mid = len(series) // 2
    median = series[mid] if len(series) % 2 else (series[mid - 1] + series[mid]) / 2
    return median, len(slots)
