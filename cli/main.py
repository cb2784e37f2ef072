"""Entry point of the `lakepilot` command.

Each feature's commands live in their own module with a `register(app)` function; add the
module to `COMMAND_MODULES`. Modules import their heavy dependencies inside commands so that
`lakepilot --help` stays fast.
"""

from __future__ import annotations

import importlib
import logging
import os

import typer

COMMAND_MODULES = [
    "cli.info_cmd",
    "cli.workspace_cmd",
    "cli.up_cmd",
    "cli.triage_cmd",
    "cli.route_cmd",
    "cli.ask_cmd",
    "cli.provision_cmd",
    "cli.health_cmd",
    "cli.mail_cmd",
    "cli.remediation_cmd",
    "cli.findings_cmd",
]

app = typer.Typer(
    name="lakepilot",
    help="LakePilot: watch, repair and provision a Databricks platform (local or real).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _root(
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Log debug detail to stderr."),
    profile: str | None = typer.Option(
        None, "--profile", help="Databricks config profile (~/.databrickscfg) to use instead of AIRFLOW_CONN_DATABRICKS_DEFAULT."),
) -> None:
    import warnings

    if profile:
        os.environ["LAKEPILOT_DATABRICKS_PROFILE"] = profile
    # The provider's hook uses an Airflow API deprecated for task code; nothing a CLI user can act on.
    warnings.filterwarnings("ignore", message="ProvidersManager.hooks is deprecated")
    level = logging.DEBUG if verbose else getattr(logging, os.environ.get("LAKEPILOT_LOG_LEVEL", "WARNING"))
    logging.basicConfig(
        level=level,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    from include.connections import send_airflow_logs_to_stderr
    from include.untrusted.logging_redaction import install

    install()
    send_airflow_logs_to_stderr(level)


for _name in COMMAND_MODULES:
    importlib.import_module(_name).register(app)


def main() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":
    main()
