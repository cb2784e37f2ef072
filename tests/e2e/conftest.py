"""Real Airflow for end-to-end tests: components on a free loopback port, throwaway metadata DB."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from include.devstack.airflow_env import AirflowConfig
from include.devstack.airflow_rest import AirflowClient
from include.devstack.airflow_stack import start_airflow
from include.devstack.procs import ProcessGroup, free_port


@pytest.fixture(scope="session")
def airflow_only(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[AirflowConfig, AirflowClient]]:
    """Airflow alone (SQLite, LocalExecutor) with LakePilot's dags/ and plugins/ — no other services."""
    home = tmp_path_factory.mktemp("lakepilot-e2e")
    config = AirflowConfig(
        home=home / "airflow",
        port=free_port(),
        passwords={"admin": "admin-e2e"},
        extra_env={"LAKEPILOT_HOME": str(home / "state")},
    )
    group = ProcessGroup()
    try:
        start_airflow(config, group)
        yield config, AirflowClient(config.base_url, "admin", "admin-e2e")
    except BaseException:
        for proc in group.procs:
            print(f"--- {proc.name} ---\n{proc.tail(60)}")
        raise
    finally:
        group.stop()


def logs_of(config: AirflowConfig) -> str:
    return "\n".join(
        f"--- {p.name} ---\n{p.read_text(errors='replace')[-3000:]}"
        for p in sorted((config.home / "process-logs").glob("*.log"))
    )


@pytest.fixture
def airflow_logs():
    return logs_of


__all__ = ["Path"]
