"""`lakepilot sweep` and `lakepilot report`: the health monitor from the command line."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, cast

import typer

from cli.moments import parse_moment

if TYPE_CHECKING:
    from include.lakehouse.warehouse import Warehouse

SEVERITY_STYLE = {"critical": "bold red", "high": "red", "medium": "yellow", "low": "cyan"}


def default_as_of(lakehouse: str | None) -> tuple[datetime, str]:
    """Now, or where a local lakehouse's data ends when that lies in the past (with a note saying so)."""
    from include.config import lakehouse_root
    from include.lakehouse.about import data_ends_before

    now = datetime.now(UTC)
    end = data_ends_before(lakehouse_root(lakehouse), now)
    if end is not None:
        return end, f"as of {end:%Y-%m-%d %H:%M} UTC (where the local lakehouse's data ends)"
    return now, f"as of {now:%Y-%m-%d %H:%M} UTC (now)"


def _warehouse(lakehouse: str | None) -> Warehouse:
    from cli.output import open_warehouse

    return open_warehouse(lakehouse, require_data=True)


# `lakepilot sweep` exit codes: 0 every check ran, 1 a domain's sweep failed, 3 some checks could not run.
EXIT_CHECKS_NOT_RUN = 3


def register(app: typer.Typer) -> None:
    @app.command()
    def sweep(
        domain: str = typer.Option("all", "--domain", "-d", help="cost | security | performance | reliability | data_quality | mlops | all"),
        lakehouse: str | None = typer.Option(None, "--lakehouse", help="Local lakehouse directory."),
        as_of: str | None = typer.Option(None, "--as-of", help="Evaluate as of this date (end of day, UTC) or ISO datetime."),
        as_json: bool = typer.Option(False, "--json", help="Findings as JSON lines on stdout."),
        store: bool = typer.Option(True, "--store/--no-store", help="Store findings and analyses in lakepilot.ops."),
    ) -> None:
        """Run health checks, let each domain's agent explain them, and show (and store) the findings."""
        from rich.table import Table

        from agents.domains import analyse, analyst
        from agents.llm import LLMConfig, llm_mode_label
        from cli.output import banner, err, fail, json_line, out, progress
        from include.health.runner import run_domain
        from include.health.service import analyse_stored, sweep_and_store
        from include.ops.models import DOMAINS

        domains = list(DOMAINS) if domain == "all" else [domain]
        if any(d not in DOMAINS for d in domains):
            fail(f"unknown domain {domain!r}; use one of: {', '.join(DOMAINS)}, all")
        try:
            warehouse = _warehouse(lakehouse)
            llm = LLMConfig.from_env()
        except ValueError as exc:
            fail(str(exc))
        parsed = parse_moment(as_of, "--as-of")
        when, note = (parsed, f"as of {parsed:%Y-%m-%d %H:%M} UTC") if parsed else default_as_of(lakehouse)
        banner(f"engine: {warehouse.describe()} · agents: {llm_mode_label(llm)} · {note}")
        failures: list[str] = []
        results = []
        with progress() as bar:
            task = bar.add_task("sweeping", total=len(domains))
            for d in domains:
                bar.update(task, description=f"sweeping {d}")
                try:
                    if store:
                        sweep_and_store(warehouse, d, when)
                        analysis, _ = analyse_stored(warehouse, d, when, analyst=analyst(d, llm=llm))
                    else:
                        analysis = analyse(d, run_domain(warehouse, d, when), llm=llm, warehouse=warehouse)
                    results.append(analysis)
                except Exception as exc:  # one domain failing must not hide the others
                    failures.append(f"{d}: {exc}")
                bar.advance(task)
        for analysis in results:
            if as_json:
                for f in analysis.findings:
                    json_line({"domain": analysis.domain, "as_of": analysis.as_of.isoformat(), **f.model_dump(mode="json")})
                continue
            path = analysis.path + (f" (fallback: {analysis.fallback_reason})" if analysis.fallback_reason else "")
            table = Table(title=f"{analysis.domain}: {analysis.headline}", caption=f"analysis: {path}", title_justify="left", expand=False)
            for col in ("severity", "check", "entity", "summary", "recommendation"):
                table.add_column(col, overflow="fold")
            for f in analysis.findings:
                table.add_row(f"[{SEVERITY_STYLE.get(f.severity, '')}]{f.severity}[/]", f.check, f"{f.entity_type} {f.entity_id}", f.summary, f.recommendation)
            for e in analysis.errors:
                table.add_row("[magenta]error[/]", e.check, "", f"could not run: {e.error}", "")
            out.print(table)
        for failure in failures:
            err.print(f"[bold red]sweep failed[/bold red] {failure}")
        not_run = [(a.domain, e) for a in results for e in a.errors]
        if not_run:  # never silence: a check that could not run is a result of the sweep
            ran = sum(len(a.checks_run) for a in results)
            err.print(f"[bold magenta]{len(not_run)} of {ran} checks could not run[/bold magenta] "
                      f"(exit code {EXIT_CHECKS_NOT_RUN}):")
            for domain_name, e in not_run:
                err.print(f"  {domain_name}/{e.check}: {e.error}", markup=False, highlight=False)
        if failures:
            raise typer.Exit(1)
        if not_run:
            raise typer.Exit(EXIT_CHECKS_NOT_RUN)

    @app.command()
    def report(
        report_date: str | None = typer.Option(None, "--date", help="Report on this UTC day (default: the last complete day)."),
        lakehouse: str | None = typer.Option(None, "--lakehouse", help="Local lakehouse directory."),
        open_browser: bool = typer.Option(False, "--open", help="Open the report in a browser."),
        email: bool = typer.Option(False, "--email", help="E-mail it (smtp_default connection, else the local sink)."),
        to: str | None = typer.Option(None, "--to", help="Recipients, comma-separated (default: LAKEPILOT_REPORT_RECIPIENTS)."),
    ) -> None:
        """Render the daily health report, store it, print its path (and e-mail it with --email)."""
        import os
        import webbrowser
        from pathlib import Path

        from cli.output import banner, err, fail
        from include.notify.smtp import SmtpSettings
        from include.ops.store import get_ops_store
        from include.report.service import generate_report, send_report

        try:
            warehouse = _warehouse(lakehouse)
        except ValueError as exc:
            fail(str(exc))
        if report_date:
            # report_date is not empty, so parse_moment gives a datetime (or exits)
            report_at = cast(datetime, parse_moment(report_date, "--date"))
            note = f"report for {report_date}"
        else:
            report_at, note = default_as_of(lakehouse)
        banner(f"engine: {warehouse.describe()} · {note}")
        bundle, summary = generate_report(warehouse, report_at)
        err.print(bundle.text.split("\n\nTOP FINDINGS", 1)[0])
        if email:
            recipients = [r.strip() for r in (to or os.environ.get("LAKEPILOT_REPORT_RECIPIENTS") or "platform-team@example.com").split(",") if r.strip()]
            smtp = SmtpSettings.from_env()
            banner(f"mail: {smtp.describe()} → {', '.join(recipients)}")
            try:
                # An explicit --email sends again (resend); the mail is the stored report's snapshot.
                result = send_report(warehouse, report_at, recipients, smtp, store=get_ops_store(warehouse), resend=True)
            except (OSError, ValueError) as exc:
                fail(f"could not send the report via {smtp.describe()}: {exc}", code=1)
            err.print(f"e-mailed to {', '.join(result.accepted)}")
        print(summary.path)
        if open_browser and summary.path:
            webbrowser.open(Path(summary.path).as_uri())
