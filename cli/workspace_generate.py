"""`lakepilot workspace generate`: write a simulated Databricks account as local system tables."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID


class _RichProgress:
    """One progress bar per table, advanced per written batch."""

    def __init__(self, bar: Progress) -> None:
        self.bar = bar
        self.tasks: dict[str, TaskID] = {}

    def table_started(self, table: str, total_batches: int | None) -> None:
        self.tasks[table] = self.bar.add_task(table, total=total_batches or 1)

    def batch_written(self, table: str, rows: int) -> None:
        total = self.bar.tasks[self.tasks[table]].total
        if total and total > 1:
            self.bar.advance(self.tasks[table])

    def table_finished(self, table: str, rows: int) -> None:
        task = self.tasks[table]
        total = self.bar.tasks[task].total or 1
        self.bar.update(task, completed=total, description=f"{table} [dim]{rows:,} rows[/dim]")


def register(workspace_app: typer.Typer) -> None:
    @workspace_app.command("generate")
    def generate(
        out: str | None = typer.Option(None, "--out", help="Lakehouse directory (default: the configured lakehouse)."),
        days: int = typer.Option(30, "--days", help="Days of history, ending with --end (at least 8)."),
        scale: str = typer.Option("small", "--scale", help="small | medium | large (large: 10M+ rows)."),
        seed: int = typer.Option(7, "--seed", help="Random seed: same seed, end, days and scale give the same data."),
        end: str | None = typer.Option(None, "--end", help="Last simulated day, YYYY-MM-DD (UTC; default today). "
                                                           "Data ends at midnight after it."),
    ) -> None:
        """Generate a simulated Databricks account with injected incidents (system tables as local Delta)."""
        from cli.output import banner, err, fail, json_line, progress
        from include.config import lakehouse_root
        from include.simulator.generate import GenerationError, generate_workspace, validate_request

        end_date: date | None = None
        if end:
            try:
                end_date = datetime.strptime(end, "%Y-%m-%d").date()
            except ValueError:
                fail(f"--end {end!r} is not a date in YYYY-MM-DD form")
        target = lakehouse_root(out)
        try:
            validate_request(target, days, scale, seed, end_date)
        except GenerationError as exc:
            fail(str(exc))
        banner(f"simulated workspace (not real Databricks data) · {scale} · seed {seed} · {days} days → {target}")
        try:
            with progress() as bar:
                manifest = generate_workspace(target, days, scale, seed, end=end_date, progress=_RichProgress(bar))
        except GenerationError as exc:
            fail(str(exc))
            return
        rows = sum(manifest.row_counts.values())
        err.print(f"[green]done[/green]: {len(manifest.row_counts)} tables, {rows:,} rows, "
                  f"{len(manifest.workspaces)} workspaces, {len(manifest.jobs)} jobs · truth in {target}/_truth/incidents.json")
        json_line({"lakehouse": str(target), "scale": scale, "seed": seed, "start": manifest.start, "end": manifest.end,
                   "tables": len(manifest.row_counts), "rows": rows})
