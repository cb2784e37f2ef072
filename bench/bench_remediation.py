"""Failure-to-action latency through Airflow: a run fails in the emulator, how long until it is repaired.

Starts the local stack (Jobs API emulator at 1000x, SMTP sink, real Airflow with LocalExecutor) in
a temporary home on free ports, then measures two ways the DAG meets a failure:

- `sensor_waiting` (the scheduled case): a DAG run is already deferred on the failed-run trigger
  (polling every `poll_seconds`) when the run fails; measured from the run's `end_time` to the repair
  appearing in `runs/get`'s `repair_history`.
- `triggered_after` (a manual run): the run has failed, then the DAG is triggered through the REST
  API; measured from the trigger call to the repair appearing.

Backoff is 0 (policy Variable), so the figures are detection + decide + act through Airflow.

    .venv/bin/python -m bench.bench_remediation [--samples 3] [--poll 5]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from include.devstack.local_stack import LocalStack, LocalStackConfig
from include.devstack.procs import free_port
from include.emulator.client import EmulatorClient
from include.emulator.engine import DEFAULT_TOKEN
from include.simulator.manifest import ClusterSpec, JobSpec, TaskSpec, Workspace, WorkspaceManifest

DAG = "remediate_failed_runs"
JOB_ID = 4242


def _manifest() -> WorkspaceManifest:
    from datetime import UTC, datetime

    job = JobSpec(
        workspace_id="7001", job_id=str(JOB_ID), name="bench_transient", owner="owner@example.com",
        run_as="etl-sp@example.com", team="bench", quartz_cron="0 0 2 * * ?", paused=True,
        tasks=[TaskSpec(task_key="main", notebook_path="/Jobs/main")],
        cluster=ClusterSpec(node_type_id="r5.xlarge", num_workers=2), typical_duration_s=300,
        failure_behaviour="transient", failure_rate=1.0,
    )
    return WorkspaceManifest(
        account_id="acct-bench", seed=3, scale="small", start=datetime(2026, 1, 1, tzinfo=UTC),
        end=datetime(2026, 2, 1, tzinfo=UTC), generated_at=datetime(2026, 2, 1, tzinfo=UTC),
        workspaces=[Workspace(workspace_id="7001", name="ws", cloud="AWS", region="us-east-1", host="dbc.example")],
        jobs=[job],
    )


def _wait(predicate: Any, timeout: float, what: str, poll: float = 0.2) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(poll)
    raise TimeoutError(f"{what} not within {timeout:.0f}s")


def _fail(emulator: EmulatorClient) -> tuple[int, float]:
    """A failed run and its end time (epoch seconds, as Databricks reports it)."""
    run_id = int(emulator.request("POST", "/api/2.2/jobs/run-now", {"job_id": JOB_ID})["run_id"])
    run = emulator.wait_for_run(run_id, timeout=60, poll=0.05)
    assert run["state"]["result_state"] == "FAILED"
    return run_id, run["end_time"] / 1000


def _repaired_at(emulator: EmulatorClient, run_id: int, timeout: float = 300) -> float:
    def seen() -> float | None:
        history = emulator.get_run(run_id, include_history=True)["repair_history"]
        return time.time() if len(history) > 1 else None

    return float(_wait(seen, timeout, f"repair of run {run_id}", poll=0.1))


def run(samples: int = 3, poll_seconds: float = 5.0) -> dict[str, Any]:
    """Start the stack, measure both cases `samples` times, stop the stack; the figures."""
    home = Path(tempfile.mkdtemp(prefix="lakepilot-bench-remediation-"))
    (home / "lakehouse").mkdir()
    _manifest().save(home / "lakehouse")
    config = LocalStackConfig(
        home=home, airflow_port=free_port(), emulator_port=free_port(), smtp_port=free_port(),
        emulator_speed=1000.0, passwords={"admin": "bench"},
        extra_env={"LAKEPILOT_REMEDIATION_POLL_SECONDS": str(poll_seconds), "LAKEPILOT_REMEDIATION_SCHEDULE": "none",
                   "LAKEPILOT_ONCALL_EMAIL": "oncall@example.com"},
    )
    stack = LocalStack(config)
    started = time.perf_counter()
    stack.start()
    try:
        start_s = time.perf_counter() - started
        client = stack.client()
        emulator = EmulatorClient(f"http://127.0.0.1:{config.emulator_port}", DEFAULT_TOKEN)
        _wait(lambda: DAG in {d["dag_id"] for d in client.dags()}, 120, f"{DAG} parsed", poll=1)
        client.unpause(DAG)
        client.request("POST", "/api/v2/variables", json={"key": "lakepilot_remediation_policy",
                                                          "value": json.dumps({"backoff_base_seconds": 0})})
        waiting: list[float] = []
        triggered: list[float] = []
        for i in range(samples):
            dag_run = f"bench-wait-{i}"
            client.trigger(DAG, conf={"wait_seconds": 300}, run_id=dag_run)
            _wait(lambda: client.task_state(DAG, dag_run, "detect_failed_runs") == "deferred", 120,  # noqa: B023
                  "sensor deferred", poll=0.5)
            run_id, failed_at = _fail(emulator)
            waiting.append(_repaired_at(emulator, run_id) - failed_at)
            client.wait_run(DAG, dag_run, timeout=300)

            run_id, _ = _fail(emulator)
            t0 = time.time()
            dag_run = f"bench-trigger-{i}"
            client.trigger(DAG, conf={"wait_seconds": 0}, run_id=dag_run)
            triggered.append(_repaired_at(emulator, run_id) - t0)
            client.wait_run(DAG, dag_run, timeout=300)
    finally:
        stack.stop()
        shutil.rmtree(home, ignore_errors=True)
    return {
        "name": "remediation",
        "samples": samples,
        "poll_seconds": poll_seconds,
        "stack_start_s": round(start_s, 1),
        "sensor_waiting_failure_to_repair_s": round(statistics.median(waiting), 1),
        "sensor_waiting_all_s": [round(x, 1) for x in waiting],
        "triggered_after_trigger_to_repair_s": round(statistics.median(triggered), 1),
        "triggered_after_all_s": [round(x, 1) for x in triggered],
        "targets": {"sensor_waiting_failure_to_repair_s": "< poll interval + 60 s on a 2-core box"},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=3)
    parser.add_argument("--poll", type=float, default=5.0, help="trigger poll interval (seconds)")
    args = parser.parse_args()
    print(json.dumps(run(args.samples, args.poll), indent=2))  # noqa: T201 - CLI output


if __name__ == "__main__":
    main()
