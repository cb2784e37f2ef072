"""The contract between health checks (which find and measure) and their consumers.

`include.health.runner.run_domain(warehouse, domain, as_of, settings)` returns a `DomainSweep`;
domain agents explain and recommend from it, DAGs store its findings, reports chart them.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from include.ops.models import Domain, Finding


class CheckError(BaseModel):
    """A check that could not run (missing table, query failure): reported, never hidden."""

    check: str
    error: str


class DomainSweep(BaseModel):
    """Everything one domain's checks produced for one evaluation time."""

    domain: Domain
    as_of: datetime
    window_start: datetime
    window_end: datetime
    findings: list[Finding] = Field(default_factory=list)
    errors: list[CheckError] = Field(default_factory=list)
    checks_run: list[str] = Field(default_factory=list)
    rows_scanned: int = 0
    duration_s: float = 0.0
    engine: str = ""
