"""Thresholds and windows of the health checks, with typed defaults.

DAGs read overrides from an Airflow Variable (JSON) inside a task and pass them here;
`HealthSettings.model_validate(json)` rejects unknown keys and wrong types by name.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class HealthSettings(BaseModel):
    """Every knob of the deterministic checks. Units are in the field names."""

    model_config = ConfigDict(extra="forbid")

    # Windows: a sweep at `as_of` looks at [as_of - window_hours, as_of) and compares it with
    # baselines that end where the window starts.
    window_hours: int = Field(24, ge=1, le=24 * 7)
    security_window_hours: int = Field(24, ge=1, le=24 * 7, description="security buckets events by hour inside it")
    # "day": a security sweep looks at the UTC day so far ([midnight, as_of); at midnight, the whole
    # previous day), so hourly sweeps of one day update the same findings instead of minting new
    # ones; "sliding": [as_of - security_window_hours, as_of).
    security_window_anchor: Literal["day", "sliding"] = "day"
    baseline_days: int = Field(7, ge=1)
    long_baseline_days: int = Field(30, ge=2)

    # cost
    spike_ratio: float = 2.0
    spike_min_usd: float = 20.0
    chargeback_tags: list[str] = Field(default_factory=lambda: ["team", "cost_center"], min_length=1, max_length=2)
    untagged_min_usd: float = 1.0
    idle_cpu_pct: float = 5.0
    idle_min_hours: float = 12.0
    idle_min_usd: float = 2.0
    top_contributors: int = 5
    monthly_budget_usd: dict[str, float] = Field(default_factory=dict, description="workspace_id -> USD")
    holiday_calendars: dict[str, str] = Field(
        default_factory=dict, description="workspace_id (or '*' for all) -> public-holiday calendar: a country code, "
        "optionally with a subdivision ('US', 'NL', 'US-TX'); a traffic drop on such a holiday is told, not paged")
    workspace_names: dict[str, str] = Field(
        default_factory=dict, description="workspace_id -> the name people know it by (findings and the report show it)")
    budget_warn_ratio: float = 1.0

    # escalation (include/health/escalation.py): findings at or above this severity are told at once
    escalate_min_severity: Literal["critical", "high", "medium", "low"] = "critical"
    renotify_hours: float = Field(24.0, ge=0, description="an issue still open is told again after this long")
    escalate_max_age_hours: float = Field(48.0, gt=0, description="sweeps of older intervals (backfills) tell nobody")

    # security
    failed_login_burst: int = 20  # failed sign-ins from one address within any 60 minutes
    # A slow spray: fewer per hour, but this many failures against this many accounts over the window, from an
    # address that never signed anyone in (known addresses — offices, VPNs — have days like that).
    spray_min_failures: int = Field(10, ge=1)
    spray_min_users: int = Field(3, ge=2)
    # A burst from an address that signed people in on this many days of the history, where this share of
    # the failing accounts then signed in from it within the hour, is told at low severity (an office NAT
    # after a password rotation), not paged.
    regular_ip_days: int = Field(10, ge=1)
    recovered_share: float = Field(0.8, gt=0, le=1)
    new_ip_history_days: int = 30
    new_ip_min_history_logins: int = 3
    business_hours_utc: tuple[int, int] = (7, 19)
    business_weekdays: tuple[int, ...] = (0, 1, 2, 3, 4)
    read_volume_ratio: float = 5.0
    read_volume_min: int = 200  # reads in the window, for the volume signal
    read_volume_min_tables: int = 20  # breadth: distinct tables in the window (and never-read ones)
    read_volume_baseline_days: int = 14

    # performance
    regression_pct: float = 50.0
    # ... and above the baseline's own noise: p75 + k x IQR (Tukey's fence), over enough runs.
    regression_noise_k: float = Field(1.5, ge=0)
    regression_min_baseline_runs: int = Field(5, ge=3)
    regression_baseline_runs: int = Field(20, ge=5, description="the job's last N runs make its baseline")
    regression_history_days: int = Field(120, ge=7, description="how far back those runs may be (weekly jobs)")
    regression_min_seconds: float = Field(
        60.0, ge=0, description="a regression must also add this much wall time per run (a probe going 8 s -> 22 s is not one)")
    query_p95_ratio: float = 2.0
    slow_query_ms: int = 60_000
    min_queries: int = 20
    queue_p95_s: float = 30.0
    queue_ratio: float = 3.0
    under_cpu_pct: float = 15.0
    over_cpu_pct: float = 85.0
    over_mem_pct: float = 90.0
    min_cluster_hours: float = 2.0

    # reliability
    streak_min: int = 3
    # ... or this many, for a job whose cron fires at most twice a day (two days without its output)
    streak_min_daily: int = Field(2, ge=1)
    failure_rate_min: float = 0.25
    failure_rate_increase: float = 0.2
    failure_rate_min_runs: int = 6
    failure_rate_min_failures: int = 3
    sla_target_pct: float = 95.0
    at_risk_pct: float = 85.0

    # data quality
    stale_factor: float = 1.5
    stale_grace_hours: float = 2.0
    stale_min_writes: int = 3
    # A scheduled job that missed at least this many of its cron's runs (the last grace hours excepted).
    missed_intervals: int = Field(2, ge=1)
    # ... or this many, for a job whose cron fires at most twice a day: a daily job's one missed run is a
    # day without its output, not jitter.
    missed_intervals_daily: int = Field(1, ge=1)
    drift_js: float = 0.2
    drift_psi: float = 0.25
    sensitive_schemas: list[str] = Field(default_factory=lambda: ["pii", "finance_restricted", "hr"])
    classification_tag: str = "classification"
    lineage_depth: int = Field(3, ge=1, le=6)

    # mlops
    latency_ratio: float = 2.0
    error_rate_min: float = 0.05
    error_rate_ratio: float = 3.0
    traffic_ratio: float = 3.0
    # Seasonal baselines look back this far for the same weekday (and hour) of past weeks.
    seasonal_baseline_days: int = Field(28, ge=7, le=92)
    min_requests: int = 100
    # A traffic surge or drop must also change the day by this many requests (a 3x move on an endpoint
    # with a handful of calls is noise; ~100 a day falling to none, or ~80 rising to 600, is not).
    traffic_min_change: int = Field(50, ge=1)
    training_tag: tuple[str, str] = ("workload", "ml-training")
    drift_metrics_tables: dict[str, str] = Field(
        default_factory=dict, description="monitored table -> its _drift_metrics table"
    )
    inference_tables: dict[str, str] = Field(
        default_factory=dict, description="endpoint name -> its inference (payload) table"
    )
