"""Shared CLI output: a stderr console for progress and banners, stdout kept for data."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Any, NoReturn

from rich.console import Console

if TYPE_CHECKING:
    from rich.progress import Progress

    from include.lakehouse.warehouse import Warehouse

err = Console(stderr=True)
out = Console()


def banner(text: str) -> None:
    """One dim line on stderr saying which mode/engine is in use (never silent)."""
    err.print(f"[dim]lakepilot · {text}[/dim]")


def fail(message: str, code: int = 2) -> NoReturn:
    """Print a clear error naming what was wrong, and exit non-zero."""
    import typer

    err.print(f"[bold red]error:[/bold red] {message}")
    raise typer.Exit(code)


def open_warehouse(lakehouse: str | None = None, *, require_data: bool = False) -> Warehouse:
    """The configured SQL engine, or a clear error and exit 2 (no connection, wrong credentials, no data).

    In Databricks mode with `require_data`, one `SELECT 1` runs first: a wrong secret fails here,
    naming the connection and the HTTP status, before any real work.
    """
    from include.lakehouse.warehouse import QueryError, get_warehouse

    try:
        return get_warehouse(lakehouse=lakehouse, require_data=require_data)
    except (ValueError, QueryError) as exc:
        fail(str(exc))


def json_line(obj: Any) -> None:
    """One JSON object per line on stdout (machine-readable output)."""
    sys.stdout.write(json.dumps(obj, default=str, sort_keys=False) + "\n")
    sys.stdout.flush()


def progress() -> Progress:
    """A rich progress bar on stderr."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=False,
    )
