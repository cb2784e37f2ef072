"""What LakePilot's pages and JSON API return (the API's response models)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from include.ops.models import Domain, Finding, ProvisioningRun, Severity
from include.untrusted.limits import DAG_CONF

FindingStatus = Literal["open", "all"]


class SourceNote(BaseModel):
    """Something the reader should know about where the data came from (missing table, error)."""

    level: Literal["info", "warning", "error"] = "info"
    text: str


class FindingFilters(BaseModel):
    """Filters of the findings view. `open` = findings of each domain's latest sweep."""

    status: FindingStatus = "open"
    domain: Domain | None = None
    severity: Severity | None = None
    q: str = Field(default="", max_length=100, description="Case-insensitive text in entity, check or summary.")
    days: int = Field(default=30, ge=1, le=366, description="With status=all: how far back (by detection time).")
    limit: int = Field(default=200, ge=1, le=1000)


class FindingIssue(BaseModel):
    """The issue a finding belongs to (one per domain, check and entity, across sweeps) and its status."""

    issue_key: str
    status: str
    first_seen: datetime | None = None
    reopened: int = 0
    changed_by: str = ""
    reason: str = ""


class IssueChange(BaseModel):
    """A person's decision about an issue: acknowledge, resolve, snooze (until a time) or reopen — and why."""

    action: Literal["acknowledge", "resolve", "snooze", "reopen"]
    reason: str = Field(min_length=1, max_length=500)
    until: datetime | None = Field(default=None, description="With snooze: when it should count again.")


class FindingsPage(BaseModel):
    """Findings matching the filters, and the domain x severity counts of the same scope."""

    filters: FindingFilters
    items: list[Finding]
    total: int = Field(description="Rows matching the filters (items holds at most `limit`).")
    matrix: dict[str, dict[str, int]] = Field(description="domain -> severity -> count, ignoring domain/severity filters.")
    latest_sweep: dict[str, datetime | None] = Field(description="End of each domain's latest sweep window.")
    notes: list[SourceNote] = Field(default_factory=list)
    issues: dict[str, FindingIssue] = Field(default_factory=dict, description="finding_id -> its issue (status=open)")


class ReportSummary(BaseModel):
    """A stored daily report, without its HTML."""

    report_date: date
    generated_at: datetime
    title: str
    findings_by_severity: dict[str, int] = Field(default_factory=dict)
    findings_by_domain: dict[str, int] = Field(default_factory=dict)
    emailed_to: list[str] = Field(default_factory=list)


class ReportDetail(ReportSummary):
    """A stored daily report with its rendered HTML."""

    html: str


class ReportsIndex(BaseModel):
    """Stored reports, newest first."""

    reports: list[ReportSummary]
    notes: list[SourceNote] = Field(default_factory=list)


class RemediationFilters(BaseModel):
    """Filters of the remediation ledger view."""

    outcome: str | None = Field(default=None, max_length=40)
    action: str | None = Field(default=None, max_length=40)
    q: str = Field(default="", max_length=100, description="Text in job name, job id, run id, category or reason.")
    days: int = Field(default=30, ge=1, le=366)
    limit: int = Field(default=200, ge=1, le=1000)


class RemediationRow(BaseModel):
    """One ledger entry with links to where it happened."""

    decision_id: str
    run_id: str
    attempt: int
    job_id: str
    job_name: str = ""
    workspace_id: str = ""
    category: str
    action: str
    confidence: float
    reason: str
    decided_by: str = ""
    shadow: bool = False
    outcome: str
    outcome_at: datetime | None = None
    repair_id: str | None = None
    error_excerpt: str = ""
    params_change: dict[str, Any] = Field(default_factory=dict)
    decided_at: datetime
    databricks_run_url: str | None = Field(default=None, description="Run page in the Databricks workspace.")
    airflow_dag_id: str | None = None
    airflow_run_id: str | None = None


class RemediationPage(BaseModel):
    """Ledger entries matching the filters, and action x outcome counts of the same window."""

    filters: RemediationFilters
    items: list[RemediationRow]
    total: int
    by_action_outcome: dict[str, dict[str, int]]
    notes: list[SourceNote] = Field(default_factory=list)


class PendingApproval(BaseModel):
    """A human-in-the-loop task waiting for an answer (from Airflow's own records)."""

    dag_id: str
    dag_run_id: str
    task_id: str
    map_index: int = -1
    subject: str
    body: str | None = None
    options: list[str] = Field(default_factory=list)
    assignees: list[str] = Field(default_factory=list)
    created_at: datetime


class ApprovalView(PendingApproval):
    """A pending approval joined with its provisioning run, if LakePilot recorded one."""

    waiting_s: float
    approval_path: str = Field(description="Path of the approval task's page in the Airflow UI (from the UI root).")
    provisioning: ProvisioningRun | None = None


class ApprovalsPage(BaseModel):
    """Approvals waiting now, and recent provisioning runs for context."""

    pending: list[ApprovalView]
    recent_runs: list[ProvisioningRun]
    notes: list[SourceNote] = Field(default_factory=list)


class AskRequest(BaseModel):
    """A question for the orchestrator."""

    # Up to the conf cap is accepted; the ask service cuts it to the QUESTION cap and says so.
    question: str = Field(min_length=1, max_length=DAG_CONF.chars)
    session_id: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_.:-]{1,64}$")


class AskResult(BaseModel):
    """The orchestrator's answer, or why there is none."""

    status: Literal["answered", "unavailable", "error"]
    question: str
    session_id: str
    answer: str | None = None
    answer_status: str | None = Field(default=None, description="The orchestrator's own status (answered, partial, clarify, ...).")
    domains: list[str] = Field(default_factory=list)
    agent_path: str | None = None
    followups: list[str] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    message: str | None = Field(default=None, description="Why there is no answer (unavailable/error).")
    details: dict[str, Any] = Field(default_factory=dict)


class OverviewCounts(BaseModel):
    """The at-a-glance numbers of the landing page."""

    open_findings_by_severity: dict[str, int]
    open_findings_by_domain: dict[str, int]
    open_findings_matrix: dict[str, dict[str, int]] = Field(description="domain -> severity -> open findings.")
    latest_sweep: dict[str, datetime | None] = Field(description="End of each domain's latest sweep window.")
    decisions_by_outcome: dict[str, int]
    pending_approvals: int
    latest_report: ReportSummary | None
    llm_calls_7d: int
    llm_cost_usd_7d: float
    notes: list[SourceNote] = Field(default_factory=list)
