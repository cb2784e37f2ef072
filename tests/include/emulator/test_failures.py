"""The pure rules: what counts as enough memory, node sizes, seeded outcomes, settings merges, outbox recovery."""

from __future__ import annotations

import pytest

from include.emulator.failure_messages import ErrorContext
from include.emulator.failures import ClusterShape, decide, oom_fix, run_affected
from include.emulator.job_settings import merge_update
from include.emulator.node_types import node_memory_gb, parse_memory_gb

BASE = ClusterShape(node_type_id="r5.xlarge", num_workers=4)


@pytest.mark.parametrize(
    ("change", "params", "fixed"),
    [
        ({}, {}, None),
        ({"node_type_id": "r5.2xlarge"}, {}, "worker node r5.2xlarge has 64 GB vs 32 GB"),
        ({"node_type_id": "m5.2xlarge"}, {}, None),  # 32 GB: same memory, different family
        ({"num_workers": 7}, {}, None),
        ({"num_workers": 8}, {}, "8 workers vs 4"),
        ({"spark_conf": {"spark.executor.memory": "16g"}}, {}, None),  # default is half of 32 GB
        ({"spark_conf": {"spark.executor.memory": "24576m"}}, {}, "spark.executor.memory raised"),
        ({"spark_conf": {"spark.executor.memoryOverhead": "4g"}}, {}, "spark.executor.memoryOverhead raised"),
        ({"spark_conf": {"spark.sql.shuffle.partitions": "399"}}, {}, None),
        ({"spark_conf": {"spark.sql.shuffle.partitions": "400"}}, {}, "spark.sql.shuffle.partitions raised"),
        ({}, {"spark.sql.shuffle.partitions": "auto"}, "spark.sql.shuffle.partitions raised"),
        ({"driver_node_type_id": "r5.8xlarge"}, {}, None),  # a bigger driver does not help executors
    ],
)
def test_executor_oom_fix_rules(change: dict, params: dict, fixed: str | None) -> None:
    assert oom_fix("executor_lost", BASE.model_copy(update=change), BASE, params) == fixed


@pytest.mark.parametrize(
    ("change", "fixed"),
    [
        ({"num_workers": 40}, False),
        ({"driver_node_type_id": "r5.2xlarge"}, True),
        ({"spark_conf": {"spark.driver.memory": "24g"}}, True),
        ({"spark_conf": {"spark.driver.maxResultSize": "8g"}}, True),
        ({"spark_conf": {"spark.driver.maxResultSize": "5g"}}, False),
    ],
)
def test_driver_oom_fix_rules(change: dict, fixed: bool) -> None:
    assert (oom_fix("driver_heap", BASE.model_copy(update=change), BASE, {}) is not None) == fixed


def test_baseline_settings_raise_the_bar() -> None:
    tuned = BASE.model_copy(update={"spark_conf": {"spark.executor.memory": "20g"}})
    assert oom_fix("executor_lost", tuned.model_copy(update={"spark_conf": {"spark.executor.memory": "24g"}}), tuned, {}) is None
    assert oom_fix("executor_lost", tuned.model_copy(update={"spark_conf": {"spark.executor.memory": "30g"}}), tuned, {})


@pytest.mark.parametrize(
    ("node", "gb"),
    [("r5.xlarge", 32), ("r5.4xlarge", 128), ("m5.large", 8), ("i3.xlarge", 30.5), ("c5.2xlarge", 16),
     ("Standard_DS3_v2", 14), ("Standard_E8ds_v4", 64), ("Standard_D16s_v3", 64), ("n2-highmem-8", 64),
     ("n2-standard-4", 16), ("mystery", None), (None, None)],
)
def test_node_memory(node, gb) -> None:
    assert node_memory_gb(node) == gb


def test_memory_strings() -> None:
    assert [parse_memory_gb(v) for v in ("8g", "8192m", "8G", "1t", "oops", None)] == [8, 8, 8, 1024, None, None]


def _ctx() -> ErrorContext:
    return ErrorContext(job_name="daily_orders", task_key="main", notebook_path="/n", team="sales", node_type_id="r5.xlarge",
                        cluster_id="0101-000000-abc", run_as="sp@x", node_memory_gb=32, numbers=[5, 6, 7, 8, 9, 10, 11, 12],
                        reads=["main.sales.orders"])


def _decide(behaviour: str, attempt: int = 0, current: ClusterShape = BASE, run_id: int = 1):
    return decide(behaviour, affected=True, seed=3, job_id=9, run_id=run_id, attempt=attempt, current=current,
                  baseline=BASE, params={}, ctx=_ctx())


def test_outcomes_are_seeded_and_name_the_jobs_tables() -> None:
    assert _decide("missing_table") == _decide("missing_table")
    failed = _decide("missing_table")
    assert not failed.succeeded and "`main`.`sales`.`orders`" in failed.error and failed.code == "RUN_EXECUTION_ERROR"
    assert _decide("transient").succeeded is False and _decide("transient", attempt=1).succeeded is True
    assert _decide("permission", attempt=5).succeeded is False
    capacity = _decide("capacity")
    assert capacity.phase == "setup" and capacity.code == "CLOUD_FAILURE" and "r5.xlarge capacity" in capacity.error
    assert _decide("capacity", attempt=2).succeeded
    assert _decide("capacity", current=BASE.model_copy(update={"node_type_id": "r5a.xlarge"})).succeeded  # another pool
    assert decide("oom", affected=False, seed=3, job_id=9, run_id=1, attempt=0, current=BASE, baseline=BASE, params={},
                  ctx=_ctx()).succeeded


def test_failure_rate_is_honoured_over_many_runs() -> None:
    hits = sum(run_affected(1, 77, n, "transient", 0.25) for n in range(4000))
    assert 900 < hits < 1100
    assert not any(run_affected(1, 77, n, "none", 1.0) for n in range(100))
    assert all(run_affected(1, 77, n, "oom", 0.0) for n in range(100))  # a failing behaviour with rate 0 = always


def test_update_merges_arrays_by_key_and_removes_fields() -> None:
    settings = {"name": "a", "schedule": {"x": 1}, "tasks": [{"task_key": "t1", "x": 1}, {"task_key": "t2"}],
                "job_clusters": [{"job_cluster_key": "main", "new_cluster": {"num_workers": 2}}]}
    merged = merge_update(settings, {"tasks": [{"task_key": "t1", "x": 2}, {"task_key": "t3"}], "name": "b",
                                     "job_clusters": [{"job_cluster_key": "main", "new_cluster": {"num_workers": 8}}]},
                          ["schedule", "tasks/t2"])
    assert merged["name"] == "b" and "schedule" not in merged
    assert merged["tasks"] == [{"task_key": "t1", "x": 2}, {"task_key": "t3"}]
    assert merged["job_clusters"][0]["new_cluster"] == {"num_workers": 8}
    assert settings["tasks"][0]["x"] == 1  # the original is untouched
