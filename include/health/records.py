"""`lakepilot.ops.health_domain_runs`: one row per domain sweep, completed by its analysis.

The report needs to tell "swept, nothing found" from "did not run" and "could not check":
this record carries that, plus the agent's headline and which path (deterministic or LLM)
produced it. Keyed by (domain, as_of), so re-running an interval updates one row.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field

from include.clock import utcnow
from include.ops.models import Domain, OpsRecord, register_ops_model


@register_ops_model
class HealthDomainRun(OpsRecord):
    """One domain's sweep at one evaluation time, and its analysis once done."""

    __table__ = "health_domain_runs"
    __key__ = ("domain", "as_of")

    domain: Domain
    as_of: datetime
    window_start: datetime
    window_end: datetime
    engine: str = ""
    checks_run: list[str] = Field(default_factory=list)
    errors: list[dict[str, Any]] = Field(default_factory=list)
    # How many checks could not run (len(errors)), as a plain column for metrics and the UI.
    checks_not_run: int = 0
    finding_ids: list[str] = Field(default_factory=list)
    # The checks' own recommendations, so re-analysing (a retried task) starts from them and
    # not from an earlier analysis' rewrite stored on the finding.
    check_recommendations: dict[str, str] = Field(default_factory=dict)
    findings_by_severity: dict[str, int] = Field(default_factory=dict)
    rows_scanned: int = 0
    duration_s: float = 0.0
    swept_at: datetime = Field(default_factory=utcnow)
    analysed: bool = False
    path: str = ""
    llm: str = ""
    headline: str = ""
    fallback_reason: str = ""
    analysis: dict[str, Any] = Field(default_factory=dict)
    analysed_at: datetime | None = None
