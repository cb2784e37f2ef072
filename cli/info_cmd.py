"""`lakepilot info`: which modes are in use and where state lives."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    @app.command()
    def info(
        lakehouse: str | None = typer.Option(None, "--lakehouse", help="Local lakehouse directory."),
        as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
    ) -> None:
        """Show the mode in use: SQL engine, Jobs API, LLM, mail, and where state is kept."""
        from rich.table import Table

        from cli.output import json_line, out
        from include.runtime import describe_runtime

        facts = describe_runtime(lakehouse)
        if as_json:
            json_line(facts)
            return
        table = Table(title="LakePilot runtime", show_header=False)
        for key, value in facts.items():
            table.add_row(key, str(value))
        out.print(table)
