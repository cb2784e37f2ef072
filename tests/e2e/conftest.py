"""Real Airflow for end-to-end tests: components on a free loopback port, throwaway metadata DB."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from include.airflow_api import AirflowClient
from include.devstack.airflow_env import AirflowConfig
from include.devstack.airflow_stack import start_airflow
from include.devstack.procs import ProcessGroup, free_port


def _airflow(home: Path, database_url: str | None) -> Iterator[tuple[AirflowConfig, AirflowClient]]:
    config = AirflowConfig(
        home=home / "airflow",
        port=free_port(),
        database_url=database_url,
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


@pytest.fixture(scope="session")
def airflow_only(tmp_path_factory: pytest.TempPathFactory, metadata_db) -> Iterator[tuple[AirflowConfig, AirflowClient]]:
    """Airflow alone (PostgreSQL metadata DB, LocalExecutor) with LakePilot's dags/ and plugins/."""
    yield from _airflow(tmp_path_factory.mktemp("lakepilot-e2e"), metadata_db("airflow_only"))


@pytest.fixture(scope="module")  # only the smoke test: not kept running beside later stacks
def airflow_on_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[AirflowConfig, AirflowClient]]:
    """The same Airflow on SQLite, the metadata DB `lakepilot up` uses when nothing else is configured."""
    yield from _airflow(tmp_path_factory.mktemp("lakepilot-e2e-sqlite"), None)


def logs_of(config: AirflowConfig) -> str:
    return "\n".join(
        f"--- {p.name} ---\n{p.read_text(errors='replace')[-3000:]}"
        for p in sorted((config.home / "process-logs").glob("*.log"))
    )


@pytest.fixture
def airflow_logs():
    return logs_of


__all__ = ["Path"]
