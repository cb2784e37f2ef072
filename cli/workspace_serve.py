"""`lakepilot workspace serve`: the local Databricks Jobs API emulator."""

from __future__ import annotations

import os

import typer

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def register(workspace_app: typer.Typer) -> None:
    @workspace_app.command("serve")
    def serve(
        port: int = typer.Option(int(os.environ.get("LAKEPILOT_EMULATOR_PORT", "8765")), "--port", help="TCP port (0 = any free port)."),
        lakehouse: str | None = typer.Option(None, "--lakehouse", help="Local lakehouse with the simulated workspace."),
        speed: float = typer.Option(60.0, "--speed", help="Time compression: a job's typical duration is divided by this."),
        host: str = typer.Option("127.0.0.1", "--host", help="Interface to listen on."),
        schedule_speed: float = typer.Option(1.0, "--schedule-speed", help="How fast the cron clock runs (1 = real time)."),
        scheduler: bool = typer.Option(True, "--scheduler/--no-scheduler", help="Trigger jobs on their cron schedules."),
        reset: bool = typer.Option(False, "--reset", help="Forget the emulator's runs and jobs before starting."),
    ) -> None:
        """Serve the Jobs API (2.1 and 2.2) the Airflow DatabricksHook talks to, backed by the simulated workspace."""
        from cli.output import banner, err, fail, json_line
        from include.emulator.engine import DEFAULT_TOKEN, ENV_TOKEN
        from include.emulator.server import EmulatorServer, default_config
        from include.simulator.manifest import load_manifest

        if speed <= 0 or schedule_speed <= 0:
            fail("--speed and --schedule-speed must be greater than 0")
        config = default_config(lakehouse, speed=speed, schedule_speed=schedule_speed, scheduler=scheduler)
        if host not in LOOPBACK and config.token == DEFAULT_TOKEN:
            fail(f"refusing to listen on {host} with the documented default token; set {ENV_TOKEN} to a secret of your own")
        if not config.lakehouse.is_dir():
            fail(f"lakehouse {config.lakehouse} does not exist; run `lakepilot workspace generate` or pass --lakehouse")
        if reset and config.state_path.exists():
            for suffix in ("", "-wal", "-shm"):
                config.state_path.with_name(config.state_path.name + suffix).unlink(missing_ok=True)
        manifest = load_manifest(config.lakehouse)
        try:
            server = EmulatorServer(config, host=host, port=port)
        except OSError as exc:
            fail(str(exc))
            return
        jobs = f"{len(manifest.jobs)} jobs from the simulated workspace" if manifest else "no manifest: only jobs created via the API"

        def ready(bound: int) -> None:
            banner(f"Jobs API emulator (local, not Databricks) on {server.url} · {jobs} · speed {speed:g}x · "
                   f"scheduler {'on' if scheduler else 'off'} · state {config.state_path}")
            err.print(f"[dim]connection: AIRFLOW_CONN_DATABRICKS_DEFAULT='{{\"conn_type\":\"databricks\",\"host\":\"127.0.0.1\","
                      f"\"port\":{bound},\"schema\":\"http\",\"password\":\"<${ENV_TOKEN}>\"}}' · Ctrl-C stops[/dim]", soft_wrap=True)
            json_line({"port": bound, "url": server.url, "lakehouse": str(config.lakehouse)})

        server.serve_forever(on_ready=ready)
