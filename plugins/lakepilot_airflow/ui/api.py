"""LakePilot's JSON API (`/lakepilot/api/...`): the data behind the pages, for scripts and tools.

Every route needs a signed-in Airflow user (Bearer JWT or the UI cookie); responses are the
pydantic models of `include.ui.models`, so the OpenAPI schema documents them.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, status
from starlette.concurrency import run_in_threadpool

from include.ops.models import Domain, Severity
from include.ui.approvals import build_approvals_page, recent_provisioning_rows
from include.ui.findings import load_findings
from include.ui.issues import change_issue
from include.ui.ledger import load_ledger
from include.ui.models import (
    ApprovalsPage,
    AskRequest,
    AskResult,
    FindingFilters,
    FindingIssue,
    FindingsPage,
    FindingStatus,
    IssueChange,
    OverviewCounts,
    RemediationFilters,
    RemediationPage,
    ReportDetail,
    ReportsIndex,
)
from include.ui.overview import load_overview
from include.ui.reports import get_report, list_reports
from lakepilot_airflow.ui.ask import ask_orchestrator
from lakepilot_airflow.ui.auth import api_user, user_name
from lakepilot_airflow.ui.runtime import Runtime, get_runtime

router = APIRouter(prefix="/api", tags=["LakePilot"], dependencies=[Depends(api_user)])

RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
UserDep = Annotated[Any, Depends(api_user)]


def finding_filters(
    status_: Annotated[FindingStatus, Query(alias="status")] = "open",
    domain: Domain | None = None,
    severity: Severity | None = None,
    q: Annotated[str, Query(max_length=100)] = "",
    days: Annotated[int, Query(ge=1, le=366)] = 30,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> FindingFilters:
    """Findings filters from the query string (invalid values answer 422 naming the field)."""
    return FindingFilters(status=status_, domain=domain, severity=severity, q=q, days=days, limit=limit)


def remediation_filters(
    outcome: Annotated[str | None, Query(max_length=40)] = None,
    action: Annotated[str | None, Query(max_length=40)] = None,
    q: Annotated[str, Query(max_length=100)] = "",
    days: Annotated[int, Query(ge=1, le=366)] = 30,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> RemediationFilters:
    """Ledger filters from the query string."""
    return RemediationFilters(outcome=outcome or None, action=action or None, q=q, days=days, limit=limit)


@router.get("/overview", response_model=OverviewCounts, summary="At-a-glance counts")
def overview(runtime: RuntimeDep, user: UserDep) -> OverviewCounts:
    pending, notes = runtime.approvals(user)
    return load_overview(runtime.warehouse(), pending_approvals=len(pending or []), notes=notes)


@router.get("/findings", response_model=FindingsPage, summary="Findings with filters")
def findings(runtime: RuntimeDep, filters: Annotated[FindingFilters, Depends(finding_filters)]) -> FindingsPage:
    return load_findings(runtime.warehouse(), filters)


@router.post("/findings/{issue_key}/status", response_model=FindingIssue,
             summary="Acknowledge, resolve, snooze or reopen a finding's issue (who and why are recorded)")
def change_finding_status(issue_key: str, body: IssueChange, runtime: RuntimeDep, user: UserDep) -> FindingIssue:
    try:
        return change_issue(runtime.warehouse(), issue_key, body, user_name(user))
    except LookupError as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from None
    except ValueError as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, str(exc)) from None


@router.get("/reports", response_model=ReportsIndex, summary="Stored daily health reports")
def reports(runtime: RuntimeDep) -> ReportsIndex:
    return list_reports(runtime.warehouse())


@router.get("/reports/latest", response_model=ReportDetail, summary="The newest daily report, with its HTML")
def latest_report(runtime: RuntimeDep) -> ReportDetail:
    report = get_report(runtime.warehouse())
    if report is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no daily health report has been stored yet")
    return report


@router.get("/reports/{report_date}", response_model=ReportDetail, summary="The daily report of one date")
def report_of(report_date: date, runtime: RuntimeDep) -> ReportDetail:
    report = get_report(runtime.warehouse(), report_date)
    if report is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no daily health report for {report_date.isoformat()}")
    return report


@router.get("/remediation", response_model=RemediationPage, summary="The remediation ledger with filters")
def remediation(
    runtime: RuntimeDep, filters: Annotated[RemediationFilters, Depends(remediation_filters)]
) -> RemediationPage:
    return load_ledger(runtime.warehouse(), filters, workspace_url=runtime.workspace_url())


@router.get("/approvals", response_model=ApprovalsPage, summary="Approvals waiting, with their provisioning plans")
def approvals(runtime: RuntimeDep, user: UserDep) -> ApprovalsPage:
    pending, notes = runtime.approvals(user)
    return build_approvals_page(pending or [], recent_provisioning_rows(runtime.warehouse()), notes=notes)


@router.post("/ask", response_model=AskResult, summary="Ask the orchestrator a question")
async def ask(body: AskRequest, runtime: RuntimeDep) -> AskResult:
    session_id = body.session_id or uuid.uuid4().hex
    # The orchestrator runs SQL and may call an LLM: keep it off the event loop.
    return await run_in_threadpool(
        ask_orchestrator, body.question.strip(), session_id, warehouse=runtime.warehouse(), llm=runtime.llm()
    )
