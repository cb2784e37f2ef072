"""Typed output of a domain agent, and the structured answer an LLM must give.

The LLM explains and recommends; it never decides what is a finding or how severe it is
(the checks do). So its structured answer can only refer to findings by id.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from include.health.models import CheckError
from include.ops.models import AgentPath, Domain

Unit = Literal["USD", "count", "percent", "seconds", "ratio"]


class AnalysedFinding(BaseModel):
    """A finding with its explanation and recommendation, and which path wrote them."""

    finding_id: str
    check: str
    severity: str
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


class FindingNote(BaseModel):
    """The LLM's explanation and recommendation for one finding it was given."""

    finding_id: str = Field(description="id of a finding from list_findings; never invent one")
    explanation: str = Field(min_length=1, max_length=900, description="why this matters, in 1-3 sentences, citing numbers")
    recommendation: str = Field(min_length=1, max_length=700, description="what to do next, concrete and safe")


class LLMAnalysis(BaseModel):
    """Answer with this once you have looked at the findings (call it exactly once, last)."""

    headline: str = Field(min_length=1, max_length=240, description="one sentence for the daily report")
    findings: list[FindingNote] = Field(default_factory=list, description="one note per finding you explain")
