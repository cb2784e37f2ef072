"""The values behind LakePilot's Prometheus metrics, read once per scrape (see `collect.py`)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

SWEEP_BUCKETS: tuple[float, ...] = (1, 5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600)
TRIAGE_BUCKETS: tuple[float, ...] = (0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300)
LLM_LATENCY_BUCKETS: tuple[float, ...] = (0.25, 0.5, 1, 2, 4, 8, 15, 30, 60, 120)


class Sample(BaseModel):
    """One labelled value."""

    labels: dict[str, str]
    value: float


class HistogramSample(BaseModel):
    """One labelled histogram: cumulative counts per upper bound, total count and sum."""

    labels: dict[str, str]
    bounds: list[float]
    cumulative: list[int]
    count: int
    sum: float


class LLMUsage(BaseModel):
    """Aggregates of `lakepilot.ops.llm_calls` for one agent, model and status."""

    agent: str
    model: str
    status: str
    calls: int
    prompt_tokens: int
    completion_tokens: int
    cost_usd: float
    unpriced: int


class SourceStatus(BaseModel):
    """Whether one source could be read this scrape (a missing table reads as empty, and up)."""

    up: bool
    present: bool = True
    error: str | None = None


class MetricsSnapshot(BaseModel):
    """Everything one scrape exposes."""

    collected_at: datetime
    collect_seconds: float = 0.0
    findings_open: list[Sample] = Field(default_factory=list)
    remediation_decisions: list[Sample] = Field(default_factory=list)
    sweep_durations: list[HistogramSample] = Field(default_factory=list)
    sweep_last_duration: list[Sample] = Field(default_factory=list)
    sweep_last_timestamp: list[Sample] = Field(default_factory=list)
    sweep_checks_not_run: list[Sample] = Field(default_factory=list)
    triage_durations: list[HistogramSample] = Field(default_factory=list)
    approvals_pending: int | None = None
    approvals_pending_by_dag: list[Sample] = Field(default_factory=list)
    approval_oldest_wait_s: float | None = None
    provisioning_runs: list[Sample] = Field(default_factory=list)
    llm_usage: list[LLMUsage] = Field(default_factory=list)
    llm_latency: list[HistogramSample] = Field(default_factory=list)
    report_last_timestamp: float | None = None
    sources: dict[str, SourceStatus] = Field(default_factory=dict)
    # Served from a stored snapshot (Databricks mode, include/metrics/stored.py): how old its ops values are.
    stored_age_s: float | None = None
