"""What a domain agent concluded about one sweep: stored with the run, shown in reports, answers and the UI.

Produced by the agents (`agents/domains.py`: templates, or an LLM on top); a record of the
health flow, so it lives here with the sweep and the run record it completes.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from include.health.models import CheckError
from include.ops.models import AgentPath, Domain, Severity

Unit = Literal["USD", "count", "percent", "seconds", "ratio"]


class AnalysedFinding(BaseModel):
    """A finding with its explanation and recommendation, and which path wrote them."""

    finding_id: str
    check: str
    severity: Severity
    entity_type: str
    entity_id: str
    metric: str
    observed: float | None = None
    baseline: float | None = None
    summary: str
    explanation: str
    recommendation: str
    agent_path: AgentPath = "deterministic"


class KeyNumber(BaseModel):
    """A number worth a glance (computed from the sweep, never by the LLM)."""

    name: str
    value: float
    unit: Unit = "count"
    note: str = ""


class DomainAnalysis(BaseModel):
    """What a domain agent concluded about one sweep."""

    domain: Domain
    as_of: datetime
    window_start: datetime
    window_end: datetime
    headline: str
    findings: list[AnalysedFinding] = Field(default_factory=list)
    key_numbers: list[KeyNumber] = Field(default_factory=list)
    errors: list[CheckError] = Field(default_factory=list)
    checks_run: list[str] = Field(default_factory=list)
    engine: str = ""
    path: AgentPath = "deterministic"
    llm: str = "deterministic (no LLM configured)"
    fallback_reason: str = ""
    tool_calls: int = 0
    duration_s: float = 0.0
