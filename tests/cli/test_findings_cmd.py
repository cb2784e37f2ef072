"""`lakepilot findings`: list unresolved issues and change their status from the shell, with who and why."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from typer.testing import CliRunner

from cli.main import app
from include.health.lifecycle import FindingEvent, record_sweep
from include.ops.models import Finding
from include.ops.store import LocalOpsStore

T0 = datetime(2026, 5, 10, 6, tzinfo=UTC)
runner = CliRunner()


def test_list_and_resolve_from_the_shell(lakehouse, monkeypatch) -> None:
    store = LocalOpsStore(lakehouse)
    finding = Finding(domain="data_quality", check="stale_table", severity="high", entity_type="table",
                      entity_id="main.sales.orders", window_start=T0 - timedelta(days=1), window_end=T0, metric="m",
                      summary="stale", recommendation="r")
    record_sweep(store, "data_quality", [finding], ["stale_table"], T0)
    listed = runner.invoke(app, ["findings", "--lakehouse", str(lakehouse), "--json"])
    assert listed.exit_code == 0, listed.output
    [issue] = [json.loads(line) for line in listed.stdout.splitlines()]
    assert issue["status"] == "open" and issue["entity_id"] == "main.sales.orders"
    monkeypatch.setenv("LAKEPILOT_USER", "carol")
    refused = runner.invoke(app, ["findings", "snooze", issue["issue_key"], "--why", "later", "--lakehouse", str(lakehouse)])
    assert refused.exit_code == 2 and "a snooze needs an end time" in refused.output
    done = runner.invoke(app, ["findings", "resolve", issue["issue_key"], "--why", "table retired",
                               "--lakehouse", str(lakehouse)])
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout) == {"issue_key": issue["issue_key"], "status": "resolved", "by": "carol",
                                       "reason": "table retired"}
    assert runner.invoke(app, ["findings", "--lakehouse", str(lakehouse), "--json"]).stdout == ""
    assert [e.by for e in store.read(FindingEvent) if e.to_status == "resolved"] == ["carol"]
