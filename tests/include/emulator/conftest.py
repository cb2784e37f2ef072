"""A running emulator over a small simulated workspace, and the real DatabricksHook pointed at it."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from include.emulator.client import EmulatorClient
from include.emulator.engine import DEFAULT_TOKEN
from include.emulator.failures import variant_for
from include.emulator.server import EmulatorServer, default_config
from include.emulator.tls import TlsFiles
from include.simulator.manifest import (
    ClusterInfo,
    ClusterSpec,
    JobSpec,
    TaskSpec,
    Workspace,
    WorkspaceManifest,
)

SEED = 11
SPEED = 1000.0  # typical 300 s -> 0.3 s of execution, cluster start 0.24 s


def _pick_id(start: int, behaviour: str, variant: str) -> int:
    """A job id whose seeded variant of `behaviour` is `variant` (so tests know the error text)."""
    return next(i for i in range(start, start + 200) if variant_for(SEED, i, behaviour).name == variant)


JOB_IDS = {
    "ok": 201, "transient": 202, "permission": 204, "syntax": 205, "missing_table": 206, "capacity": 207, "queue": 208,
    "oom": _pick_id(300, "oom", "executor_lost"), "oom_driver": _pick_id(600, "oom", "driver_heap"),
}


def _job(key: str, behaviour: str, tasks: list[TaskSpec], node: str = "r5.xlarge", workers: int = 2) -> JobSpec:
    return JobSpec(
        workspace_id="7001", job_id=str(JOB_IDS[key]), name=f"{key}_job", owner="owner@example.com",
        run_as="etl-sp@example.com", team="sales", quartz_cron="0 0 2 * * ?", tasks=tasks,
        cluster=ClusterSpec(node_type_id=node, num_workers=workers), typical_duration_s=300,
        failure_behaviour=behaviour, failure_rate=1.0 if behaviour != "none" else 0.0,  # type: ignore[arg-type]
    )


def make_manifest() -> WorkspaceManifest:
    one = [TaskSpec(task_key="main", notebook_path="/Jobs/main")]
    two = [TaskSpec(task_key="ingest", notebook_path="/Jobs/ingest"),
           TaskSpec(task_key="publish", depends_on=["ingest"], notebook_path="/Jobs/publish")]
    return WorkspaceManifest(
        account_id="acct-test", seed=SEED, scale="small", start=datetime(2026, 1, 1, tzinfo=UTC),
        end=datetime(2026, 2, 1, tzinfo=UTC), generated_at=datetime(2026, 2, 1, tzinfo=UTC),
        workspaces=[Workspace(workspace_id="7001", name="ws", cloud="AWS", region="us-east-1", host="dbc-7001.cloud.databricks.com")],
        jobs=[
            _job("ok", "none", one), _job("transient", "transient", two), _job("oom", "oom", one),
            _job("oom_driver", "oom", one), _job("permission", "permission", two), _job("syntax", "syntax", one),
            _job("missing_table", "missing_table", one), _job("capacity", "capacity", two), _job("queue", "none", one),
        ],
        clusters=[ClusterInfo(workspace_id="7001", cluster_id="0101-000000-shared01", cluster_name="shared", owner="a@example.com",
                              source="UI", node_type="i3.xlarge", workers=3)],
    )


@pytest.fixture
def workspace(lakehouse: Path) -> Path:
    make_manifest().save(lakehouse)
    return lakehouse


def start(workspace: Path, tls: TlsFiles | None = None, **overrides: object) -> EmulatorServer:
    values: dict[str, object] = {"speed": SPEED, "scheduler": False, "tick_interval_s": 0.05, "flush_debounce_s": 0.2}
    values.update(overrides)
    server = EmulatorServer(default_config(workspace, **values), port=0, tls=tls)
    server.start()
    return server


@pytest.fixture
def emulator(workspace: Path) -> Iterator[EmulatorServer]:
    server = start(workspace)
    yield server
    server.stop()


@pytest.fixture
def client(emulator: EmulatorServer) -> EmulatorClient:
    return EmulatorClient(emulator.url, DEFAULT_TOKEN)


def connection(port: int, token: str = DEFAULT_TOKEN, **extra: object) -> str:
    return json.dumps({"conn_type": "databricks", "host": "127.0.0.1", "port": port, "schema": "http", "password": token, **extra})


@pytest.fixture
def hook(emulator: EmulatorServer, monkeypatch: pytest.MonkeyPatch):
    """The real Airflow DatabricksHook, connected through AIRFLOW_CONN_DATABRICKS_DEFAULT."""
    from airflow.providers.databricks.hooks.databricks import DatabricksHook

    monkeypatch.setenv("AIRFLOW_CONN_DATABRICKS_DEFAULT", connection(emulator.port))
    return DatabricksHook(retry_limit=2, retry_delay=0.1)


def wait_terminal(hook, run_id: int, timeout: float = 30.0):
    """Poll like the operator does (get_run_state) until the run is terminal."""
    deadline = time.monotonic() + timeout
    while True:
        state = hook.get_run_state(run_id)
        if state.is_terminal:
            return state
        assert time.monotonic() < deadline, f"run {run_id} not terminal after {timeout}s: {state}"
        time.sleep(0.05)
