"""`lakepilot findings`: the issues behind the findings, and people's decisions about them.

    lakepilot findings [--all] [--domain D] [--json]       unresolved issues (open or acknowledged)
    lakepilot findings ack|resolve|snooze|reopen KEY --why TEXT [--until TIME]

Who decided is `LAKEPILOT_USER`, else the login name; every change is recorded with the reason in
`lakepilot.ops.finding_events` (see include/health/lifecycle.py).
"""

from __future__ import annotations

import getpass
import os
from typing import Any

import typer

from cli.moments import parse_moment

ACTIONS = {"ack": "acknowledge", "resolve": "resolve", "snooze": "snooze", "reopen": "reopen"}


def _store(lakehouse: str | None) -> Any:
    from cli.output import open_warehouse
    from include.ops.store import get_ops_store

    return get_ops_store(open_warehouse(lakehouse), lakehouse=lakehouse)


def _who() -> str:
    return os.environ.get("LAKEPILOT_USER") or getpass.getuser()


def register(app: typer.Typer) -> None:
    findings_app = typer.Typer(help="Findings' issues: list them, acknowledge, resolve, snooze or reopen.",
                               invoke_without_command=True, no_args_is_help=False)
    app.add_typer(findings_app, name="findings")

    @findings_app.callback()
    def listing(
        ctx: typer.Context,
        show_all: bool = typer.Option(False, "--all", help="Every issue, resolved, snoozed and expired ones too."),
        domain: str | None = typer.Option(None, "--domain", help="One domain only."),
        lakehouse: str | None = typer.Option(None, "--lakehouse", help="Local lakehouse directory."),
        as_json: bool = typer.Option(False, "--json", help="One JSON object per issue."),
    ) -> None:
        """Unresolved issues (open or acknowledged), most severe first."""
        if ctx.invoked_subcommand is not None:
            return
        from rich.table import Table

        from cli.output import banner, json_line, out
        from include.health.lifecycle import FindingState, unresolved
        from include.ops.models import SEVERITY_ORDER

        store = _store(lakehouse)
        banner(f"issues in {store.describe()}")
        rows = store.read(FindingState, {"domain": domain} if domain else None) if show_all else unresolved(store, domain)
        rows.sort(key=lambda s: (SEVERITY_ORDER.get(s.severity, 9), s.domain, s.check, s.entity_id))
        if as_json:
            for s in rows:
                json_line(s.model_dump(mode="json"))
            return
        table = Table(title=f"{len(rows)} {'issue(s)' if show_all else 'unresolved issue(s)'}", title_justify="left")
        for col in ("key", "severity", "status", "check", "entity", "last seen"):
            table.add_column(col, overflow="fold")
        for s in rows:
            table.add_row(s.issue_key, s.severity, s.status, f"{s.domain}/{s.check}", s.entity_id,
                          f"{s.last_seen:%Y-%m-%d %H:%M}")
        out.print(table)

    def _change(action: str, key: str, why: str, until: str | None, lakehouse: str | None) -> None:
        from cli.output import fail, json_line
        from include.health.lifecycle import change_status

        try:
            state = change_status(_store(lakehouse), key, ACTIONS[action], _who(), why,  # type: ignore[arg-type]
                                  until=parse_moment(until, "--until") if until else None)
        except (LookupError, ValueError) as exc:
            fail(str(exc))
            return
        json_line({"issue_key": state.issue_key, "status": state.status, "by": state.changed_by, "reason": state.reason})

    def make(name: str) -> Any:
        def command(
            key: str = typer.Argument(..., help="The issue's key (from `lakepilot findings`)."),
            why: str = typer.Option(..., "--why", help="Why: recorded with your name."),
            until: str | None = typer.Option(None, "--until", help="With snooze: until this date or time (UTC)."),
            lakehouse: str | None = typer.Option(None, "--lakehouse", help="Local lakehouse directory."),
        ) -> None:
            _change(name, key, why, until, lakehouse)

        command.__doc__ = f"{ACTIONS[name].capitalize()} an issue."
        return command

    for name in ACTIONS:
        findings_app.command(name)(make(name))
