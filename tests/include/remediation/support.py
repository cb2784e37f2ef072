"""Shared test helpers for the acting side: a small workspace on the Jobs API emulator, the real hook.

The emulator (include/emulator) runs in-process on a loopback port at 1000x speed; Airflow's real
`DatabricksHook` talks to it over HTTP through `AIRFLOW_CONN_DATABRICKS_DEFAULT`. Job ids are
picked so the seeded failure variant is the one a test expects (executor vs driver OOM).
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from include.emulator.engine import DEFAULT_TOKEN
from include.emulator.failures import variant_for
from include.emulator.server import EmulatorServer, default_config
from include.simulator.manifest import ClusterSpec, JobSpec, TaskSpec, Workspace, WorkspaceManifest

SEED = 11
OWNER = "owner@example.com"
ONCALL = "oncall@example.com"


def _pick(start: int, behaviour: str, variant: str) -> int:
    return next(i for i in range(start, start + 400) if variant_for(SEED, i, behaviour).name == variant)


JOBS: dict[str, int] = {
    "ok": 401,
    "transient": 402,
    "permission": 403,
    "oom": _pick(500, "oom", "executor_lost"),
    # r5.12xlarge -> r5.16xlarge is only 1.33x the memory: the resize does not cure the OOM.
    "stubborn": _pick(900, "oom", "executor_lost"),
    "transient2": 404,
}
NODES = {"oom": "r5.xlarge", "stubborn": "r5.12xlarge"}
BEHAVIOURS = {"ok": "none", "transient": "transient", "permission": "permission", "oom": "oom",
              "stubborn": "oom", "transient2": "transient"}


def make_manifest() -> WorkspaceManifest:
    def job(key: str) -> JobSpec:
        tasks = [TaskSpec(task_key="ingest", notebook_path="/Jobs/ingest")]
        if key == "transient":
            tasks.append(TaskSpec(task_key="publish", depends_on=["ingest"], notebook_path="/Jobs/publish"))
        behaviour = BEHAVIOURS[key]
        return JobSpec(
            workspace_id="7001", job_id=str(JOBS[key]), name=f"{key}_job", owner=OWNER, run_as="etl-sp@example.com",
            team="sales", quartz_cron="0 0 2 * * ?", tasks=tasks, paused=True,
            cluster=ClusterSpec(node_type_id=NODES.get(key, "r5.xlarge"), num_workers=2), typical_duration_s=300,
            failure_behaviour=behaviour, failure_rate=0.0 if behaviour == "none" else 1.0,  # type: ignore[arg-type]
        )

    return WorkspaceManifest(
        account_id="acct-test", seed=SEED, scale="small", start=datetime(2026, 1, 1, tzinfo=UTC),
        end=datetime(2026, 2, 1, tzinfo=UTC), generated_at=datetime(2026, 2, 1, tzinfo=UTC),
        workspaces=[Workspace(workspace_id="7001", name="ws", cloud="AWS", region="us-east-1",
                              host="dbc-7001.cloud.databricks.com")],
        jobs=[job(k) for k in JOBS],
    )


def start_emulator(lakehouse: Path, speed: float = 1000.0) -> EmulatorServer:
    make_manifest().save(lakehouse)
    server = EmulatorServer(
        default_config(lakehouse, speed=speed, scheduler=False, tick_interval_s=0.05, flush_debounce_s=0.2), port=0
    )
    server.start()
    return server


def connection(port: int) -> str:
    return json.dumps({"conn_type": "databricks", "host": "127.0.0.1", "port": port, "schema": "http",
                       "password": DEFAULT_TOKEN})


def wait_terminal(hook: Any, run_id: int, timeout: float = 30.0) -> str:
    """Poll like the operator does until the run is terminal; its result state."""
    deadline = time.monotonic() + timeout
    while not (state := hook.get_run_state(run_id)).is_terminal:
        assert time.monotonic() < deadline, f"run {run_id} still {state}"
        time.sleep(0.05)
    return state.result_state


def failed_run(hook: Any, key: str) -> int:
    """Start a run of the job and wait until it has failed."""
    run_id = hook.run_now({"job_id": JOBS[key]})
    assert wait_terminal(hook, run_id) == "FAILED", key
    return run_id


def repair_count(hook: Any, run_id: int) -> int:
    run = hook._do_api_call(("GET", "2.2/jobs/runs/get"), {"run_id": run_id, "include_history": "true"})
    return len(run.get("repair_history") or []) - 1
