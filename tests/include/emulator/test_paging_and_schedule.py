"""Pagination as Databricks 2.2 does it, runs/list filters, and the cron scheduler."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from include.schedules import latest_fire, to_croniter
from tests.include.emulator.conftest import JOB_IDS, start, wait_terminal


def test_jobs_list_pages_with_name_filter(hook, client) -> None:
    for _ in range(3):
        hook.create_job({"name": "Nightly", "tasks": []})
    page = client.request("GET", "/api/2.2/jobs/list", params={"limit": 2, "name": "nightly"})  # case-insensitive
    assert len(page["jobs"]) == 2 and page["next_page_token"] == "2"
    last = client.request("GET", "/api/2.2/jobs/list", params={"limit": 2, "name": "NIGHTLY", "page_token": page["next_page_token"]})
    assert len(last["jobs"]) == 1 and "next_page_token" not in last and last["prev_page_token"] == "0"
    assert len(hook.list_jobs(limit=1, job_name="Nightly")) == 3  # the hook follows next_page_token


def test_runs_get_pages_tasks_by_100_and_the_hook_merges_them(hook, client) -> None:
    tasks = [{"task_key": f"t{i:03d}", "existing_cluster_id": "0101-000000-shared01", "notebook_task": {"notebook_path": "/t"}}
             for i in range(150)]
    run_id = hook.submit_run({"run_name": "wide", "tasks": tasks})
    first = client.request("GET", "/api/2.2/jobs/runs/get", params={"run_id": run_id})
    assert len(first["tasks"]) == 100 and first["next_page_token"] == "100"
    second = client.request("GET", "/api/2.2/jobs/runs/get", params={"run_id": run_id, "page_token": "100"})
    assert len(second["tasks"]) == 50 and "next_page_token" not in second and second["run_id"] == run_id
    assert len(client.request("GET", "/api/2.1/jobs/runs/get", params={"run_id": run_id})["tasks"]) == 150  # 2.1: no paging
    merged = hook.get_run(run_id)
    assert len(merged["tasks"]) == 150 and "next_page_token" not in merged
    assert len({t["task_key"] for t in merged["tasks"]}) == 150


def test_runs_list_filters_and_pages(hook, client) -> None:
    ok = [hook.run_now({"job_id": JOB_IDS["ok"]}) for _ in range(3)]
    other = hook.run_now({"job_id": JOB_IDS["syntax"]})
    for run_id in (*ok, other):
        wait_terminal(hook, run_id)
    everything = client.request("GET", "/api/2.2/jobs/runs/list", params={"limit": 25})
    assert [r["run_id"] for r in everything["runs"]] == sorted((*ok, other), reverse=True)  # newest first
    assert "tasks" not in everything["runs"][0]
    page = client.request("GET", "/api/2.2/jobs/runs/list", params={"job_id": JOB_IDS["ok"], "limit": 2, "expand_tasks": "true"})
    assert [r["run_id"] for r in page["runs"]] == [ok[2], ok[1]] and page["has_more"] and page["runs"][0]["tasks"]
    rest = client.request("GET", "/api/2.2/jobs/runs/list", params={"job_id": JOB_IDS["ok"], "limit": 2, "page_token": page["next_page_token"]})
    assert [r["run_id"] for r in rest["runs"]] == [ok[0]] and not rest["has_more"]
    assert client.request("GET", "/api/2.2/jobs/runs/list", params={"active_only": "true"})["runs"] == []
    assert len(client.request("GET", "/api/2.2/jobs/runs/list", params={"run_type": "SUBMIT_RUN"})["runs"]) == 0


@pytest.mark.parametrize(
    ("quartz", "cron"),
    [("0 0 2 * * ?", "0 0 2 * * *"), ("0 30 6 ? * MON-FRI", "0 30 6 * * MON-FRI"), ("0 0 8 ? * 2", "0 0 8 * * 1"),
     ("0 0 8 ? * 1,7", "0 0 8 * * 0,6"), ("0 0/15 * * * ? *", "0 0/15 * * * *"), ("0 0 9 ? * 6#3", "0 0 9 * * 5#3")],
)
def test_quartz_cron_translation(quartz: str, cron: str) -> None:
    assert to_croniter(quartz) == cron


@pytest.mark.parametrize("bad", ["0 0 2 * *", "0 0 2 * * ? 2027", "0 0 25 * * ?", "0 0 8 ? * 6L"])
def test_quartz_cron_rejects_what_it_cannot_run(bad: str) -> None:
    with pytest.raises(ValueError):
        to_croniter(bad)


def test_latest_fire_does_not_backfill() -> None:
    now = datetime(2026, 1, 5, 12, 7, tzinfo=UTC)
    assert latest_fire("0 0/15 * * * ?", "UTC", now - timedelta(hours=3), now) == datetime(2026, 1, 5, 12, 0, tzinfo=UTC)
    assert latest_fire("0 0 2 * * ?", "UTC", now - timedelta(minutes=20), now) is None
    assert latest_fire("0 0 13 * * ?", "Europe/Amsterdam", now - timedelta(hours=1), now) == datetime(2026, 1, 5, 12, 0, tzinfo=UTC)


def test_scheduler_triggers_due_jobs_on_a_compressed_clock(workspace) -> None:
    from include.emulator.client import EmulatorClient

    server = start(workspace, scheduler=True)
    client = EmulatorClient(server.url)
    try:
        assert client.tick()["scheduled_runs"] == 0  # every manifest job runs at 02:00; none due right now
        fired = client.tick(schedule_advance_seconds=26 * 3600)["scheduled_runs"]
        assert fired == len(JOB_IDS)
        runs = client.request("GET", "/api/2.2/jobs/runs/list", params={"limit": 25})["runs"]
        assert len(runs) == len(JOB_IDS) and {r["trigger"] for r in runs} == {"PERIODIC"}
        assert client.tick()["scheduled_runs"] == 0  # no second fire for the same time
        finished = client.wait_for_run(next(r["run_id"] for r in runs if r["job_id"] == JOB_IDS["ok"]))
        assert finished["state"]["result_state"] == "SUCCESS"
        client.flush()
    finally:
        server.stop()
    from include.lakehouse.delta_store import read_table

    rows = read_table(workspace, "system.lakeflow.job_run_timeline").to_pylist()
    assert rows and {r["trigger_type"] for r in rows} == {"CRON"}
