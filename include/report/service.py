"""Make the daily report: gather, chart, render, store (MERGE by date), write the file, e-mail it."""

from __future__ import annotations

import logging
import os
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from include.clock import as_utc, utcnow
from include.config import reports_dir
from include.notify.message import Attachment, build_message
from include.notify.smtp import SendResult, SmtpSettings, send_message
from include.ops.models import HealthReport
from include.ops.store import OpsStore, get_ops_store
from include.report.charts import ChartImage, cost_chart, failures_chart, reliability_chart
from include.report.data import load_report_data
from include.report.models import ReportData, report_window
from include.report.render import render_html, render_text

log = logging.getLogger(__name__)


class ReportBundle(BaseModel):
    """A rendered report and what it was made from."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    data: ReportData
    charts: list[ChartImage]
    html: str
    text: str
    generated_at: datetime

    @property
    def filename(self) -> str:
        return f"health-report-{self.data.report_date.isoformat()}.html"


class ReportSummary(BaseModel):
    """Small JSON-able result for XCom, the CLI and logs."""

    report_date: str
    path: str | None
    findings: int
    by_severity: dict[str, int]
    by_domain: dict[str, int]
    domains_not_run: list[str]
    data_errors: int
    emailed_to: list[str] = []


class SweepWait(BaseModel):
    """Which domains the report for a moment still lacks, and which of those it is worth waiting for."""

    missing: list[str]  # no sweep in the report's window
    # Of those, swept only after the report time: sweeps move forward, so no sweep of the report's window
    # will come (a DAG unpaused today runs its latest interval, e.g. the hourly security sweep of 22:00,
    # not the one before this morning's report). Waiting for them would only delay the report.
    passed: list[str] = []

    @property
    def waiting(self) -> list[str]:
        return [d for d in self.missing if d not in self.passed]


def sweeps_for_report(warehouse: Any, report_at: datetime, store: OpsStore | None = None) -> SweepWait:
    """The domains with no sweep in the report's window yet (the report waits for them, up to a deadline)."""
    from include.health.records import HealthDomainRun
    from include.ops.filters import Since
    from include.ops.models import DOMAINS

    store = store or get_ops_store(warehouse)
    _, since = report_window(report_at)
    until = as_utc(report_at)
    runs = store.read(HealthDomainRun, {"as_of": Since(since)})
    swept = {r.domain for r in runs if since < as_utc(r.as_of) <= until}
    later = {r.domain for r in runs if as_utc(r.as_of) > until}
    missing = [d for d in DOMAINS if d not in swept]
    return SweepWait(missing=missing, passed=[d for d in missing if d in later])


def domains_not_swept(warehouse: Any, report_at: datetime, store: OpsStore | None = None) -> list[str]:
    """Domains with no sweep in the report's window."""
    return sweeps_for_report(warehouse, report_at, store).missing


def _charts(data: ReportData) -> list[ChartImage]:
    cost_missing = any(e.startswith("cost") for e in data.data_errors)
    runs_missing = any(e.startswith("job run") for e in data.data_errors)
    return [
        cost_chart(data.cost, data.chart_start, data.report_date, data.workspaces, unavailable=cost_missing),
        reliability_chart(data.runs, data.chart_start, data.report_date, unavailable=runs_missing),
        failures_chart(data.runs, data.chart_start, data.report_date, unavailable=runs_missing),
    ]


def build_bundle(warehouse: Any, report_at: datetime, store: OpsStore | None = None) -> ReportBundle:
    """Gather the data and render both HTML and text (nothing is stored or sent)."""
    store = store or get_ops_store(warehouse)
    data = load_report_data(warehouse, store, report_at)
    charts = _charts(data)
    generated_at = utcnow()
    return ReportBundle(
        data=data,
        charts=charts,
        html=render_html(data, charts, generated_at=generated_at, images="data"),
        text=render_text(data, generated_at=generated_at),
        generated_at=generated_at,
    )


def _write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(tmp, path)


def _summary(bundle: ReportBundle, path: str | None, emailed_to: list[str] | None = None) -> ReportSummary:
    data = bundle.data
    return ReportSummary(
        report_date=data.report_date.isoformat(),
        path=path,
        findings=data.findings_total,
        by_severity=data.by_severity,
        by_domain=data.by_domain,
        domains_not_run=[d.domain for d in data.domains if d.state == "not_run"],
        data_errors=len(data.data_errors),
        emailed_to=emailed_to or [],
    )


def stored_bundle(row: HealthReport) -> ReportBundle:
    """The bundle of a stored report, rendered again from its data snapshot (charts, mail HTML, text)."""
    data = ReportData.model_validate(row.data)
    charts = _charts(data)
    return ReportBundle(data=data, charts=charts, html=row.html, text=render_text(data, generated_at=row.generated_at),
                        generated_at=row.generated_at)


def generate_report(
    warehouse: Any, report_at: datetime, *, store: OpsStore | None = None, out_dir: Path | None = None
) -> tuple[ReportBundle, ReportSummary]:
    """Render the report, write it to `<reports_dir>/health-report-<date>.html`, and MERGE its row.

    Re-running for the same date overwrites the file and updates the one `health_reports` row.
    """
    store = store or get_ops_store(warehouse)
    bundle = build_bundle(warehouse, report_at, store)
    path = (out_dir or reports_dir()) / bundle.filename
    _write_atomic(path, bundle.html)
    previous = store.read(HealthReport, {"report_date": bundle.data.report_date})
    record = HealthReport(
        report_date=bundle.data.report_date,
        generated_at=bundle.generated_at,
        title=bundle.data.title,
        html=bundle.html,
        path=str(path),
        findings_by_severity=bundle.data.by_severity,
        findings_by_domain=bundle.data.by_domain,
        # Keep who already received this date's report: a re-render is not a re-send.
        emailed_to=previous[0].emailed_to if previous else [],
        warehouse=bundle.data.engine,
        data=bundle.data.model_dump(mode="json"),
        coverage=bundle.data.coverage,
    )
    store.upsert([record])
    log.info("health report for %s written to %s (%d findings)", bundle.data.report_date, path, bundle.data.findings_total)
    return bundle, _summary(bundle, str(path), record.emailed_to)


def email_report(
    bundle: ReportBundle,
    recipients: list[str],
    smtp: SmtpSettings,
    *,
    store: OpsStore | None = None,
) -> SendResult:
    """Send the report (charts inline as PNG, the standalone HTML attached) and record the recipients."""
    html = render_html(bundle.data, bundle.charts, generated_at=bundle.generated_at, images="cid")
    attachments = [
        Attachment(filename=f"{c.name}.png", content=c.png, mime_type="image/png", inline=True, content_id=c.name)
        for c in bundle.charts
    ]
    attachments.append(Attachment(filename=bundle.filename, content=bundle.html.encode(), mime_type="text/html"))
    msg = build_message(bundle.data.subject, recipients, html, bundle.text, attachments, sender=smtp.sender)
    result = send_message(msg, smtp)
    if store is not None:
        rows = store.read(HealthReport, {"report_date": bundle.data.report_date})
        if rows:
            row = rows[0]
            row.emailed_to = sorted(set(row.emailed_to) | set(result.accepted))
            store.upsert([row])
    return result


def send_report(
    warehouse: Any,
    report_at: datetime,
    recipients: list[str],
    smtp: SmtpSettings,
    *,
    store: OpsStore | None = None,
    resend: bool = False,
) -> SendResult:
    """E-mail the stored report of `report_at`'s date and record the recipients.

    The report's row must exist (run `generate_report` first); sending never creates one. The mail is
    rendered from the data snapshot stored with the report, so it says exactly what the stored report
    says even when sweeps finished in between. Recipients who already received this date's report
    are skipped unless `resend`: a second run, a cleared task or a retry after a partial failure
    never mails anyone twice.
    """
    store = store or get_ops_store(warehouse)
    report_date = report_window(report_at)[0]
    rows = store.read(HealthReport, {"report_date": report_date})
    if not rows:
        raise LookupError(f"no stored health report for {report_date}; render it before e-mailing")
    bundle = stored_bundle(rows[0]) if rows[0].data else build_bundle(warehouse, report_at, store)
    pending = recipients if resend else [r for r in recipients if r not in set(rows[0].emailed_to)]
    if not pending:
        log.info("the %s report was already sent to %s; not sending again", bundle.data.report_date, ", ".join(recipients))
        return SendResult(accepted=[], server=smtp.describe())
    return email_report(bundle, pending, smtp, store=store)
