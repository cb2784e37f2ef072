"""Gather the report's data: chart series from the system tables, findings and sweep status from ops.

Each chart query runs on its own; one that fails (a table missing in an export, a warehouse
hiccup) becomes a visible note in the report instead of sinking the whole report.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from include.clock import as_utc
from include.health.records import HealthDomainRun
from include.lakehouse.warehouse import QueryError, Warehouse, local_root, query_file
from include.ops.filters import In, Since
from include.ops.models import DOMAINS, SEVERITY_ORDER, Finding
from include.ops.store import OpsStore
from include.report.models import (
    CostPoint,
    DomainStatus,
    KeyFigure,
    ReportData,
    ReportFinding,
    RunDay,
    report_window,
)
from include.untrusted.redaction import Redactor

log = logging.getLogger(__name__)

CHART_DAYS = 30
MAX_FINDINGS = 25
MAX_NOTES = 10
MAX_EVIDENCE_ITEMS = 8
MAX_EVIDENCE_CHARS = 160




def load_cost(warehouse: Warehouse, start: date, end: date) -> list[CostPoint]:
    """Daily USD per workspace for `start..end` (inclusive)."""
    table = query_file(warehouse, "report/cost_trend", {"start_date": start, "end_date": end})
    return [CostPoint(day=r["day"], workspace_id=str(r["workspace_id"]), usd=float(r["usd"] or 0)) for r in table.to_pylist()]


def load_runs(warehouse: Warehouse, start: date, end: date) -> list[RunDay]:
    """Job-run outcomes and SLA compliance per day for `start..end` (inclusive)."""
    start_ts = datetime.combine(start, time.min, UTC)
    end_ts = datetime.combine(end + timedelta(days=1), time.min, UTC)
    params = {"start_ts": start_ts, "end_ts": end_ts, "history_start": start_ts - timedelta(days=2)}
    table = query_file(warehouse, "report/job_runs_daily", params)
    return [RunDay(**{k: (int(v) if isinstance(v, int | float) else v) for k, v in r.items()}) for r in table.to_pylist()]


def _latest_runs(runs: Sequence[HealthDomainRun], since: datetime, until: datetime) -> dict[str, list[HealthDomainRun]]:
    """Domain runs inside (since, until], newest first, per domain."""
    out: dict[str, list[HealthDomainRun]] = {}
    for run in sorted(runs, key=lambda r: as_utc(r.as_of), reverse=True):
        if since < as_utc(run.as_of) <= until:
            out.setdefault(run.domain, []).append(run)
    return out


def domain_statuses(runs_by_domain: dict[str, list[HealthDomainRun]]) -> list[DomainStatus]:
    """One status per domain from its latest run in the window ("not_run" when none)."""
    statuses = []
    for domain in DOMAINS:
        runs = runs_by_domain.get(domain)
        if not runs:
            statuses.append(DomainStatus(domain=domain, state="not_run"))
            continue
        latest = runs[0]
        errors = [f"{e.get('check', '?')}: {e.get('error', '')}" for e in latest.errors]
        count = sum(latest.findings_by_severity.values())  # anomalies; informational notes are not counted
        state = "errors" if errors else ("findings" if count else "ok")
        statuses.append(
            DomainStatus(
                domain=domain,
                state=state,
                as_of=latest.as_of,
                findings=count,
                by_severity=latest.findings_by_severity,
                errors=errors,
                checks_run=len(latest.checks_run),
                headline=latest.headline,
                path=latest.path,
                llm=latest.llm,
                fallback_reason=latest.fallback_reason,
                engine=latest.engine,
            )
        )
    return statuses


def _explanations(runs: Sequence[HealthDomainRun]) -> dict[str, str]:
    """finding_id -> the agent's explanation, from the analyses (older runs first, newer win)."""
    out: dict[str, str] = {}
    for run in sorted(runs, key=lambda r: as_utc(r.as_of)):
        for item in (run.analysis or {}).get("findings", []):
            if item.get("finding_id") and item.get("explanation"):
                out[item["finding_id"]] = item["explanation"]
    return out


def _evidence(evidence: dict[str, Any], redactor: Redactor) -> list[tuple[str, str]]:
    items = []
    for key, value in list(redactor.value(evidence).items())[:MAX_EVIDENCE_ITEMS]:
        text = _compact(value)
        items.append((str(key), text if len(text) <= MAX_EVIDENCE_CHARS else text[: MAX_EVIDENCE_CHARS - 1] + "…"))
    return items


def _compact(value: Any) -> str:
    """Evidence values for people: short timestamps, plain lists, yes/no, grouped numbers."""
    import json

    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:,.2f}"
    if isinstance(value, int):
        return str(value)  # counts and ids alike: never grouped, so ids stay copyable
    if isinstance(value, str):
        return _short_ts(value)
    if isinstance(value, list) and all(isinstance(v, str | int | float) for v in value):
        return ", ".join(_compact(v) for v in value) or "—"
    return json.dumps(value, default=str) if isinstance(value, dict | list) else str(value)


def _short_ts(text: str) -> str:
    """`2026-05-05T04:20:07.411745+00:00` → `2026-05-05 04:20 UTC`; other text unchanged."""
    if len(text) >= 16 and text[4] == "-" and text[10] == "T":
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            return text
        if parsed.tzinfo is None or parsed.utcoffset() == timedelta(0):
            return f"{parsed:%Y-%m-%d %H:%M} UTC"
    return text


def report_findings(
    findings: Sequence[Finding], runs_by_domain: dict[str, list[HealthDomainRun]]
) -> list[ReportFinding]:
    """Findings of the window's runs, one per (domain, check, entity) — the newest — by severity."""
    wanted = {fid for runs in runs_by_domain.values() for run in runs for fid in run.finding_ids}
    explanations = _explanations([r for runs in runs_by_domain.values() for r in runs])
    latest: dict[tuple[str, str, str, str], Finding] = {}
    for f in findings:
        if f.finding_id not in wanted:
            continue
        key = (f.domain, f.check, f.entity_type, f.entity_id)
        if key not in latest or as_utc(f.window_end) > as_utc(latest[key].window_end):
            latest[key] = f
    chosen = list(latest.values())
    redactor = Redactor.for_findings(chosen)
    out = [
        ReportFinding(
            finding_id=f.finding_id,
            domain=f.domain,
            check=f.check,
            severity=f.severity,
            entity_type=f.entity_type,
            entity_id=redactor.text(f.entity_id),
            metric=f.metric,
            observed=f.observed,
            baseline=f.baseline,
            summary=redactor.text(f.summary),
            explanation=redactor.text(explanations.get(f.finding_id, "")),
            recommendation=redactor.text(f.recommendation),
            evidence=_evidence(f.evidence, redactor),
            agent_path=f.agent_path,
            window_end=f.window_end,
            informational=bool(f.evidence.get("informational")),
        )
        for f in chosen
    ]
    return sorted(out, key=lambda r: (r.rank, -(r.observed or 0)))


def key_figures(data: ReportData) -> list[KeyFigure]:
    """The four numbers at the top: findings, yesterday's cost, job success, SLA compliance."""
    figures: list[KeyFigure] = []
    crit = data.by_severity.get("critical", 0)
    high = data.by_severity.get("high", 0)
    figures.append(
        KeyFigure(
            label="Findings (24 h)",
            value=str(data.findings_total),
            detail=f"{crit} critical · {high} high",
            tone="bad" if crit else ("warn" if high else "good"),
        )
    )
    daily: dict[date, float] = {}
    for p in data.cost:
        daily[p.day] = daily.get(p.day, 0.0) + p.usd
    today = daily.get(data.report_date)
    prior = [daily.get(data.report_date - timedelta(days=i), 0.0) for i in range(1, 8)]
    if today is not None:
        avg = sum(prior) / 7
        delta = (today - avg) / avg if avg else None
        detail = f"{delta:+.0%} vs 7-day average (${avg:,.0f})" if delta is not None else "no baseline"
        tone = "bad" if delta is not None and delta > 0.3 else ("warn" if delta is not None and delta > 0.1 else "neutral")
        figures.append(KeyFigure(label="Cost (list, USD)", value=f"${today:,.0f}", detail=detail, tone=tone))
    else:
        figures.append(KeyFigure(label="Cost (list, USD)", value="—", detail="no usage recorded"))
    day = next((r for r in data.runs if r.day == data.report_date), None)
    if day and day.success_rate is not None:
        tone = "good" if day.success_rate >= 0.97 else ("warn" if day.success_rate >= 0.9 else "bad")
        figures.append(KeyFigure(label="Job success", value=f"{day.success_rate:.1%}", detail=f"{day.failed} failed of {day.runs} runs", tone=tone))
    else:
        figures.append(KeyFigure(label="Job success", value="—", detail="no finished runs"))
    if day and day.sla_rate is not None:
        tone = "good" if day.sla_rate >= 0.95 else ("warn" if day.sla_rate >= 0.85 else "bad")
        figures.append(KeyFigure(label="SLA compliance", value=f"{day.sla_rate:.1%}", detail=f"{day.sla_met} of {day.sla_runs} runs with an SLA", tone=tone))
    else:
        figures.append(KeyFigure(label="SLA compliance", value="—", detail="no runs of jobs with a duration SLA"))
    return figures


def load_report_data(warehouse: Warehouse, store: OpsStore, report_at: datetime) -> ReportData:
    """Everything the report shows for a report made at `report_at` (UTC)."""
    report_at = as_utc(report_at)
    report_date, since = report_window(report_at)
    chart_start = report_date - timedelta(days=CHART_DAYS - 1)
    data = ReportData(
        report_date=report_date,
        report_at=report_at,
        findings_since=since,
        chart_start=chart_start,
        engine=warehouse.describe(),
        workspaces=_workspace_names(warehouse),
    )
    try:
        data.cost = load_cost(warehouse, chart_start, report_date)
    except QueryError as exc:
        data.data_errors.append(f"cost trend unavailable: {exc}")
    try:
        data.runs = load_runs(warehouse, chart_start, report_date)
    except QueryError as exc:
        data.data_errors.append(f"job run trends unavailable: {exc}")
    # Bounded reads: the window's runs, then only the findings they name.
    runs_by_domain = _latest_runs(store.read(HealthDomainRun, {"as_of": Since(since)}), since, report_at)
    data.domains = domain_statuses(runs_by_domain)
    wanted = sorted({fid for runs in runs_by_domain.values() for run in runs for fid in run.finding_ids})
    everything = report_findings(store.read(Finding, {"finding_id": In(wanted)}), runs_by_domain)
    # Informational findings report a state (top spenders, MTTR), not an anomaly: listed apart, not counted.
    all_findings = [f for f in everything if not f.informational]
    data.notes = [f for f in everything if f.informational][:MAX_NOTES]
    data.findings_total = len(all_findings)
    data.findings = all_findings[:MAX_FINDINGS]
    for f in all_findings:
        data.by_severity[f.severity] = data.by_severity.get(f.severity, 0) + 1
        data.by_domain[f.domain] = data.by_domain.get(f.domain, 0) + 1
    data.by_severity = dict(sorted(data.by_severity.items(), key=lambda kv: SEVERITY_ORDER.get(kv[0], 9)))
    data.key_figures = key_figures(data)
    return data


def _workspace_names(warehouse: Warehouse) -> dict[str, str]:
    """workspace_id -> name from the health settings (`HealthSettings.workspace_names`: the settings file or
    Variable; the simulator writes its workspace's names there); ids are shown where no name is known."""
    from include.health.workspace_settings import workspace_names

    return workspace_names(local_root(warehouse))
