"""FailureContext from Jobs API responses shaped as `runs/get` (with history) and `runs/get-output`."""

from __future__ import annotations

from datetime import UTC, datetime

from include.remediation.run_context import failed_task_runs, failure_from_run

RUN = {
    "job_id": 881,
    "run_id": 9001,
    "run_name": "nightly_sales",
    "creator_user_name": "ana@example.com",
    "end_time": 1772420400000,
    "state": {"life_cycle_state": "TERMINATED", "result_state": "FAILED", "state_message": "Workload failed"},
    "status": {"termination_details": {"code": "RUN_EXECUTION_ERROR", "type": "CLIENT_ERROR"}},
    "job_clusters": [
        {
            "job_cluster_key": "main",
            "new_cluster": {
                "node_type_id": "i3.xlarge",
                "num_workers": 4,
                "spark_conf": {"spark.executor.memory": "8g"},
            },
        }
    ],
    "tasks": [
        {
            "task_key": "ingest",
            "run_id": 11,
            "attempt_number": 0,
            "job_cluster_key": "main",
            "start_time": 1,
            "state": {"result_state": "FAILED", "state_message": "first try"},
        },
        {
            "task_key": "ingest",
            "run_id": 12,
            "attempt_number": 1,
            "job_cluster_key": "main",
            "start_time": 2,
            "timeout_seconds": 3600,
            "state": {"result_state": "FAILED", "state_message": "Workload failed"},
        },
        {
            "task_key": "publish",
            "run_id": 13,
            "attempt_number": 0,
            "start_time": 3,
            "state": {"result_state": "UPSTREAM_FAILED"},
        },
        {
            "task_key": "audit",
            "run_id": 14,
            "attempt_number": 0,
            "start_time": 1,
            "state": {"result_state": "SUCCESS"},
        },
    ],
    "repair_history": [{"type": "ORIGINAL", "id": 500}, {"type": "REPAIR", "id": 501}],
}
OUTPUTS = {
    "12": {"error": "java.lang.OutOfMemoryError: Java heap space", "error_trace": "at Foo(Foo.scala:1)"}
}


def test_only_the_latest_failed_task_runs_are_kept() -> None:
    assert [t["run_id"] for t in failed_task_runs(RUN)] == [12]


def test_failure_context_from_run_and_outputs() -> None:
    f = failure_from_run(RUN, OUTPUTS, workspace_id="ws-1")
    assert (f.job_id, f.run_id, f.attempt, f.latest_repair_id) == ("881", "9001", 1, "501")
    assert f.owner == "ana@example.com" and f.workspace_id == "ws-1" and f.job_name == "nightly_sales"
    assert (f.result_state, f.termination_code, f.termination_type) == (
        "FAILED",
        "RUN_EXECUTION_ERROR",
        "CLIENT_ERROR",
    )
    assert [t.task_key for t in f.tasks] == ["ingest"] and f.tasks[0].task_run_id == "12"
    assert f.error_text().startswith("java.lang.OutOfMemoryError: Java heap space")
    assert f.cluster and f.cluster.node_type_id == "i3.xlarge" and f.cluster.num_workers == 4
    assert f.cluster.job_cluster_key == "main" and f.timeout_seconds == 3600
    assert f.failed_at == datetime.fromtimestamp(1772420400, UTC)


def test_original_run_without_history_is_attempt_zero_and_autoscale_is_read() -> None:
    run = {
        **RUN,
        "repair_history": [],
        "job_clusters": [],
        "tasks": [
            {
                "task_key": "t",
                "run_id": 21,
                "state": {"result_state": "TIMEDOUT"},
                "new_cluster": {
                    "node_type_id": "m5.large",
                    "autoscale": {"min_workers": 1, "max_workers": 6},
                },
            }
        ],
    }
    f = failure_from_run(run, {}, job={"creator_user_name": "job-owner@example.com", "settings": {"name": "sales", "timeout_seconds": 900}})
    assert f.attempt == 0 and f.latest_repair_id is None and f.timeout_seconds == 900
    assert f.owner == "job-owner@example.com" and f.job_name == "sales"
    assert f.cluster and f.cluster.autoscale_max_workers == 6
    assert f.tasks[0].result_state == "TIMEDOUT"
