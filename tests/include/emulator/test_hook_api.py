"""The real Airflow DatabricksHook (sync and async methods) against the emulator over HTTP."""

from __future__ import annotations

import asyncio

import pytest

from tests.include.emulator.conftest import JOB_IDS, wait_terminal


def test_run_now_progresses_through_states_to_success(hook) -> None:
    run_id = hook.run_now({"job_id": str(JOB_IDS["ok"])})  # operators send numbers as strings
    seen = set()
    while not (state := hook.get_run_state(run_id)).is_terminal:
        seen.add(state.life_cycle_state)
    assert state.life_cycle_state == "TERMINATED" and state.result_state == "SUCCESS" and state.is_successful
    assert seen <= {"PENDING", "RUNNING"} and "PENDING" in seen  # the cluster starts before tasks run
    run = hook.get_run(run_id)
    assert run["job_id"] == JOB_IDS["ok"] and run["run_id"] == run_id
    assert run["run_page_url"].endswith(f"#job/{JOB_IDS['ok']}/run/{run_id}")
    assert hook.get_run_page_url(run_id) == run["run_page_url"] and hook.get_job_id(run_id) == JOB_IDS["ok"]
    assert run["status"] == {"state": "TERMINATED", "termination_details": {"code": "SUCCESS", "type": "SUCCESS", "message": ""}}
    [task] = run["tasks"]
    assert task["task_key"] == "main" and task["attempt_number"] == 0 and task["run_id"] != run_id
    assert task["start_time"] > 0 and task["end_time"] >= task["start_time"] and task["state"]["result_state"] == "SUCCESS"
    assert task["setup_duration"] > 0 and task["execution_duration"] > 0
    output = hook.get_run_output(task["run_id"])
    assert "error" not in output and output["metadata"]["run_id"] == task["run_id"]
    assert hook.get_run_state_str(run_id).startswith("State: TERMINATED. Result: SUCCESS")


def test_submit_run_accepts_both_task_shapes(hook) -> None:
    legacy = hook.submit_run({"run_name": "one_off", "new_cluster": {"spark_version": "15.4.x-scala2.12",
                              "node_type_id": "i3.xlarge", "num_workers": 1}, "notebook_task": {"notebook_path": "/x"},
                              "timeout_seconds": "3600"})
    multi = hook.submit_run({"run_name": "multi", "tasks": [
        {"task_key": "a", "existing_cluster_id": "0101-000000-shared01", "spark_python_task": {"python_file": "/a.py"}},
        {"task_key": "b", "depends_on": [{"task_key": "a"}], "existing_cluster_id": "0101-000000-shared01",
         "notebook_task": {"notebook_path": "/b"}},
    ]})
    for run_id in (legacy, multi):
        assert wait_terminal(hook, run_id).result_state == "SUCCESS"
    legacy_run, multi_run = hook.get_run(legacy), hook.get_run(multi)
    assert legacy_run["run_type"] == "SUBMIT_RUN" and isinstance(hook.get_job_id(legacy), int)
    assert [t["task_key"] for t in legacy_run["tasks"]] == ["one_off"]
    assert legacy_run["tasks"][0]["notebook_task"] == {"notebook_path": "/x"}
    assert [t["task_key"] for t in multi_run["tasks"]] == ["a", "b"]
    b = multi_run["tasks"][1]
    assert b["start_time"] >= multi_run["tasks"][0]["end_time"]  # b waited for a
    assert b["cluster_instance"]["cluster_id"] == "0101-000000-shared01"
    # submitted runs are one-time: their jobs are not listed
    assert all(j["settings"]["name"] not in ("one_off", "multi") for j in hook.list_jobs())


def test_failed_run_reports_errors_per_task_and_repair_with_latest_repair_id(hook, client) -> None:
    job_id = JOB_IDS["transient"]
    run_id = hook.run_now({"job_id": job_id})
    state = wait_terminal(hook, run_id)
    assert state.result_state == "FAILED" and "Task ingest failed" in state.state_message
    assert "downstream tasks to get skipped" in state.state_message
    run = hook.get_run(run_id)
    ingest, publish = run["tasks"]
    assert ingest["state"]["result_state"] == "FAILED" and publish["state"]["result_state"] == "UPSTREAM_FAILED"
    assert publish["state"]["life_cycle_state"] == "SKIPPED"
    error = hook.get_run_output(ingest["run_id"])["error"]
    assert "SparkException: Job aborted due to stage failure" in error
    assert "Connection reset by peer" in error or "SocketTimeoutException: Read timed out" in error
    assert hook.get_latest_repair_id(run_id) is None  # only the ORIGINAL item

    # a transient failure would clear on the first repair; make that repair fail so a second one needs latest_repair_id
    client.set_behaviour(job_id, "permission")
    first = hook.repair_run({"run_id": run_id, "rerun_all_failed_tasks": True})
    assert wait_terminal(hook, run_id).result_state == "FAILED"
    assert hook.get_latest_repair_id(run_id) == first
    client.set_behaviour(job_id, "transient")
    from airflow.providers.databricks.hooks.databricks_base import DatabricksApiError

    with pytest.raises(DatabricksApiError, match="The latest repair ID needs to be provided"):
        hook.repair_run({"run_id": run_id, "rerun_all_failed_tasks": True})
    with pytest.raises(DatabricksApiError, match=f"is not the latest repair of run {run_id}"):
        hook.repair_run({"run_id": run_id, "rerun_all_failed_tasks": True, "latest_repair_id": first + 1})
    second = hook.repair_run({"run_id": run_id, "rerun_all_failed_tasks": True, "latest_repair_id": first})
    with pytest.raises(DatabricksApiError, match="still active"):
        hook.repair_run({"run_id": run_id, "rerun_all_failed_tasks": True, "latest_repair_id": second})
    assert wait_terminal(hook, run_id).result_state == "SUCCESS"
    assert hook.get_latest_repair_id(run_id) == second
    history = client.get_run(run_id, include_history=True)["repair_history"]
    assert [h["type"] for h in history] == ["ORIGINAL", "REPAIR", "REPAIR"] and history[0]["id"] != first
    assert [h["state"]["result_state"] for h in history] == ["FAILED", "FAILED", "SUCCESS"]
    tasks = hook.get_run(run_id)["tasks"]
    assert sorted((t["task_key"], t["attempt_number"]) for t in tasks) == [
        ("ingest", 0), ("ingest", 1), ("ingest", 2), ("publish", 0), ("publish", 1), ("publish", 2)]
    assert len({t["run_id"] for t in tasks}) == 6  # every attempt has its own task run id


def test_cancel_run_and_cancel_all(hook) -> None:
    run_id = hook.run_now({"job_id": JOB_IDS["ok"]})
    hook.cancel_run(run_id)
    state = hook.get_run_state(run_id)
    assert (state.life_cycle_state, state.result_state) == ("TERMINATED", "CANCELED")
    run = hook.get_run(run_id)
    assert run["state"]["user_cancelled_or_timedout"] is True and run["status"]["termination_details"]["code"] == "USER_CANCELED"
    hook.cancel_run(run_id)  # cancelling a finished run is a no-op, as on Databricks
    first, second = hook.run_now({"job_id": JOB_IDS["queue"]}), hook.run_now({"job_id": JOB_IDS["queue"]})
    assert hook.get_run_state(second).life_cycle_state == "QUEUED"  # max_concurrent_runs 1, queueing on
    hook.cancel_all_runs(JOB_IDS["queue"])
    assert {hook.get_run_state(r).result_state for r in (first, second)} == {"CANCELED"}
    hook.delete_run(first)
    with pytest.raises(Exception, match=f"Run {first} does not exist"):
        hook.get_run(first)


def test_list_jobs_find_job_by_name_and_job_settings_changes(hook) -> None:
    jobs = hook.list_jobs()
    assert len(jobs) == len(JOB_IDS) and all("tasks" not in j["settings"] for j in jobs)
    assert hook.find_job_id_by_name("oom_job") == JOB_IDS["oom"]
    assert hook.find_job_id_by_name("no_such_job") is None
    new_id = hook.create_job({"name": "oom_job", "tasks": [{"task_key": "t", "existing_cluster_id": "0101-000000-shared01",
                                                           "notebook_task": {"notebook_path": "/t"}}]})
    assert new_id > max(JOB_IDS.values())
    with pytest.raises(Exception, match="more than one job with name oom_job"):
        hook.find_job_id_by_name("oom_job")
    hook.reset_job(str(new_id), {"name": "renamed", "max_concurrent_runs": "3", "tasks": [
        {"task_key": "t2", "existing_cluster_id": "0101-000000-shared01", "notebook_task": {"notebook_path": "/t2"}}]})
    hook.update_job(str(new_id), {"tags": {"owner": "me"}})
    [job] = hook.list_jobs(job_name="renamed", expand_tasks=True)
    assert job["job_id"] == new_id and job["settings"]["tags"] == {"owner": "me"}
    assert [t["task_key"] for t in job["settings"]["tasks"]] == ["t2"] and job["settings"]["max_concurrent_runs"] == 3


def test_clusters_and_test_connection(hook) -> None:
    assert hook.test_connection() == (True, "Connection successfully tested")
    assert hook.get_cluster_state("0101-000000-shared01").is_running
    run_id = hook.run_now({"job_id": JOB_IDS["ok"]})
    wait_terminal(hook, run_id)
    cluster_id = hook.get_run(run_id)["tasks"][0]["cluster_instance"]["cluster_id"]
    state = hook.get_cluster_state(cluster_id)
    assert state.state == "TERMINATED" and state.state_message == "Job run finished"


def test_async_methods_used_by_the_deferrable_trigger(hook) -> None:
    run_id = hook.run_now({"job_id": JOB_IDS["syntax"]})

    async def follow() -> tuple:
        async with hook:  # the trigger opens an aiohttp session the same way
            while not (state := await hook.a_get_run_state(run_id)).is_terminal:
                await asyncio.sleep(0.05)
            run = await hook.a_get_run(run_id)
            output = await hook.a_get_run_output(run["tasks"][0]["run_id"])
            url = await hook.a_get_run_page_url(run_id)
            return state, run, output, url

    state, run, output, url = asyncio.run(follow())  # async GETs carry their parameters as a JSON body
    assert state.result_state == "FAILED" and run["run_id"] == run_id and url == run["run_page_url"]
    assert "[PARSE_SYNTAX_ERROR]" in output["error"] or "[UNRESOLVED_COLUMN" in output["error"]


def test_both_api_versions_are_served(hook, client) -> None:
    run_id = hook.run_now({"job_id": JOB_IDS["ok"]})
    for version in ("2.1", "2.2"):
        body = client.request("GET", f"/api/{version}/jobs/runs/get", params={"run_id": run_id})
        assert body["run_id"] == run_id
        listed = client.request("GET", f"/api/{version}/jobs/list", params={"limit": 2})
        assert len(listed["jobs"]) == 2 and listed["next_page_token"] == "2"
        assert ("has_more" in listed) == (version == "2.1")
    assert client.request("GET", "/api/2.0/clusters/spark-versions")["versions"]


def test_loosely_typed_parameters_and_job_permissions(hook, client, emulator) -> None:
    import requests

    run_id = hook.run_now({"job_id": JOB_IDS["ok"], "job_parameters": {"day": "2026-03-01", "full": True, "n": 3}})
    headers = {"Authorization": f"Bearer {client._token}"}
    # a GET with its parameters in a JSON body (as the async hook sends them), numbers as strings, bools capitalised
    body = requests.get(f"{emulator.url}/api/2.2/jobs/runs/get", json={"run_id": str(run_id), "include_history": "True"},
                        headers=headers, timeout=10).json()
    assert body["run_id"] == run_id and body["repair_history"][0]["type"] == "ORIGINAL"
    assert {p["name"]: p["value"] for p in body["job_parameters"]} == {"day": "2026-03-01", "full": "true", "n": "3"}
    query = requests.get(f"{emulator.url}/api/2.2/jobs/runs/get", params={"run_id": run_id, "include_history": "false"},
                         headers=headers, timeout=10).json()
    assert "repair_history" not in query
    acl = [{"user_name": "ops@example.com", "permission_level": "CAN_MANAGE_RUN"}]
    hook.reset_job(str(JOB_IDS["ok"]), {"name": "ok_job", "access_control_list": acl, "tasks": [
        {"task_key": "main", "existing_cluster_id": "0101-000000-shared01", "notebook_task": {"notebook_path": "/m"}}]})
    stored = client.request("GET", f"/api/2.0/permissions/jobs/{JOB_IDS['ok']}")
    assert stored["access_control_list"] == acl
    settings = client.request("GET", "/api/2.2/jobs/get", params={"job_id": JOB_IDS["ok"]})["settings"]
    assert "access_control_list" not in settings and settings["tasks"][0]["notebook_task"] == {"notebook_path": "/m"}


def test_cancel_all_queued_runs_leaves_running_ones(hook, client) -> None:
    running, queued = hook.run_now({"job_id": JOB_IDS["queue"]}), hook.run_now({"job_id": JOB_IDS["queue"]})
    client.request("POST", "/api/2.2/jobs/runs/cancel-all", json={"all_queued_runs": True})
    assert hook.get_run_state(queued).result_state == "CANCELED"
    assert wait_terminal(hook, running).result_state == "SUCCESS"
