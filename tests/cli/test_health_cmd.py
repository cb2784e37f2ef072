"""`lakepilot report`, `lakepilot mail serve|list` (and `sweep` argument handling) through the real CLI."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from cli.moments import parse_moment
from include.config import outbox_dir, reports_dir
from include.notify.message import build_message
from include.notify.smtp import SmtpSettings, send_message
from include.ops.models import HealthReport
from include.ops.store import LocalOpsStore
from tests.include.report import sample_data as sd
from tests.include.report import sample_ops as so

runner = CliRunner()


@pytest.fixture
def filled(lakehouse: Path) -> Path:
    sd.build(lakehouse, date(2026, 5, 9))
    store = LocalOpsStore(lakehouse)
    as_of = datetime(2026, 5, 9, 6, tzinfo=UTC)
    findings = so.findings_for(as_of)
    store.upsert(findings)
    store.upsert(so.domain_runs(as_of, findings))
    return lakehouse


def test_report_prints_the_path_and_stores_one_row(filled: Path) -> None:
    for _ in range(2):
        result = runner.invoke(app, ["report", "--date", "2026-05-09", "--lakehouse", str(filled)])
        assert result.exit_code == 0, result.output
    path = reports_dir() / "health-report-2026-05-09.html"
    assert result.stdout.strip().splitlines()[-1] == str(path)
    assert "local lakehouse" in result.stderr and "Findings (24 h): 4" in result.stderr
    assert len(LocalOpsStore(filled).read(HealthReport)) == 1


def test_report_email_goes_through_the_sink(filled: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from include.notify.sink import MailSink

    with MailSink(port=0) as sink:
        monkeypatch.setenv("LAKEPILOT_SMTP_PORT", str(sink.port))
        result = runner.invoke(app, ["report", "--date", "2026-05-09", "--lakehouse", str(filled), "--email",
                                     "--to", "a@example.com,platform-team@example.com"])
    assert result.exit_code == 0, result.output
    assert "local mail sink" in result.stderr and "e-mailed to a@example.com" in result.stderr
    listed = runner.invoke(app, ["mail", "list", "--json"])
    [item] = [json.loads(line) for line in listed.stdout.splitlines()]
    assert item["subject"].startswith("[LakePilot] Platform health 09 May 2026") and "a@example.com" in item["to"]
    table = runner.invoke(app, ["mail", "list"]).stdout  # 80 columns (rich's width off a terminal)
    assert max(len(line) for line in table.splitlines()) <= 80, table
    assert "a@example.com +1" in table and "2026-" in table


def test_report_email_to_a_dead_sink_fails_clearly(filled: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("LAKEPILOT_SMTP_PORT", str(port))
    result = runner.invoke(app, ["report", "--date", "2026-05-09", "--lakehouse", str(filled), "--email"])
    assert result.exit_code == 1
    assert "could not send the report" in result.stderr


def test_sweep_rejects_an_unknown_domain() -> None:
    result = runner.invoke(app, ["sweep", "--domain", "finance"])
    assert result.exit_code == 2 and "unknown domain 'finance'" in result.stderr


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-05-09", datetime(2026, 5, 10, tzinfo=UTC)),
        ("2026-05-09T06:00", datetime(2026, 5, 9, 6, tzinfo=UTC)),
        ("2026-05-09T08:00+02:00", datetime(2026, 5, 9, 6, tzinfo=UTC)),
    ],
)
def test_as_of_parsing(text: str, expected: datetime) -> None:
    assert parse_moment(text, "--as-of") == expected
    assert parse_moment(text[:10], "--since", "start_of_day") == datetime(2026, 5, 9, tzinfo=UTC)


def _ignore_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # what a child of a script's background job inherits


@pytest.mark.parametrize(
    ("stop_with", "inherit_ignored_sigint"),
    [(signal.SIGINT, False), (signal.SIGINT, True), (signal.SIGTERM, False)],
    ids=["ctrl-c", "ctrl-c-with-sigint-ignored-by-the-parent", "sigterm"],
)
def test_mail_serve_runs_until_interrupted(lakepilot_home: Path, stop_with: int, inherit_ignored_sigint: bool) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "cli.main", "mail", "serve", "--port", str(port)],
        env=dict(os.environ), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        preexec_fn=_ignore_sigint if inherit_ignored_sigint else None,  # noqa: PLW1509 - test only, no threads involved
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert proc.poll() is None and time.monotonic() < deadline, proc.stderr.read() if proc.stderr else ""
                time.sleep(0.2)
        send_message(build_message("hello from the test", "x@example.com", "<p>hi</p>", "hi"), SmtpSettings(port=port))
    finally:
        proc.send_signal(stop_with)
        try:
            _, err = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise
    err = " ".join(err.split())
    assert f"mail sink on 127.0.0.1:{port}" in err
    assert f"stopping the mail sink ({signal.Signals(stop_with).name})" in err and proc.returncode == 0
    assert "hello-from-the-test" in next(outbox_dir().glob("*.eml")).name


def test_sweep_on_a_simulated_workspace_prints_json_lines_and_stores(lakehouse: Path) -> None:
    from include.ops.models import Finding
    from include.simulator.generate import generate_workspace

    generate_workspace(lakehouse, 10, "small", 3, end=date(2026, 3, 10))
    args = ["sweep", "--domain", "reliability", "--lakehouse", str(lakehouse), "--as-of", "2026-03-10", "--json"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert lines and {line["domain"] for line in lines} == {"reliability"}
    assert all(line["as_of"] == "2026-03-11T00:00:00+00:00" and line["explanation"] for line in lines)
    assert "deterministic (no LLM configured)" in result.stderr and "as of 2026-03-11 00:00 UTC" in result.stderr
    assert len(LocalOpsStore(lakehouse).read(Finding)) == len(lines)
    human = runner.invoke(app, args[:-1])
    assert human.exit_code == 0 and "reliability:" in human.stdout
    assert len(LocalOpsStore(lakehouse).read(Finding)) == len(lines)  # the second sweep updated, not added


def test_a_sweep_whose_checks_could_not_all_run_says_which_and_exits_3(lakehouse: Path) -> None:
    from include.health.records import HealthDomainRun
    from include.simulator.generate import generate_workspace
    from include.simulator.vintage import drop_columns

    generate_workspace(lakehouse, 10, "small", 3, end=date(2026, 3, 10))
    drop_columns(lakehouse, "system.compute.node_timeline", ("cpu_user_percent",))  # a partial export
    args = ["sweep", "--domain", "all", "--lakehouse", str(lakehouse), "--as-of", "2026-03-10", "--json"]
    result = runner.invoke(app, args)
    assert result.exit_code == 3, result.output
    err = " ".join(result.stderr.split())
    assert re.search(r"\b2 of \d+ checks could not run \(exit code 3\)", err), err
    assert "cost/idle_all_purpose: could not run: the tables lack system.compute.node_timeline.cpu_user_percent" in err
    assert "performance/cluster_utilisation: could not run" in err
    assert [json.loads(line) for line in result.stdout.splitlines()]  # the other checks' findings are there
    runs = {r.domain: r for r in LocalOpsStore(lakehouse).read(HealthDomainRun)}
    assert runs["cost"].checks_not_run == 1 and runs["cost"].errors[0]["kind"] == "schema"
    assert runs["security"].checks_not_run == 0


@pytest.mark.parametrize("command", [["sweep", "--domain", "cost"], ["report"], ["ask", "did jobs fail?"]])
def test_reading_a_lakehouse_that_is_not_there_is_a_clear_error(command: list[str], tmp_path: Path) -> None:
    missing = tmp_path / "no-such-lakehouse"
    result = runner.invoke(app, [*command, "--lakehouse", str(missing)])
    assert result.exit_code == 2
    text = " ".join(result.output.split())
    assert f"lakehouse {missing} does not exist" in text and "--lakehouse" in text
    assert not missing.exists()
