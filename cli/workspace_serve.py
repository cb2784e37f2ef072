"""`lakepilot workspace serve`: the local Databricks workspace emulator (Jobs, SQL Statement Execution, OAuth)."""

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
        tls: bool = typer.Option(False, "--tls", help="Serve HTTPS with a CA generated for this run (as real Databricks, HTTPS only)."),
        tls_ca_out: str | None = typer.Option(None, "--tls-ca-out", help="With --tls: write the CA certificate here "
                                              "(for REQUESTS_CA_BUNDLE / SSL_CERT_FILE)."),
    ) -> None:
        """Serve the Jobs API (2.1, 2.2), the SQL Statement Execution API and OAuth M2M over the simulated workspace."""
        import shutil
        from pathlib import Path

        from cli.output import banner, err, fail, json_line
        from include.config import state_dir
        from include.emulator.engine import DEFAULT_TOKEN, ENV_TOKEN
        from include.emulator.oauth import DEFAULT_CLIENT_SECRET, ENV_CLIENT_ID, ENV_CLIENT_SECRET
        from include.emulator.server import EmulatorServer, default_config
        from include.simulator.manifest import load_manifest

        if speed <= 0 or schedule_speed <= 0:
            fail("--speed and --schedule-speed must be greater than 0")
        config = default_config(lakehouse, speed=speed, schedule_speed=schedule_speed, scheduler=scheduler)
        if host not in LOOPBACK and config.token == DEFAULT_TOKEN:
            fail(f"refusing to listen on {host} with the documented default token; set {ENV_TOKEN} to a secret of your own")
        if host not in LOOPBACK and config.client_secret == DEFAULT_CLIENT_SECRET:
            fail(f"refusing to listen on {host} with the documented default client secret; set {ENV_CLIENT_SECRET}")
        if tls_ca_out and not tls:
            fail("--tls-ca-out needs --tls")
        if not config.lakehouse.is_dir():
            fail(f"lakehouse {config.lakehouse} does not exist; run `lakepilot workspace generate` or pass --lakehouse")
        if reset and config.state_path.exists():
            for suffix in ("", "-wal", "-shm"):
                config.state_path.with_name(config.state_path.name + suffix).unlink(missing_ok=True)
        manifest = load_manifest(config.lakehouse)
        tls_files = None
        if tls:
            from include.emulator.tls import make_certificates

            tls_files = make_certificates(state_dir() / "emulator" / "tls")
            if tls_ca_out:
                Path(tls_ca_out).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(tls_files.ca_cert, tls_ca_out)
        try:
            server = EmulatorServer(config, host=host, port=port, tls=tls_files)
        except OSError as exc:
            fail(str(exc))
            return
        jobs = f"{len(manifest.jobs)} jobs from the simulated workspace" if manifest else "no manifest: only jobs created via the API"
        ca = tls_ca_out or (str(tls_files.ca_cert) if tls_files else None)

        def ready(bound: int) -> None:
            banner(f"workspace emulator (local, not Databricks) on {server.url}: Jobs API, SQL warehouse 'local', OAuth · "
                   f"{jobs} · speed {speed:g}x · scheduler {'on' if scheduler else 'off'} · state {config.state_path}")
            if tls_files:
                err.print(f"[dim]service principal: AIRFLOW_CONN_DATABRICKS_DEFAULT='{{\"conn_type\":\"databricks\","
                          f"\"host\":\"127.0.0.1:{bound}\",\"login\":\"{config.client_id}\",\"password\":\"<${ENV_CLIENT_SECRET}>\","
                          f"\"extra\":{{\"service_principal_oauth\":true,\"http_path\":\"/sql/1.0/warehouses/local\"}}}}' "
                          f"REQUESTS_CA_BUNDLE={ca} SSL_CERT_FILE={ca} (client id from {ENV_CLIENT_ID}) · Ctrl-C stops[/dim]",
                          soft_wrap=True)
            else:
                err.print(f"[dim]connection: AIRFLOW_CONN_DATABRICKS_DEFAULT='{{\"conn_type\":\"databricks\",\"host\":\"127.0.0.1\","
                          f"\"port\":{bound},\"schema\":\"http\",\"password\":\"<${ENV_TOKEN}>\","
                          f"\"extra\":{{\"http_path\":\"/sql/1.0/warehouses/local\"}}}}' · Ctrl-C stops[/dim]", soft_wrap=True)
            json_line({"port": bound, "url": server.url, "lakehouse": str(config.lakehouse), "tls_ca": ca})

        server.serve_forever(on_ready=ready)
