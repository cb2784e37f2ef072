"""`lakepilot up`: the whole local product in one command (what `make run` calls)."""

from __future__ import annotations

import time

import typer

DAGS_DEMO = "unpaused: sweeps, the report and remediation run on their schedules"
DAGS_PAUSED = "paused: unpause them in the UI (a run of a paused DAG waits)"


def register(app: typer.Typer) -> None:
    @app.command()
    def up(
        scale: str = typer.Option("small", help="Simulated workspace size if one must be generated."),
        days: int = typer.Option(45, help="Days of history to generate if absent."),
        seed: int = typer.Option(7, help="Seed of the generated workspace."),
        demo: bool = typer.Option(True, "--demo/--real-time", help="Demo: DAGs start unpaused, each kind of failing job "
                                  "runs once at start and the emulated jobs' cron clock runs 60x, so failures, repairs "
                                  "and notices show within minutes. "
                                  "--real-time: DAGs paused, jobs on their real schedules."),
        production: bool = typer.Option(False, "--production", help="Production mode on this machine: the emulator "
                                        "serves TLS, databricks_default is a service principal (OAuth M2M), and every "
                                        "task reads and writes through the SQL Statement Execution API."),
    ) -> None:
        """Generate the workspace if absent, start the emulator, mail sink and Airflow; Ctrl-C stops all."""
        from cli.output import err, fail
        from include.devstack.local_stack import LocalStack, LocalStackConfig
        from include.devstack.procs import ignore_stop_signals, stop_on_signals
        from include.runtime import describe_runtime

        stop_on_signals()  # Ctrl-C, kill and a closed terminal all stop everything started below

        stack = LocalStack(LocalStackConfig(scale=scale, days=days, seed=seed, unpause_dags=demo, demo_failures=demo,
                                            schedule_speed=60.0 if demo else 1.0, production=production))
        try:
            stack.start(progress=lambda msg: err.print(f"[cyan]▸[/cyan] {msg}"))
        except (RuntimeError, TimeoutError, ValueError) as exc:
            fail(str(exc))
        except KeyboardInterrupt:  # stopped while starting: start() has stopped what it started
            err.print("stopped before everything was up")
            raise typer.Exit(130) from None
        # From here on the services run: a Ctrl-C anywhere below (even during the banner) stops them.
        try:
            facts = describe_runtime(stack.config.lakehouse)
            password = stack.airflow.passwords.get("admin", "?")
            err.print(
                "\n[bold green]LakePilot is up[/bold green]\n"
                f"  Airflow UI   {stack.airflow.base_url}   login: admin / {password}\n"
                f"  Jobs API     {'https' if production else 'http'}://127.0.0.1:{stack.config.emulator_port} (local emulator"
                f"{', cron clock 60x' if demo else ''}"
                f"{'; TLS with CA ' + str(stack.ca_file) + ', service principal OAuth, SQL via the Statement API' if production else ''})\n"
                f"  DAGs         {DAGS_DEMO if demo else DAGS_PAUSED}\n"
                f"  Mail         {facts['outbox']} (loopback SMTP on port {stack.config.smtp_port})\n"
                f"  Data         {facts['data']}\n"
                f"  SQL engine   {'databricks (warehouse local on the emulator)' if production else facts['sql_engine']}"
                f"   LLM: {facts['llm']}\n"
                f"  Logs         {stack.config.home / 'logs'} and {stack.airflow.home / 'process-logs'}\n"
                "Press Ctrl-C to stop everything.\n",
                soft_wrap=True,  # paths and the password stay on one line, whatever the terminal width
            )
            while True:
                time.sleep(2)
                dead = stack.dead_services()
                if dead:
                    err.print(f"[red]stopped unexpectedly:[/red] {', '.join(dead)}; shutting down")
                    break
        except KeyboardInterrupt:
            err.print("stopping… (every service at once, at most about 25 s)")
        finally:
            ignore_stop_signals()
            stack.stop()
