"""Start Airflow's components (api-server, scheduler, dag-processor, triggerer) as one group."""

from __future__ import annotations

import logging
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from include.devstack.airflow_env import AirflowConfig
from include.devstack.procs import ManagedProcess, ProcessGroup, wait_http

log = logging.getLogger(__name__)

COMPONENTS = ("api-server", "scheduler", "dag-processor", "triggerer")
# Pools LakePilot's DAGs use (docker-compose's airflow-init creates the same ones in production).
POOLS = {
    "databricks_api": ("LAKEPILOT_DATABRICKS_API_POOL_SLOTS", 8, "Concurrent Databricks Jobs API calls"),
    "terraform_apply": ("LAKEPILOT_TERRAFORM_APPLY_POOL_SLOTS", 4, "Concurrent Terraform applies (each stack is also locked)"),
}


def airflow_bin() -> str:
    """The `airflow` executable of the interpreter running LakePilot."""
    return str(Path(sys.executable).parent / "airflow")


def migrate(config: AirflowConfig, timeout: float = 600.0) -> None:
    """Create or upgrade the metadata database (idempotent)."""
    config.home.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(  # noqa: S603 - fixed argv
        [airflow_bin(), "db", "migrate"],
        env=config.env(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode != 0:
        raise RuntimeError(f"airflow db migrate failed:\n{result.stdout[-2000:]}\n{result.stderr[-4000:]}")
    if config.database_url is None:
        # WAL lets readers and one writer work at once; the mode is stored in the database file.
        with sqlite3.connect(config.sqlite_path, timeout=60) as db:
            db.execute("PRAGMA journal_mode=WAL")


def start_airflow(config: AirflowConfig, group: ProcessGroup, *, timeout: float = 180.0, user: str | None = None) -> None:
    """Migrate, start every component into `group`, and wait until the API answers healthy."""
    config.write_passwords()
    migrate(config)
    env = config.env()
    logs = config.home / "process-logs"
    for component in COMPONENTS:
        group.add(
            ManagedProcess(
                name=f"airflow {component}",
                argv=[airflow_bin(), component],
                env=env,
                log_path=logs / f"{component}.log",
                user=user,
                restart=True,
            )
        )
    api = next(p for p in group.procs if p.name == "airflow api-server")
    wait_http(f"{config.base_url}/api/v2/monitor/health", timeout=timeout, ok=lambda r: r.status_code == 200, proc=api)
    ensure_pools(config)
    log.info("Airflow is up at %s", config.base_url)


def ensure_pools(config: AirflowConfig) -> None:
    """Create LakePilot's pools through the REST API (an existing pool is left as configured)."""
    from include.airflow_api import AirflowClient

    admins = [u for u, role in config.users.items() if role == "admin" and u in config.passwords]
    if not admins:
        log.warning("no admin user with a known password: pools %s not created", ", ".join(POOLS))
        return
    client = AirflowClient(config.base_url, admins[0], config.passwords[admins[0]])
    for name, (env, default, description) in POOLS.items():
        slots = int(os.environ.get(env) or config.extra_env.get(env) or default)
        client.create_pool(name, slots, description)
