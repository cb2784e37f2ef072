"""Each failure behaviour through the real hook: error text, termination codes, and what fixes it."""

from __future__ import annotations

import pytest

from tests.include.emulator.conftest import JOB_IDS, wait_terminal

BIGGER_NODE = {"job_clusters": [{"job_cluster_key": "main", "new_cluster": {
    "spark_version": "15.4.x-scala2.12", "node_type_id": "r5.2xlarge", "num_workers": 2}}]}


def _fail_once(hook, job: str) -> tuple[int, dict, str]:
    run_id = hook.run_now({"job_id": JOB_IDS[job]})
    assert wait_terminal(hook, run_id).result_state == "FAILED"
    run = hook.get_run(run_id)
    failed = [t for t in run["tasks"] if t["state"]["result_state"] == "FAILED"]
    return run_id, run, hook.get_run_output(failed[-1]["run_id"])["error"]


def _repair(hook, run_id: int, **extra) -> str:
    body = {"run_id": run_id, "rerun_all_failed_tasks": True, **extra}
    latest = hook.get_latest_repair_id(run_id)
    if latest is not None:
        body["latest_repair_id"] = latest
    hook.repair_run(body)
    return wait_terminal(hook, run_id).result_state


def test_transient_failure_is_repaired_to_success(hook, client) -> None:
    run_id, run, error = _fail_once(hook, "transient")
    assert run["status"]["termination_details"] == {"code": "RUN_EXECUTION_ERROR", "type": "CLIENT_ERROR",
                                                    "message": run["state"]["state_message"]}
    assert "Connection reset by peer" in error or "SocketTimeoutException" in error
    assert _repair(hook, run_id) == "SUCCESS"
    notes = [t["outcome"]["note"] for t in client.outcomes(run_id)["tasks"] if t["attempt_number"] == 1]
    assert "transient failure cleared on retry" in notes


def test_oom_is_fixed_only_by_more_memory(hook, client) -> None:
    run_id, run, error = _fail_once(hook, "oom")
    assert "ExecutorLostFailure" in error and "exceeding memory limits" in error
    assert "Job aborted due to stage failure" in error
    assert _repair(hook, run_id) == "FAILED"  # same cluster: fails again
    assert _repair(hook, run_id) == "FAILED"
    hook.update_job(str(JOB_IDS["oom"]), BIGGER_NODE)  # r5.xlarge (32 GB) -> r5.2xlarge (64 GB)
    assert _repair(hook, run_id) == "SUCCESS"
    [note] = [t["outcome"]["note"] for t in client.outcomes(run_id)["tasks"] if t["attempt_number"] == 3]
    assert note == "enough memory: worker node r5.2xlarge has 64 GB vs 32 GB"
    # the fix sticks: a new run succeeds on the bigger cluster
    assert wait_terminal(hook, hook.run_now({"job_id": JOB_IDS["oom"]})).result_state == "SUCCESS"


def test_oom_fixed_by_shuffle_partitions_in_repair_job_parameters(hook) -> None:
    run_id, _, _ = _fail_once(hook, "oom")
    assert _repair(hook, run_id, job_parameters={"spark.sql.shuffle.partitions": "300"}) == "FAILED"  # < 2x 200
    assert _repair(hook, run_id, job_parameters={"spark.sql.shuffle.partitions": "800"}) == "SUCCESS"


def test_driver_oom_needs_a_bigger_driver_not_more_workers(hook) -> None:
    run_id, run, error = _fail_once(hook, "oom_driver")
    assert error == "java.lang.OutOfMemoryError: Java heap space"
    assert "spark driver has stopped unexpectedly" in run["state"]["state_message"]
    assert run["status"]["termination_details"]["code"] == "DRIVER_ERROR"
    more_workers = {"job_clusters": [{"job_cluster_key": "main", "new_cluster": {
        "spark_version": "15.4.x-scala2.12", "node_type_id": "r5.xlarge", "num_workers": 8}}]}
    hook.reset_job(str(JOB_IDS["oom_driver"]), {"name": "oom_driver_job", **more_workers, "tasks": [
        {"task_key": "main", "job_cluster_key": "main", "notebook_task": {"notebook_path": "/Jobs/main"}}]})
    assert _repair(hook, run_id) == "FAILED"
    hook.update_job(str(JOB_IDS["oom_driver"]), {"job_clusters": [{"job_cluster_key": "main", "new_cluster": {
        "spark_version": "15.4.x-scala2.12", "node_type_id": "r5.xlarge", "driver_node_type_id": "r5.4xlarge", "num_workers": 2}}]})
    assert _repair(hook, run_id) == "SUCCESS"


@pytest.mark.parametrize(
    ("job", "needles", "code"),
    [
        ("permission", ("PERMISSION_DENIED", "INSUFFICIENT_PERMISSIONS", "does not have permission"), None),
        ("syntax", ("[PARSE_SYNTAX_ERROR] Syntax error at or near", "[UNRESOLVED_COLUMN"), "RUN_EXECUTION_ERROR"),
        ("missing_table", ("[TABLE_OR_VIEW_NOT_FOUND] The table or view",), "RUN_EXECUTION_ERROR"),
    ],
)
def test_code_and_access_errors_keep_failing_on_retry(hook, client, job, needles, code) -> None:
    run_id, run, error = _fail_once(hook, job)
    assert any(n in error for n in needles), error
    if code:
        assert run["status"]["termination_details"]["code"] == code
    for attempt in (1, 2):
        assert _repair(hook, run_id) == "FAILED"
        [latest] = [t for t in hook.get_run(run_id)["tasks"] if t["attempt_number"] == attempt and t["state"]["result_state"] == "FAILED"]
        assert hook.get_run_output(latest["run_id"])["error"] == error  # the same error every time
    client.set_behaviour(JOB_IDS[job], "none")  # someone granted access / fixed the code
    assert _repair(hook, run_id) == "SUCCESS"


def test_capacity_failure_fails_the_cluster_launch(hook) -> None:
    run_id, run, error = _fail_once(hook, "capacity")
    assert "CLOUD_PROVIDER_LAUNCH_FAILURE(CLOUD_FAILURE)" in error and "InsufficientInstanceCapacity" in error
    assert run["status"]["termination_details"]["type"] == "CLOUD_FAILURE"
    ingest = run["tasks"][0]
    assert ingest["execution_duration"] == 0 and ingest["setup_duration"] > 0  # it never got a cluster
    state = hook.get_cluster_state(ingest["cluster_instance"]["cluster_id"])
    assert state.state == "TERMINATED" and "InsufficientInstanceCapacity" in state.state_message
    results = []
    for _ in range(2):  # attempt 1 succeeds unless the 20% repeat hits; attempt 2 always does
        results.append(_repair(hook, run_id))
        if results[-1] == "SUCCESS":
            break
    assert results[-1] == "SUCCESS"


def test_failures_are_deterministic(hook) -> None:
    first = _fail_once(hook, "permission")[2]
    second = _fail_once(hook, "permission")[2]
    assert first == second
