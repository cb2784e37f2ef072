"""Restart, concurrency, idempotency, and the job timelines the emulator writes to the lakehouse."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pyarrow as pa
import requests
from deltalake import DeltaTable

from include.emulator.client import EmulatorClient
from include.emulator.engine import DEFAULT_TOKEN
from include.emulator.timeline import RUN_TIMELINE, TASK_TIMELINE
from include.lakehouse.delta_store import read_table, table_path, write_table
from include.lakehouse.schema import system_table_schema
from tests.include.emulator.conftest import JOB_IDS, start, wait_terminal

BEARER = {"Authorization": f"Bearer {DEFAULT_TOKEN}"}


def _post(server, path: str, body: dict) -> dict:
    response = requests.post(f"{server.url}{path}", json=body, headers=BEARER, timeout=10)
    assert response.status_code == 200, response.text
    return response.json()


def _without_urls(value):
    """The run as JSON minus run_page_url (it names the port, which changes across restarts)."""
    if isinstance(value, dict):
        return {k: _without_urls(v) for k, v in value.items() if k != "run_page_url"}
    if isinstance(value, list):
        return [_without_urls(v) for v in value]
    return value


def test_state_survives_a_restart(workspace) -> None:
    server = start(workspace)
    client = EmulatorClient(server.url)
    finished = _post(server, "/api/2.2/jobs/run-now", {"job_id": JOB_IDS["transient"]})["run_id"]
    client.wait_for_run(finished)
    running = _post(server, "/api/2.2/jobs/run-now", {"job_id": JOB_IDS["ok"]})["run_id"]
    created = _post(server, "/api/2.2/jobs/create", {"name": "made_by_api", "tasks": [
        {"task_key": "t", "existing_cluster_id": "0101-000000-shared01", "notebook_task": {"notebook_path": "/t"}}]})["job_id"]
    _post(server, f"/_emulator/jobs/{JOB_IDS['ok']}/behaviour", {"behaviour": "syntax"})
    before = client.get_run(finished, include_history=True)
    server.stop()

    server = start(workspace)  # same state dir and lakehouse
    client = EmulatorClient(server.url)
    try:
        assert _without_urls(client.get_run(finished, include_history=True)) == _without_urls(before)
        assert client.wait_for_run(running)["state"]["result_state"] == "SUCCESS"  # it kept going across the restart
        assert any(j["job_id"] == created for j in client.request("GET", "/api/2.2/jobs/list")["jobs"])
        assert next(j for j in client.jobs() if j["job_id"] == JOB_IDS["ok"])["behaviour"] == "syntax"
        new = _post(server, "/api/2.2/jobs/run-now", {"job_id": JOB_IDS["transient"]})["run_id"]
        assert new > max(running, finished)
        assert client.wait_for_run(new)["number_in_job"] == 2
        repair = _post(server, "/api/2.2/jobs/runs/repair", {"run_id": finished, "rerun_all_failed_tasks": True})
        assert client.wait_for_run(finished)["state"]["result_state"] == "SUCCESS" and repair["repair_id"] > new
    finally:
        server.stop()


def test_parallel_run_now_calls_are_all_recorded(emulator, client) -> None:
    def run_now(_: int) -> int:
        return int(_post(emulator, "/api/2.2/jobs/run-now", {"job_id": JOB_IDS["queue"]})["run_id"])

    with ThreadPoolExecutor(max_workers=8) as pool:
        run_ids = list(pool.map(run_now, range(16)))
    assert len(set(run_ids)) == 16
    listed = client.request("GET", "/api/2.2/jobs/runs/list", params={"job_id": JOB_IDS["queue"], "limit": 25})
    assert sorted(r["run_id"] for r in listed["runs"]) == sorted(run_ids)
    assert sorted(r["number_in_job"] for r in listed["runs"]) == list(range(1, 17))
    states = [r["state"]["life_cycle_state"] for r in listed["runs"]]
    assert states.count("QUEUED") >= 14  # max_concurrent_runs 1: the rest wait their turn
    queued = next(r for r in listed["runs"] if r["state"]["life_cycle_state"] == "QUEUED")
    assert queued["status"]["queue_details"]["code"] == "MAX_CONCURRENT_RUNS_REACHED"


def test_idempotency_token_returns_the_same_run(hook, client) -> None:
    body = {"job_id": JOB_IDS["ok"], "idempotency_token": "airflow-dag-run-42"}
    first, second = hook.run_now(body), hook.run_now(dict(body))
    assert first == second
    submit = {"run_name": "once", "idempotency_token": "submit-1", "tasks": [
        {"task_key": "a", "existing_cluster_id": "0101-000000-shared01", "notebook_task": {"notebook_path": "/a"}}]}
    assert hook.submit_run(submit) == hook.submit_run(submit)
    wait_terminal(hook, first)
    assert client.get_run(first)["number_in_job"] == 1
    listed = client.request("GET", "/api/2.2/jobs/runs/list", params={"job_id": JOB_IDS["ok"]})
    assert [r["run_id"] for r in listed["runs"]] == [first]
    hook.delete_run(first)
    response = requests.post(f"{client.base_url}/api/2.2/jobs/run-now", json=body, headers=BEARER, timeout=10)
    assert response.status_code == 400 and "has been deleted" in response.json()["message"]


def test_timelines_record_runs_repairs_and_attempts(workspace, lakehouse) -> None:
    schema = system_table_schema(RUN_TIMELINE)
    existing = pa.Table.from_pylist([{"account_id": "a", "workspace_id": "7001", "job_id": "1", "run_id": "5000000000000",
                                      "period_start_time": datetime(2026, 1, 1, tzinfo=UTC),
                                      "period_end_time": datetime(2026, 1, 1, 1, tzinfo=UTC), "result_state": "SUCCEEDED"}],
                                    schema=schema)
    write_table(lakehouse, RUN_TIMELINE, existing, schema)  # history from the generator
    server = start(workspace)
    client = EmulatorClient(server.url)
    try:
        ok = _post(server, "/api/2.2/jobs/run-now", {"job_id": JOB_IDS["ok"]})["run_id"]
        failed = _post(server, "/api/2.2/jobs/run-now", {"job_id": JOB_IDS["transient"]})["run_id"]
        cancelled = _post(server, "/api/2.2/jobs/run-now", {"job_id": JOB_IDS["syntax"]})["run_id"]
        _post(server, "/api/2.2/jobs/runs/cancel", {"run_id": cancelled})
        assert min(ok, failed, cancelled) > 5000000000000  # never collides with ids already in the timelines
        client.wait_for_run(ok), client.wait_for_run(failed)
        _post(server, "/api/2.2/jobs/runs/repair", {"run_id": failed, "rerun_all_failed_tasks": True})
        client.wait_for_run(failed)
        version_before_flush = DeltaTable(str(table_path(lakehouse, RUN_TIMELINE))).version()
        client.flush()
    finally:
        server.stop()
    runs = read_table(lakehouse, RUN_TIMELINE).to_pylist()
    tasks = read_table(lakehouse, TASK_TIMELINE).to_pylist()
    by_run = {}
    for row in runs:
        by_run.setdefault(row["run_id"], []).append(row)
    assert [r["result_state"] for r in by_run[str(ok)]] == ["SUCCEEDED"]
    assert sorted(r["result_state"] for r in by_run[str(failed)]) == ["FAILED", "SUCCEEDED"]  # original + repair
    assert [r["result_state"] for r in by_run[str(cancelled)]] == ["CANCELLED"]
    assert {r["termination_code"] for r in by_run[str(failed)]} == {"RUN_EXECUTION_ERROR", "SUCCESS"}
    assert by_run[str(ok)][0]["trigger_type"] == "ONETIME" and by_run[str(ok)][0]["run_type"] == "JOB_RUN"
    assert by_run[str(ok)][0]["compute_ids"] and by_run[str(ok)][0]["period_end_time"] > by_run[str(ok)][0]["period_start_time"]
    failed_tasks = sorted((r["task_key"], r["result_state"]) for r in tasks if r["job_run_id"] == str(failed))
    assert failed_tasks == [("ingest", "FAILED"), ("ingest", "SUCCEEDED"), ("publish", "SKIPPED"), ("publish", "SUCCEEDED")]
    assert {r["result_state"] for r in runs + tasks} <= {"SUCCEEDED", "FAILED", "CANCELLED", "SKIPPED"}
    assert all(isinstance(r["run_id"], str) and isinstance(r["job_id"], str) for r in runs + tasks)
    commits = DeltaTable(str(table_path(lakehouse, RUN_TIMELINE))).version()
    assert commits - version_before_flush <= 2  # batched: not one commit per run
    assert commits <= 4  # history + a few debounced batches for 4 finished waves
