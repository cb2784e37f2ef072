"""The daily health report: render from the stored sweeps and system tables, store, write, e-mail.

Wiring only: the work is `include.report.service.generate_report` / `send_report`.
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta

from airflow.sdk import Asset, dag, task
from lakepilot_airflow.notifiers import failure_notifier

from include.schedules import schedule_from_env

REPORT_ASSET = Asset("lakepilot://reports/daily_health", group="lakepilot")
DEFAULT_SCHEDULE = "0 7 * * *"
DEFAULT_RECIPIENTS = "platform-team@example.com"


def _schedule() -> str | None:
    return schedule_from_env("LAKEPILOT_SCHEDULE_REPORT", DEFAULT_SCHEDULE)


DOC = f"""
### Daily platform health report
Renders LakePilot's daily report — cost trend per workspace (usage × list price), job success rate and
SLA compliance, failures per day, and the top findings of the last 24 hours by severity with evidence —
as one self-contained HTML file, stores it in `lakepilot.ops.health_reports` (MERGE by date: re-running
never duplicates) and under the reports directory, and e-mails it.

* **Schedule**: `{_schedule() or "manual"}` (UTC; env `LAKEPILOT_SCHEDULE_REPORT`). It runs on a clock,
  one hour after the daily sweeps (06:00), rather than on the sweeps' assets: the report must arrive every
  day even when a sweep failed or found nothing, and it says which domains did not run.
* **Covers** the last complete UTC day before the run (a 07:00 run reports on yesterday).
* **Waits for that day's sweeps** (`wait_for_sweeps`, a rescheduling sensor): it renders once every domain
  has a sweep in the 24 hours before the report, or `LAKEPILOT_REPORT_WAIT_MINUTES` (default 30) after the
  report time (or after the run started, if later), whichever is first. A domain already swept after the
  report time is not waited for (sweeps move forward: a DAG unpaused today runs its latest interval only). A report missing domains says so in its subject and first line; a day
  with no sweep at all is mailed as "NOT CHECKED", never as "no findings". The mail is the stored report
  (rendered from the data snapshot stored with it).
* **Recipients**: env `LAKEPILOT_REPORT_RECIPIENTS` or Variable `lakepilot_report_recipients`
  (comma-separated; `none` disables e-mail; default `{DEFAULT_RECIPIENTS}`), read inside the task.
  Each recipient gets a day's report once: a second run, a cleared task or a retry does not mail it
  again (trigger with conf `{{"resend": true}}` to send it anyway).
* **Mail**: the `smtp_default` connection (host/port/login/password, extra `from_email`, `disable_ssl`,
  `disable_tls`); with none, the local loopback sink (`lakepilot mail serve`, port `LAKEPILOT_SMTP_PORT`
  or 8025), which writes `.eml` files to the outbox.
* **Where to find it**: the LakePilot tab of this Airflow (`/lakepilot/report?date=…`, from the UI plugin); the
  `render` task's log prints the summary, the file path and that link; its XCom holds path, link and counts;
  the asset `lakepilot://reports/daily_health` carries them as event extra.
"""


def _report_url(report_date: str) -> str | None:
    """The report's page in LakePilot's Airflow UI plugin (`/lakepilot/report`), when the API base URL is known."""
    try:
        from airflow.configuration import conf

        base = conf.get("api", "base_url", fallback="") or ""
    except Exception:  # no core config in this worker: the file path is still logged
        base = ""
    return f"{base.rstrip('/')}/lakepilot/report?date={report_date}" if base.startswith("http") else None


def _report_at(context) -> datetime:
    return context.get("data_interval_end") or context["dag_run"].run_after


@dag(
    dag_id="daily_health_report",
    schedule=_schedule(),
    start_date=datetime(2026, 1, 1),
    catchup=False,
    max_active_runs=1,
    tags=["lakepilot", "health", "report"],
    doc_md=DOC,
    default_args={"on_failure_callback": failure_notifier(), "retries": 2, "retry_delay": timedelta(minutes=5), "owner": "lakepilot"},
)
def daily_health_report():
    @task.sensor(poke_interval=30, timeout=timedelta(hours=6), mode="reschedule")
    def wait_for_sweeps(**context):
        import logging
        from datetime import UTC

        from airflow.sdk import PokeReturnValue
        from lakepilot_airflow.connections import resolve_warehouse

        from include.report.service import sweeps_for_report

        report_at = _report_at(context)
        sweeps = sweeps_for_report(resolve_warehouse(), report_at)
        # Counted from when this run started, not from the report time: a run created late (a DAG just
        # unpaused, a catch-up) still gives the sweeps started with it the time to finish.
        started = context["dag_run"].start_date or datetime.now(UTC)
        deadline = max(report_at, started) + timedelta(minutes=int(os.environ.get("LAKEPILOT_REPORT_WAIT_MINUTES") or 30))
        done = not sweeps.waiting or datetime.now(UTC) >= deadline
        passed = f" ({', '.join(sweeps.passed)} swept only after the report time: none will come)" if sweeps.passed else ""
        logging.getLogger(__name__).info("sweeps in the report window: %s missing%s%s", ", ".join(sweeps.missing) or "none",
                                         passed, "; rendering now" if done else f"; waiting until {deadline:%H:%M} UTC at most")
        return PokeReturnValue(is_done=done, xcom_value={"missing": sweeps.missing})

    @task(execution_timeout=timedelta(minutes=30))
    def render(**context) -> dict:
        import logging

        from lakepilot_airflow.connections import resolve_warehouse

        from include.report.service import generate_report

        bundle, summary = generate_report(resolve_warehouse(), _report_at(context))
        url = _report_url(summary.report_date)
        log = logging.getLogger(__name__)
        log.info("health report for %s written to %s%s", summary.report_date, summary.path, f" · view it at {url}" if url else "")
        log.info("report summary:\n%s", bundle.text)
        return summary.model_dump(mode="json") | {"url": url}

    @task(retries=3, retry_delay=timedelta(minutes=5), outlets=[REPORT_ASSET])
    def email(summary: dict, **context) -> dict:
        import logging

        from airflow.sdk import Variable
        from lakepilot_airflow.connections import resolve_smtp, resolve_warehouse

        from include.report.service import send_report

        log = logging.getLogger(__name__)
        raw = os.environ.get("LAKEPILOT_REPORT_RECIPIENTS") or Variable.get("lakepilot_report_recipients", default=None) or DEFAULT_RECIPIENTS
        recipients = [r.strip() for r in raw.split(",") if r.strip() and r.strip().lower() != "none"]
        extra = {"report_date": summary["report_date"], "path": summary["path"], "url": summary.get("url"),
                 "findings": summary["findings"], "by_severity": summary["by_severity"]}
        context["outlet_events"][REPORT_ASSET].extra = extra
        if not recipients:
            log.info("e-mail disabled (recipients: none); report at %s", summary["path"])
            return extra | {"emailed_to": []}
        smtp = resolve_smtp()
        log.info("sending the report to %s via %s", ", ".join(recipients), smtp.describe())
        resend = bool((context["dag_run"].conf or {}).get("resend"))
        result = send_report(resolve_warehouse(), _report_at(context), recipients, smtp, resend=resend)
        return extra | {"emailed_to": result.accepted, "refused": list(result.refused)}

    waited = wait_for_sweeps()
    rendered = render()
    waited >> rendered
    email(rendered)


daily_health_report()
