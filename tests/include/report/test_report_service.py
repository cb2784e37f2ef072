"""The report end to end on a real local lakehouse: render, store (MERGE by date), file, e-mail."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest

from include.config import outbox_dir, reports_dir
from include.lakehouse.warehouse import LocalWarehouse
from include.notify.message import html_part
from include.notify.outbox import list_outbox, load_message
from include.notify.sink import MailSink
from include.notify.smtp import SmtpSettings
from include.ops.models import HealthReport
from include.ops.store import LocalOpsStore
from include.report.service import generate_report, send_report
from tests.include.report import sample_data as sd
from tests.include.report import sample_ops as so

AS_OF = datetime(2026, 5, 10, 6, tzinfo=UTC)
REPORT_AT = datetime(2026, 5, 10, 7, tzinfo=UTC)


@pytest.fixture
def env(lakehouse):
    sd.build(lakehouse, date(2026, 5, 9))
    store = LocalOpsStore(lakehouse)
    findings = so.findings_for(AS_OF)
    store.upsert(findings)
    store.upsert(so.domain_runs(AS_OF, findings))
    return LocalWarehouse(lakehouse), store


def test_report_is_written_stored_once_and_self_contained(env) -> None:
    warehouse, store = env
    bundle, summary = generate_report(warehouse, REPORT_AT, store=store)
    assert summary.report_date == "2026-05-09"
    assert summary.path == str(reports_dir() / "health-report-2026-05-09.html")
    assert summary.by_severity == {"critical": 1, "high": 1, "medium": 1, "low": 1}
    assert summary.domains_not_run == ["mlops"]
    html = (reports_dir() / "health-report-2026-05-09.html").read_text()
    # Self-contained: three charts as SVG data URIs, nothing fetched from the network.
    assert html.count('src="data:image/svg+xml;base64,') == 3
    assert not re.search(r'(src|href)="https?://', html)
    # Findings ordered by severity, secrets gone, the e-mail the finding is about kept.
    order = [html.index(s) for s in ("admin_grant", "sku_spike", "repeated_failures", "slow_queries")]
    assert order == sorted(order)
    assert "dapi0123456789" not in html and "[REDACTED" in html
    assert "eve@example.com" in html
    assert "Because admin_grant crossed its threshold." in html
    assert "could not check table_freshness" in html
    generate_report(warehouse, REPORT_AT, store=store)
    rows = store.read(HealthReport)
    assert len(rows) == 1 and rows[0].report_date == date(2026, 5, 9)
    assert rows[0].findings_by_domain == {"security": 1, "cost": 1, "reliability": 1, "performance": 1}
    assert rows[0].path == summary.path
    assert rows[0].html == (reports_dir() / "health-report-2026-05-09.html").read_text()
    assert len(list(reports_dir().glob("*.html"))) == 1


def test_findings_outside_the_window_are_not_reported(env) -> None:
    warehouse, store = env
    _, summary = generate_report(warehouse, datetime(2026, 5, 12, 7, tzinfo=UTC), store=store)
    assert summary.findings == 0
    assert sorted(summary.domains_not_run) == sorted(["cost", "security", "performance", "reliability", "data_quality", "mlops"])


def test_report_without_system_tables_says_what_is_missing(lakehouse) -> None:
    bundle, summary = generate_report(LocalWarehouse(lakehouse), REPORT_AT, store=LocalOpsStore(lakehouse))
    assert summary.data_errors == 2
    html = (reports_dir() / "health-report-2026-05-09.html").read_text()
    assert "cost trend unavailable" in html and "system.billing.usage not found" in html
    # The charts say the data is missing rather than drawing a calm, empty period.
    charts = {c.name: c for c in bundle.charts}
    assert all(c.empty for c in charts.values())
    assert {c.note for c in charts.values()} == {"data unavailable (see Data notes)"}


def test_report_is_emailed_through_a_real_sink_and_recipients_recorded(env) -> None:
    warehouse, store = env
    with MailSink(port=0) as sink:  # the DAG's two steps: render and store, then mail the stored report
        generate_report(warehouse, REPORT_AT, store=store)
        result = send_report(warehouse, REPORT_AT, ["platform-team@example.com"],
                             SmtpSettings(port=sink.port, local_sink=True), store=store)
    assert result.accepted == ["platform-team@example.com"]
    [item] = list_outbox()
    # The sample has no MLOps sweep: the subject says the report is partial.
    assert item.subject == "[LakePilot] Platform health 09 May 2026: 1 critical (partial: 5 of 6 domains checked)"
    assert item.attachments[-1] == "health-report-2026-05-09.html"
    msg = load_message(outbox_dir() / item.path.rsplit("/", 1)[-1])
    body = html_part(msg)
    assert body.count('src="cid:') == 3 and "admin_grant" in body
    cids = {p["Content-ID"] for p in msg.walk() if p["Content-ID"]}
    assert cids == {"<cost_trend>", "<reliability_trend>", "<failures_per_day>"}
    assert store.read(HealthReport)[0].emailed_to == ["platform-team@example.com"]
    # Re-rendering keeps the record of who already got it.
    generate_report(warehouse, REPORT_AT, store=store)
    assert store.read(HealthReport)[0].emailed_to == ["platform-team@example.com"]


def test_the_mail_is_the_stored_report_even_when_sweeps_finish_in_between(env) -> None:
    from include.health.records import HealthDomainRun

    warehouse, store = env
    _, summary = generate_report(warehouse, REPORT_AT, store=store)
    stored = store.read(HealthReport)[0]
    assert summary.domains_not_run == ["mlops"] and stored.coverage == "partial"
    assert "Partial report: 5 of 6 domains were checked; not checked: mlops." in stored.html
    # The MLOps sweep lands after the report was rendered and stored, before it is mailed.
    store.upsert([HealthDomainRun(domain="mlops", as_of=AS_OF, window_start=AS_OF - timedelta(days=1), window_end=AS_OF,
                                  checks_run=["x"], analysed=True, headline="0 findings")])
    with MailSink(port=0) as sink:
        send_report(warehouse, REPORT_AT, ["a@example.com"], SmtpSettings(port=sink.port, local_sink=True), store=store)
    [item] = list_outbox()
    assert item.subject.endswith("(partial: 5 of 6 domains checked)")
    body = html_part(load_message(outbox_dir() / item.path.rsplit("/", 1)[-1]))
    assert "not checked: mlops" in body


def test_a_day_with_nothing_checked_is_never_mailed_as_no_findings(lakehouse) -> None:
    warehouse, store = LocalWarehouse(lakehouse), LocalOpsStore(lakehouse)
    sd.build(lakehouse, date(2026, 5, 9))
    generate_report(warehouse, REPORT_AT, store=store)
    with MailSink(port=0) as sink:
        send_report(warehouse, REPORT_AT, ["a@example.com"], SmtpSettings(port=sink.port, local_sink=True), store=store)
    [item] = list_outbox()
    assert item.subject == "[LakePilot] Platform health 09 May 2026: NOT CHECKED (no domain was swept)"
    assert "no findings" not in item.subject
    text = store.read(HealthReport)[0].html
    assert "Nothing was checked: no domain was swept in the 24 hours before this report" in text


def test_informational_findings_are_listed_apart_and_not_counted(lakehouse) -> None:
    from datetime import timedelta

    from include.ops.models import Finding

    store = LocalOpsStore(lakehouse)
    findings = so.findings_for(AS_OF)
    note = Finding(domain="cost", check="top_contributors", severity="low", entity_type="workspace", entity_id="1001",
                   window_start=AS_OF - timedelta(days=1), window_end=AS_OF, metric="spend_usd", observed=900.0,
                   summary="Workspace 1001 spent $900; top contributor job 7", recommendation="Informational.",
                   evidence={"informational": True})
    runs = so.domain_runs(AS_OF, findings)
    cost = next(r for r in runs if r.domain == "cost")
    cost.finding_ids = [*cost.finding_ids, note.finding_id]
    store.upsert([*findings, note])
    store.upsert(runs)
    bundle, summary = generate_report(LocalWarehouse(lakehouse), REPORT_AT, store=store)
    assert summary.findings == 4 and summary.by_domain["cost"] == 1
    assert [n.check for n in bundle.data.notes] == ["top_contributors"]
    assert "top_contributors" not in [f.check for f in bundle.data.findings]
    assert "For information" in bundle.html and "Workspace 1001 spent $900" in bundle.html
    assert "FOR INFORMATION" in bundle.text


def test_a_days_report_is_mailed_to_each_recipient_once_unless_resent(env) -> None:
    warehouse, store = env
    generate_report(warehouse, REPORT_AT, store=store)
    first, second = "platform-team@example.com", "finops@example.com"
    with MailSink(port=0) as sink:
        smtp = SmtpSettings(port=sink.port, local_sink=True)
        assert send_report(warehouse, REPORT_AT, [first], smtp, store=store).accepted == [first]
        # A second run (or a retried/cleared task) for the same day: only the new recipient gets it.
        assert send_report(warehouse, REPORT_AT, [first, second], smtp, store=store).accepted == [second]
        assert send_report(warehouse, REPORT_AT, [first, second], smtp, store=store).accepted == []
        assert send_report(warehouse, REPORT_AT, [first], smtp, store=store, resend=True).accepted == [first]
    assert len(list_outbox()) == 3
    assert store.read(HealthReport)[0].emailed_to == sorted([first, second])


def test_the_report_knows_which_domains_it_still_waits_for(env) -> None:
    from include.report.service import domains_not_swept

    warehouse, store = env
    assert domains_not_swept(warehouse, REPORT_AT, store) == ["mlops"]
    # A day later none of these sweeps is inside the window any more.
    assert len(domains_not_swept(warehouse, REPORT_AT + timedelta(days=1), store)) == 6


def test_a_domain_swept_only_after_the_report_time_is_not_waited_for(env) -> None:
    """Unpausing an hourly DAG at 22:00 runs the 22:00 sweep, never the one before the 07:00 report."""
    from include.health.records import HealthDomainRun
    from include.report.service import sweeps_for_report

    warehouse, store = env
    assert sweeps_for_report(warehouse, REPORT_AT, store).waiting == ["mlops"]
    later = REPORT_AT + timedelta(hours=15)
    store.upsert([HealthDomainRun(domain="mlops", as_of=later, window_start=later - timedelta(hours=1), window_end=later,
                                  checks_run=["x"], analysed=True, headline="0 findings")])
    wait = sweeps_for_report(warehouse, REPORT_AT, store)
    assert (wait.missing, wait.passed, wait.waiting) == (["mlops"], ["mlops"], [])
    # A sweep exactly at the start of the window belongs to the report before (its window ends there).
    store.upsert([HealthDomainRun(domain="mlops", as_of=REPORT_AT - timedelta(days=1), window_start=REPORT_AT - timedelta(days=1, hours=1),
                                  window_end=REPORT_AT - timedelta(days=1), checks_run=["x"], analysed=True, headline="0")])
    assert sweeps_for_report(warehouse, REPORT_AT, store).missing == ["mlops"]
    # The report for the next morning counts that sweep as its own.
    assert sweeps_for_report(warehouse, REPORT_AT + timedelta(days=1), store).missing == [
        "cost", "security", "performance", "reliability", "data_quality"]
