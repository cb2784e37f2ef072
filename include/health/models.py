"""The contract between health checks (which find and measure) and their consumers.

`include.health.runner.run_domain(warehouse, domain, as_of, settings)` returns a `DomainSweep`;
domain agents explain and recommend from it, DAGs store its findings, reports chart them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from include.ops.models import Domain, Finding

CheckErrorKind = Literal["schema", "unavailable", "error"]


class CheckError(BaseModel):
    """A check that could not run: reported in the CLI, the report, the UI and the metrics, never hidden.

    `kind`: `schema` — the tables lack columns it reads (`missing` names them; another Databricks
    release's schema); `unavailable` — nothing to run on here (no table, nothing configured);
    `error` — it failed while running.
    """

    check: str
    error: str
    kind: CheckErrorKind = "error"
    missing: list[str] = Field(default_factory=list)


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
