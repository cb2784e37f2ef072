"""Start Airflow's components (api-server, scheduler, dag-processor, triggerer) as one group."""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

from include.devstack.airflow_env import AirflowConfig
from include.devstack.procs import ManagedProcess, ProcessGroup, wait_http

log = logging.getLogger(__name__)

COMPONENTS = ("api-server", "scheduler", "dag-processor", "triggerer")


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
            )
        )
    api = next(p for p in group.procs if p.name == "airflow api-server")
    wait_http(f"{config.base_url}/api/v2/monitor/health", timeout=timeout, ok=lambda r: r.status_code == 200, proc=api)
    log.info("Airflow is up at %s", config.base_url)
