"""Jobs API emulator under load: start-up with many jobs, request latency, parallel run-now, idle cost.

Measures (1) start-up with `--jobs` manifest jobs, (2) `runs/get` latency (p50/p99) over HTTP with
a few runs active, (3) parallel `run-now` from 8 threads and the time until all those runs finish,
(4) timeline rows and Delta commits for them, and (5) the server's CPU time while idle with every
job scheduled (ticker + scheduler). Real HTTP over loopback, real Delta writes.

    .venv/bin/python -m bench.bench_emulator [--jobs 500] [--runs 200]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import requests

from include.emulator.engine import DEFAULT_TOKEN
from include.emulator.server import EmulatorServer, default_config
from include.lakehouse.delta_store import open_table
from include.simulator.manifest import ClusterSpec, JobSpec, TaskSpec, Workspace, WorkspaceManifest

HEADERS = {"Authorization": f"Bearer {DEFAULT_TOKEN}"}


def _manifest(jobs: int) -> WorkspaceManifest:
    specs = []
    for i in range(jobs):
        tasks = [TaskSpec(task_key=f"t{k}", depends_on=[f"t{k - 1}"] if k else [], notebook_path=f"/j{i}/t{k}") for k in range(1 + i % 3)]
        specs.append(JobSpec(workspace_id="1", job_id=str(1000 + i), name=f"job_{i}", owner="o@x", run_as="o@x", team="t",
                             quartz_cron=f"0 {i % 60} * * * ?", tasks=tasks, cluster=ClusterSpec(node_type_id="i3.xlarge", num_workers=2),
                             typical_duration_s=600, failure_behaviour=("none", "transient", "oom")[i % 3], failure_rate=0.3))
    return WorkspaceManifest(account_id="a", seed=1, scale="small", start=datetime(2026, 1, 1, tzinfo=UTC),
                             end=datetime(2026, 2, 1, tzinfo=UTC), generated_at=datetime.now(UTC),
                             workspaces=[Workspace(workspace_id="1", name="w", cloud="AWS", region="us-east-1", host="h")], jobs=specs)


def _cpu() -> float:
    times = os.times()
    return times.user + times.system


def run(jobs: int = 500, runs: int = 200) -> dict[str, Any]:
    """Run the benchmark and return its figures."""
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["LAKEPILOT_HOME"] = str(Path(tmp) / "home")
        lake = Path(tmp) / "lake"
        lake.mkdir()
        _manifest(jobs).save(lake)
        t0 = time.perf_counter()
        server = EmulatorServer(default_config(lake, speed=2000.0, scheduler=True), port=0)
        server.start()
        startup_s = time.perf_counter() - t0
        session = requests.Session()
        url = server.url
        try:
            def run_now(i: int) -> int:
                response = requests.post(f"{url}/api/2.2/jobs/run-now", json={"job_id": 1000 + i % jobs}, headers=HEADERS, timeout=30)
                return int(response.json()["run_id"])

            t0 = time.perf_counter()
            with ThreadPoolExecutor(max_workers=8) as pool:
                run_ids = list(pool.map(run_now, range(runs)))
            submit_s = time.perf_counter() - t0

            latencies = []
            for i in range(300):
                t1 = time.perf_counter()
                session.get(f"{url}/api/2.2/jobs/runs/get", params={"run_id": run_ids[i % len(run_ids)]}, headers=HEADERS, timeout=30)
                latencies.append(time.perf_counter() - t1)

            pending = set(run_ids)
            while pending:
                for run_id in list(pending):
                    body = session.get(f"{url}/api/2.2/jobs/runs/get", params={"run_id": run_id}, headers=HEADERS, timeout=30).json()
                    if body["state"]["life_cycle_state"] == "TERMINATED":
                        pending.discard(run_id)
                time.sleep(0.05)
            all_done_s = time.perf_counter() - t0
            session.post(f"{url}/_emulator/flush", headers=HEADERS, timeout=60)

            cpu0, wall0 = _cpu(), time.perf_counter()
            time.sleep(5)
            idle_cpu_pct = 100 * (_cpu() - cpu0) / (time.perf_counter() - wall0)
        finally:
            server.stop()
        timeline = open_table(lake, "system.lakeflow.job_run_timeline")
        quantiles = statistics.quantiles(latencies, n=100)
        return {
            "name": "emulator",
            "jobs": jobs,
            "runs": runs,
            "startup_s": round(startup_s, 3),
            "run_now_per_s_8_threads": round(runs / submit_s, 1),
            "runs_get_p50_ms": round(statistics.median(latencies) * 1000, 2),
            "runs_get_p99_ms": round(quantiles[98] * 1000, 2),
            "all_runs_terminal_s": round(all_done_s, 2),
            "run_timeline_rows": timeline.to_pyarrow_table(columns=["run_id"]).num_rows,
            "run_timeline_commits": timeline.version() + 1,
            "idle_cpu_percent": round(idle_cpu_pct, 1),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=500)
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    print(json.dumps(run(args.jobs, args.runs), indent=2))  # noqa: T201 - CLI output


if __name__ == "__main__":
    main()
