"""LakePilot's pages: server-rendered HTML (Jinja2, inline SVG charts, one small CSS file)."""

from __future__ import annotations

import json
import logging
import uuid
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Any

import jinja2
from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request, Response, status
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from markdown_it import MarkdownIt
from markupsafe import Markup
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from include.clock import utcnow
from include.formatting import number, usd
from include.ops.models import DOMAINS
from include.templating import template_environment
from include.ui.approvals import build_approvals_page, recent_provisioning_rows
from include.ui.findings import SEVERITIES, load_findings
from include.ui.ledger import load_ledger
from include.ui.models import AskResult, FindingFilters, RemediationFilters, SourceNote
from include.ui.ops_sql import existing_ops_tables, run_ops_sql
from include.ui.overview import load_overview
from include.ui.reports import get_report, list_reports
from include.ui.svg import OUTCOME_COLOURS, SEVERITY_COLOURS, simple_bars, stacked_bars
from lakepilot_airflow.ui.ask import ask_orchestrator
from lakepilot_airflow.ui.auth import page_user, same_origin, user_name
from lakepilot_airflow.ui.runtime import Runtime, get_runtime

TEMPLATES = Path(__file__).resolve().parent / "templates"
SESSION_COOKIE = "lakepilot_ask_session"
# The stored report is LakePilot's own HTML, but parts of it quote job names and error text:
# show it with scripts, forms and plugins off, images only from data: URIs.
REPORT_CSP = "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:"

router = APIRouter(dependencies=[Depends(page_user)], include_in_schema=False)
RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
UserDep = Annotated[Any, Depends(page_user)]


def _ago(value: datetime | None, now: datetime | None = None) -> str:
    if value is None:
        return "never"
    seconds = ((now or utcnow()) - value).total_seconds()
    if seconds < 0:
        return "just now"
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{int(seconds // size)}{unit} ago"
    return f"{int(seconds)}s ago"


def _when(value: datetime | date | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return value.isoformat()


_MD = MarkdownIt("commonmark", {"html": False}).enable("table")


def _markdown(text: str | None) -> Markup:
    """Markdown (an approval's body) as HTML; raw HTML in the text is escaped, never passed through."""
    return Markup(_MD.render(text or ""))  # noqa: S704 - markdown-it with html=False escapes input


def _usd(value: float | None) -> str:
    """Dollars: cents for plan estimates, sub-cent precision for LLM spend."""
    return usd(value, precise=True)


def _environment() -> jinja2.Environment:
    env = template_environment(TEMPLATES, "html")
    env.filters.update(
        ago=_ago,
        when=_when,
        usd=_usd,
        pretty=lambda v: json.dumps(v, indent=2, sort_keys=True, default=str),
        num=number,
        markdown=_markdown,
    )
    env.globals.update(DOMAINS=DOMAINS, SEVERITIES=SEVERITIES, SEVERITY_COLOURS=SEVERITY_COLOURS)
    return env


templates = Jinja2Templates(env=_environment())


def _page(request: Request, name: str, runtime: Runtime, user: Any, **context: Any) -> HTMLResponse:
    base = request.scope.get("root_path", "").rstrip("/")
    airflow_root = base.removesuffix("/lakepilot")
    return templates.TemplateResponse(
        request,
        name,
        {
            "base": base,
            "airflow_root": airflow_root,
            "user": user_name(user),
            "mode": runtime.mode_label(),
            "now": utcnow(),
            **context,
        },
    )


def _blank(value: str | None) -> str | None:
    return value or None


@router.get("/", response_class=HTMLResponse)
def overview_page(request: Request, runtime: RuntimeDep, user: UserDep) -> HTMLResponse:
    pending, notes = runtime.approvals(user)
    counts = load_overview(runtime.warehouse(), pending_approvals=len(pending or []), notes=notes)
    rows: dict[str, dict[str, int]] = {d: counts.open_findings_matrix[d] for d in DOMAINS}
    chart = stacked_bars(rows, SEVERITIES, SEVERITY_COLOURS, title="Open findings by domain and severity")
    outcomes = simple_bars(counts.decisions_by_outcome, title="Remediation decisions (7 days) by outcome",
                           colours=OUTCOME_COLOURS) if counts.decisions_by_outcome else None
    return _page(request, "overview.html", runtime, user, tab="overview", counts=counts, chart=chart,
                 outcomes_chart=outcomes, latest_sweep=counts.latest_sweep, notes=counts.notes)


@router.get("/findings", response_class=HTMLResponse)
def findings_page(
    request: Request, runtime: RuntimeDep, user: UserDep,
    status_: Annotated[str, Query(alias="status")] = "open", domain: str = "", severity: str = "", q: str = "", days: str = "30",
) -> HTMLResponse:
    notes: list[SourceNote] = []
    try:
        filters = FindingFilters(status=status_, domain=_blank(domain), severity=_blank(severity), q=q,
                                 days=int(days or 30))
    except (ValidationError, ValueError) as exc:
        notes.append(SourceNote(level="warning", text=f"Filters ignored: {exc.__class__.__name__}: "
                                f"{'; '.join(e['msg'] for e in exc.errors()) if isinstance(exc, ValidationError) else exc}"))
        filters = FindingFilters()
    page = load_findings(runtime.warehouse(), filters)
    return _page(request, "findings.html", runtime, user, tab="findings", page=page, f=filters,
                 notes=[*notes, *page.notes])


@router.post("/findings/{issue_key}", dependencies=[Depends(same_origin)])
def findings_change(
    request: Request, issue_key: str, runtime: RuntimeDep, user: UserDep,
    action: Annotated[str, Form(max_length=20)] = "", reason: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    """A decision from the findings page; back to the page (errors are shown there as a note)."""
    from datetime import timedelta

    from include.clock import utcnow
    from include.ui.issues import change_issue
    from include.ui.models import IssueChange

    try:
        change = IssueChange(action=action, reason=reason.strip() or "-",
                             until=utcnow() + timedelta(hours=24) if action == "snooze" else None)
        change_issue(runtime.warehouse(), issue_key, change, user_name(user))
    except (ValidationError, ValueError, LookupError) as exc:
        logging.getLogger(__name__).warning("finding issue %s: %s refused: %s", issue_key, action, exc)
    return RedirectResponse(f"{request.scope.get('root_path', '').rstrip('/')}/findings", status_code=303)


@router.get("/report", response_class=HTMLResponse)
def report_page(
    request: Request, runtime: RuntimeDep, user: UserDep, wanted: Annotated[str, Query(alias="date")] = ""
) -> HTMLResponse:
    index = list_reports(runtime.warehouse())
    selected: date | None = None
    notes = list(index.notes)
    if wanted:
        try:
            selected = date.fromisoformat(wanted)
        except ValueError:
            notes.append(SourceNote(level="warning", text=f"{wanted!r} is not a date (YYYY-MM-DD); showing the newest report."))
    report = get_report(runtime.warehouse(), selected)
    if report is None and selected is not None:
        notes.append(SourceNote(level="warning", text=f"No report stored for {selected.isoformat()}."))
    return _page(request, "report.html", runtime, user, tab="report", index=index, report=report, notes=notes)


@router.get("/report/raw", response_class=HTMLResponse)
def report_raw(runtime: RuntimeDep, wanted: Annotated[str, Query(alias="date")] = "") -> Response:
    try:
        selected = date.fromisoformat(wanted) if wanted else None
    except ValueError as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, f"{wanted!r} is not a date (YYYY-MM-DD)") from exc
    report = get_report(runtime.warehouse(), selected)
    if report is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such report")
    return HTMLResponse(report.html, headers={"Content-Security-Policy": REPORT_CSP, "X-Content-Type-Options": "nosniff"})


@router.get("/remediation", response_class=HTMLResponse)
def remediation_page(
    request: Request, runtime: RuntimeDep, user: UserDep,
    outcome: str = "", action: str = "", q: str = "", days: str = "30",
) -> HTMLResponse:
    notes: list[SourceNote] = []
    try:
        filters = RemediationFilters(outcome=_blank(outcome), action=_blank(action), q=q, days=int(days or 30))
    except (ValidationError, ValueError) as exc:
        notes.append(SourceNote(level="warning", text=f"Filters ignored: {exc}"))
        filters = RemediationFilters()
    page = load_ledger(runtime.warehouse(), filters, workspace_url=runtime.workspace_url())
    outcomes = sorted({o for by_outcome in page.by_action_outcome.values() for o in by_outcome})
    return _page(request, "remediation.html", runtime, user, tab="remediation", page=page, f=filters,
                 outcomes=outcomes, notes=[*notes, *page.notes])


@router.get("/approvals", response_class=HTMLResponse)
def approvals_page(request: Request, runtime: RuntimeDep, user: UserDep) -> HTMLResponse:
    pending, notes = runtime.approvals(user)
    page = build_approvals_page(pending or [], recent_provisioning_rows(runtime.warehouse()), notes=notes)
    return _page(request, "approvals.html", runtime, user, tab="approvals", page=page, notes=page.notes)


def _history(runtime: Runtime, session_id: str) -> list[dict[str, Any]]:
    warehouse = runtime.warehouse()
    if "conversations" not in existing_ops_tables(warehouse, ["conversations"]):
        return []
    table = run_ops_sql(warehouse, "ui/conversation", {"session_id": session_id})
    rows: list[dict[str, Any]] = table.to_pylist()
    return rows


def _ask_page(request: Request, runtime: Runtime, user: Any, session_id: str, result: AskResult | None) -> HTMLResponse:
    history = _history(runtime, session_id)
    if result is not None and result.status == "answered" and history and history[-1].get("question") == result.question:
        history = history[:-1]  # the turn just asked is shown in full below, not twice
    response = _page(request, "ask.html", runtime, user, tab="ask", result=result,
                     history=history, notes=[])
    response.set_cookie(SESSION_COOKIE, session_id, httponly=True, samesite="lax",
                        path=request.scope.get("root_path", "") or "/")
    return response


def _session(request: Request) -> str:
    value = request.cookies.get(SESSION_COOKIE, "")
    return value if value.isalnum() and len(value) <= 64 else uuid.uuid4().hex


@router.get("/ask", response_class=HTMLResponse)
def ask_page(request: Request, runtime: RuntimeDep, user: UserDep) -> HTMLResponse:
    return _ask_page(request, runtime, user, _session(request), None)


@router.post("/ask", response_class=HTMLResponse, dependencies=[Depends(same_origin)])
async def ask_submit(
    request: Request, runtime: RuntimeDep, user: UserDep, question: Annotated[str, Form(max_length=65_536)] = ""
) -> HTMLResponse:
    session_id = _session(request)
    text = question.strip()
    if not text:
        result = AskResult(status="error", question="", session_id=session_id, message="Type a question first.")
    else:
        result = await run_in_threadpool(
            ask_orchestrator, text, session_id, warehouse=runtime.warehouse(), llm=runtime.llm()
        )
    return await run_in_threadpool(_ask_page, request, runtime, user, session_id, result)
