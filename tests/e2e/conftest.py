"""Real Airflow for end-to-end tests: components on a free loopback port, throwaway metadata DB."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from include.devstack.airflow_env import AirflowConfig
from include.devstack.airflow_rest import AirflowClient
from include.devstack.airflow_stack import start_airflow
from include.devstack.postgres import PostgresServer
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
def airflow_only(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[AirflowConfig, AirflowClient]]:
    """Airflow alone (SQLite, LocalExecutor) with LakePilot's dags/ and plugins/ — no other services."""
    yield from _airflow(tmp_path_factory.mktemp("lakepilot-e2e"), None)


@pytest.fixture(scope="module")
def postgres_server() -> Iterator[PostgresServer]:
    """A throwaway PostgreSQL 15 server (run as an unprivileged user; initdb refuses root)."""
    server = PostgresServer(free_port()).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")  # only the smoke test: not kept running beside later stacks
def airflow_on_postgres(
    tmp_path_factory: pytest.TempPathFactory, postgres_server: PostgresServer
) -> Iterator[tuple[AirflowConfig, AirflowClient]]:
    """The same Airflow, with its metadata DB on PostgreSQL."""
    yield from _airflow(tmp_path_factory.mktemp("lakepilot-e2e-pg"), postgres_server.url)


def logs_of(config: AirflowConfig) -> str:
    return "\n".join(
        f"--- {p.name} ---\n{p.read_text(errors='replace')[-3000:]}"
        for p in sorted((config.home / "process-logs").glob("*.log"))
    )


@pytest.fixture
def airflow_logs():
    return logs_of


__all__ = ["Path"]
