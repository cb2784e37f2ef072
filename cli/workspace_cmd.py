"""`lakepilot workspace ...`: the simulated workspace (generate) and the Jobs API emulator (serve)."""

from __future__ import annotations

import typer

workspace_app = typer.Typer(help="The simulated Databricks workspace and its local Jobs API.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    from cli import workspace_generate, workspace_serve

    workspace_generate.register(workspace_app)
    workspace_serve.register(workspace_app)
    app.add_typer(workspace_app, name="workspace")
