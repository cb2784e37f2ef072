from __future__ import annotations

import pyarrow as pa
import pytest

from include.lakehouse.schema import SchemaMismatchError, check_schema, ddl_to_arrow, system_table_schema
from include.lakehouse.system_tables import SYSTEM_TABLES

# Spot checks against ../shared/reference/databricks.md Part 1 (verbatim types).
EXPECTED_TYPES = [
    ("system.billing.usage", "usage_quantity", pa.decimal128(38, 18)),
    ("system.billing.usage", "custom_tags", pa.map_(pa.string(), pa.string())),
    ("system.billing.usage", "usage_date", pa.date32()),
    ("system.billing.usage", "usage_start_time", pa.timestamp("us", tz="UTC")),
    ("system.access.audit", "response", pa.struct([("status_code", pa.int32()), ("error_message", pa.string()), ("result", pa.string())])),
    ("system.lakeflow.job_run_timeline", "job_parameters", pa.map_(pa.string(), pa.map_(pa.string(), pa.string()))),
    ("system.lakeflow.job_run_timeline", "compute_ids", pa.list_(pa.string())),
    ("system.query.history", "read_io_cache_percent", pa.int8()),
    ("system.compute.warehouse_events", "cluster_count", pa.int32()),
    ("system.serving.endpoint_usage", "status_code", pa.int32()),
]


@pytest.mark.parametrize(("table", "column", "arrow_type"), EXPECTED_TYPES)
def test_system_table_types_match_databricks(table: str, column: str, arrow_type: pa.DataType) -> None:
    assert system_table_schema(table).field(column).type == arrow_type


def test_every_id_column_is_a_string() -> None:
    # System tables keep every id as STRING (the Jobs API uses int64; the tables do not).
    for table in SYSTEM_TABLES:
        schema = system_table_schema(table)
        for field in schema:
            if field.name.endswith("_id") and field.name != "spark_context_id":
                assert field.type == pa.string(), f"{table}.{field.name} is {field.type}"


def test_list_prices_struct_keeps_default_keyword() -> None:
    pricing = system_table_schema("system.billing.list_prices").field("pricing").type
    assert [pricing.field(i).name for i in range(pricing.num_fields)] == ["default", "promotional", "effective_list"]


def test_check_schema_names_missing_and_retyped_columns() -> None:
    expected = ddl_to_arrow("a string, b bigint, c struct<x:string>")
    found = pa.schema([("a", pa.int64()), ("c", pa.struct([("y", pa.string())])), ("extra", pa.string())])
    with pytest.raises(SchemaMismatchError) as err:
        check_schema("cat.sch.t", expected, found)
    text = str(err.value)
    assert "cat.sch.t" in text
    assert "column a is int64, expected string" in text
    assert "missing column b" in text
    assert "column c" in text


def test_check_schema_accepts_extra_columns_and_wider_ints() -> None:
    expected = ddl_to_arrow("a int, t timestamp")
    found = pa.schema([("a", pa.int64()), ("t", pa.timestamp("ns", tz="UTC")), ("new_col", pa.string())])
    check_schema("x.y.z", expected, found)
