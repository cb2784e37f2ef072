"""Typed contents of the daily health report (what the templates and charts receive)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Literal

from pydantic import BaseModel, Field

from include.clock import as_utc
from include.ops.models import SEVERITY_ORDER, AgentPath, Domain, Severity

DomainState = Literal["ok", "findings", "errors", "not_run"]


class CostPoint(BaseModel):
    """List-price cost of one workspace on one day."""

    day: date
    workspace_id: str
    usd: float


class RunDay(BaseModel):
    """Terminal job runs that ended on one day."""

    day: date
    runs: int
    succeeded: int
    failed: int
    other: int = 0
    sla_runs: int = 0
    sla_met: int = 0

    @property
    def success_rate(self) -> float | None:
        """Succeeded / (succeeded + failed); cancelled and skipped runs do not count."""
        decided = self.succeeded + self.failed
        return self.succeeded / decided if decided else None

    @property
    def sla_rate(self) -> float | None:
        """Share of runs of jobs with a duration SLA that succeeded within it."""
        return self.sla_met / self.sla_runs if self.sla_runs else None


class DomainStatus(BaseModel):
    """What the latest sweep of one domain (within the report window) said."""

    domain: str
    state: DomainState
    as_of: datetime | None = None
    findings: int = 0
    by_severity: dict[str, int] = Field(default_factory=dict)
    errors: list[str] = Field(default_factory=list)
    checks_run: int = 0
    headline: str = ""
    path: str = ""
    llm: str = ""
    fallback_reason: str = ""
    engine: str = ""

    @property
    def analysis_label(self) -> str:
        """Which path explained the findings, for people."""
        if self.path == "llm":
            return self.llm or "LLM"
        if self.llm.startswith("llm") and self.fallback_reason and not self.fallback_reason.startswith("no findings"):
            return f"templates (LLM fallback: {self.fallback_reason})"
        return "templates" if self.path else ""


class ReportFinding(BaseModel):
    """A finding as shown in the report (already redacted)."""

    finding_id: str
    domain: Domain
    check: str
    severity: Severity
    entity_type: str
    entity_id: str
    metric: str
    observed: float | None = None
    baseline: float | None = None
    summary: str
    explanation: str = ""
    recommendation: str
    evidence: list[tuple[str, str]] = Field(default_factory=list)
    agent_path: AgentPath = "deterministic"
    window_end: datetime
    informational: bool = False

    @property
    def rank(self) -> tuple[int, str, str]:
        return (SEVERITY_ORDER.get(self.severity, 9), self.domain, self.check)


class KeyFigure(BaseModel):
    """One headline number at the top of the report."""

    label: str
    value: str
    detail: str = ""
    tone: Literal["good", "warn", "bad", "neutral"] = "neutral"


class ReportData(BaseModel):
    """Everything the report shows, for one report date."""

    report_date: date
    report_at: datetime
    findings_since: datetime
    chart_start: date
    engine: str
    workspaces: dict[str, str] = Field(default_factory=dict)
    cost: list[CostPoint] = Field(default_factory=list)
    runs: list[RunDay] = Field(default_factory=list)
    domains: list[DomainStatus] = Field(default_factory=list)
    findings: list[ReportFinding] = Field(default_factory=list)
    findings_total: int = 0
    notes: list[ReportFinding] = Field(default_factory=list, description="informational findings (states, not anomalies)")
    by_severity: dict[str, int] = Field(default_factory=dict)
    by_domain: dict[str, int] = Field(default_factory=dict)
    key_figures: list[KeyFigure] = Field(default_factory=list)
    data_errors: list[str] = Field(default_factory=list)

    @property
    def title(self) -> str:
        return f"LakePilot platform health — {self.report_date:%a %d %b %Y}"

    @property
    def domains_checked(self) -> list[str]:
        """Domains with a sweep in the report window (whatever it found)."""
        return [d.domain for d in self.domains if d.state != "not_run"]

    @property
    def coverage(self) -> Literal["complete", "partial", "none"]:
        """Whether every domain, some, or none was checked for this report."""
        checked = len(self.domains_checked)
        return "complete" if checked == len(self.domains) else ("none" if checked == 0 else "partial")

    @property
    def coverage_line(self) -> str:
        """The first thing a reader must know when the report does not cover everything ('' when it does)."""
        if self.coverage == "none":
            return "Nothing was checked: no domain was swept in the 24 hours before this report, so it shows no findings."
        if self.coverage == "partial":
            missing = [d.domain.replace("_", " ") for d in self.domains if d.state == "not_run"]
            return (f"Partial report: {len(self.domains_checked)} of {len(self.domains)} domains were checked; "
                    f"not checked: {', '.join(missing)}.")
        return ""

    @property
    def subject(self) -> str:
        """The e-mail subject: the worst news first, and never 'no findings' for a day nothing checked."""
        day = f"{self.report_date:%d %b %Y}"
        if self.coverage == "none":
            return f"[LakePilot] Platform health {day}: NOT CHECKED (no domain was swept)"
        worst = next((f"{n} {s}" for s, n in self.by_severity.items() if n), "no findings")
        if self.coverage == "partial":
            return f"[LakePilot] Platform health {day}: {worst} (partial: {len(self.domains_checked)} of {len(self.domains)} domains checked)"
        return f"[LakePilot] Platform health {day}: {worst}"


def report_window(report_at: datetime) -> tuple[date, datetime]:
    """(report_date, findings_since) for a report made at `report_at`.

    The report is about the last complete UTC day before `report_at` (a report made at 07:00
    covers yesterday), and shows the findings of sweeps in the 24 hours up to `report_at`.
    """
    report_at = as_utc(report_at)
    last_day = (report_at - timedelta(microseconds=1)).date()
    if report_at.time() != datetime.min.time():
        last_day = report_at.date() - timedelta(days=1)
    return last_day, report_at - timedelta(hours=24)
