from __future__ import annotations

import decimal
from datetime import UTC, date, datetime
from pathlib import Path

import pyarrow as pa
import pytest

from include.lakehouse.delta_store import read_table, table_exists, write_table
from include.lakehouse.schema import SchemaMismatchError, system_table_schema
from include.lakehouse.warehouse import LocalWarehouse, QueryError, get_warehouse

USAGE = "system.billing.usage"
PRICES = "system.billing.list_prices"


def _usage_rows(n: int = 3) -> list[dict]:
    rows = []
    for i in range(n):
        rows.append(
            {
                "account_id": "acc",
                "workspace_id": "1001" if i < 2 else "1002",
                "record_id": f"r{i}",
                "sku_name": "PREMIUM_JOBS_COMPUTE",
                "cloud": "AWS",
                "usage_start_time": datetime(2026, 3, 1, i, tzinfo=UTC),
                "usage_end_time": datetime(2026, 3, 1, i + 1, tzinfo=UTC),
                "usage_date": date(2026, 3, 1),
                "custom_tags": [("team", "data-eng")] if i else [],
                "usage_unit": "DBU",
                "usage_quantity": decimal.Decimal("2.5"),
                "usage_metadata": {"job_id": str(100 + i)},
                "record_type": "ORIGINAL",
            }
        )
    return rows


def _write_usage(root: Path) -> None:
    schema = system_table_schema(USAGE)
    write_table(root, USAGE, pa.Table.from_pylist(_usage_rows(), schema=schema), schema)
    price_schema = system_table_schema(PRICES)
    prices = [
        {
            "account_id": "acc",
            "price_start_time": datetime(2025, 1, 1, tzinfo=UTC),
            "price_end_time": None,
            "sku_name": "PREMIUM_JOBS_COMPUTE",
            "cloud": "AWS",
            "currency_code": "USD",
            "usage_unit": "DBU",
            "pricing": {"default": decimal.Decimal("0.15"), "promotional": None, "effective_list": {"default": decimal.Decimal("0.15")}},
        }
    ]
    write_table(root, PRICES, pa.Table.from_pylist(prices, schema=price_schema), price_schema)


COST_SQL = """
SELECT u.workspace_id,
       ROUND(SUM(CAST(u.usage_quantity AS DOUBLE) * CAST(lp.pricing.effective_list.`default` AS DOUBLE)), 4) AS cost_usd,
       COUNT_IF(u.custom_tags['team'] IS NULL) AS untagged
FROM system.billing.usage u
JOIN system.billing.list_prices lp
  ON u.sku_name = lp.sku_name AND u.cloud = lp.cloud
 AND u.usage_end_time >= lp.price_start_time
 AND (lp.price_end_time IS NULL OR u.usage_end_time < lp.price_end_time)
WHERE u.usage_date >= :start_date AND u.usage_start_time < CAST(:end_ts AS TIMESTAMP)
GROUP BY u.workspace_id
ORDER BY u.workspace_id
"""


def test_databricks_sql_runs_locally_with_named_parameters(lakehouse: Path) -> None:
    _write_usage(lakehouse)
    result = LocalWarehouse(lakehouse).query(
        COST_SQL, {"start_date": date(2026, 3, 1), "end_ts": datetime(2026, 3, 2, tzinfo=UTC)}
    )
    assert result.to_pylist() == [
        {"workspace_id": "1001", "cost_usd": 0.75, "untagged": 1},
        {"workspace_id": "1002", "cost_usd": 0.375, "untagged": 0},
    ]


def test_bound_parameters_cannot_inject_sql(lakehouse: Path) -> None:
    _write_usage(lakehouse)
    wh = LocalWarehouse(lakehouse)
    rows = wh.query(
        "SELECT COUNT(*) AS n FROM system.billing.usage WHERE workspace_id = :ws",
        {"ws": "1001' OR '1'='1"},
    ).to_pylist()
    assert rows == [{"n": 0}]
    assert read_table(lakehouse, USAGE).num_rows == 3


def test_missing_parameter_is_named(lakehouse: Path) -> None:
    _write_usage(lakehouse)
    with pytest.raises(QueryError, match="end_ts"):
        LocalWarehouse(lakehouse).query(COST_SQL, {"start_date": date(2026, 3, 1)})


def test_missing_table_is_named(lakehouse: Path) -> None:
    with pytest.raises(QueryError, match=r"system\.access\.audit not found"):
        LocalWarehouse(lakehouse).query("SELECT * FROM system.access.audit")


def test_two_part_table_names_are_refused(lakehouse: Path) -> None:
    with pytest.raises(QueryError, match="catalog.schema.table"):
        LocalWarehouse(lakehouse).query("SELECT * FROM billing.usage")


def test_an_export_of_another_shape_is_read_in_the_ddl_shape_and_its_gaps_are_named(lakehouse: Path) -> None:
    # An "exported" usage table whose usage_quantity is a string and record_id (and the rest) missing:
    # it is readable (absent or re-typed parts read as NULL), and what it lacks is named, so the
    # checks that need those columns report that they could not run (include/health/requirements.py).
    from deltalake import write_deltalake

    from include.lakehouse.schema import schema_gaps

    bad = pa.table({"workspace_id": ["1"], "usage_quantity": ["2.5"]})
    write_deltalake(str(lakehouse / "system" / "billing" / "usage"), bad)
    wh = LocalWarehouse(lakehouse)
    rows = wh.query("SELECT COUNT(*) AS n, MAX(record_id) AS r, MAX(usage_quantity) AS q FROM system.billing.usage")
    assert rows.to_pylist() == [{"n": 1, "r": None, "q": None}]
    gaps = schema_gaps(system_table_schema(USAGE), wh.table_schema(USAGE))
    assert "record_id" in gaps.missing and "usage_metadata" in gaps.missing and gaps.retyped == ("usage_quantity",)


def test_write_with_wrong_schema_leaves_no_table(lakehouse: Path) -> None:
    schema = system_table_schema(USAGE)
    good = pa.Table.from_pylist(_usage_rows(1), schema=schema)
    bad = pa.table({"workspace_id": ["1"]})

    def batches():
        yield from good.to_batches()
        yield from bad.to_batches()

    with pytest.raises(SchemaMismatchError):
        write_table(lakehouse, USAGE, batches(), schema)
    assert not table_exists(lakehouse, USAGE)


def test_cte_names_are_not_mistaken_for_tables(lakehouse: Path) -> None:
    _write_usage(lakehouse)
    rows = LocalWarehouse(lakehouse).query(
        "WITH daily AS (SELECT usage_date, SUM(CAST(usage_quantity AS DOUBLE)) AS q FROM system.billing.usage GROUP BY usage_date) "
        "SELECT daily.q FROM daily"
    ).to_pylist()
    assert rows == [{"q": 7.5}]


def test_get_warehouse_defaults_to_local(lakehouse: Path) -> None:
    wh = get_warehouse()
    assert wh.mode.value == "local"
    assert str(lakehouse) in wh.describe()


def test_databricks_mode_without_a_connection_says_how_to_set_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AIRFLOW_CONN_DATABRICKS_DEFAULT", raising=False)
    monkeypatch.delenv("LAKEPILOT_DATABRICKS_PROFILE", raising=False)
    monkeypatch.setenv("LAKEPILOT_WAREHOUSE", "databricks")
    with pytest.raises(ValueError, match="AIRFLOW_CONN_DATABRICKS_DEFAULT"):
        get_warehouse()
    monkeypatch.setenv("AIRFLOW_CONN_DATABRICKS_DEFAULT", '{"conn_type": "databricks", "host": "adb-1.azuredatabricks.net", '
                       '"password": "dapi-x", "extra": {"http_path": "/sql/protocolv1/o/1/0101-cluster"}}')
    with pytest.raises(ValueError, match="not a SQL warehouse path"):
        get_warehouse()
    monkeypatch.setenv("AIRFLOW_CONN_DATABRICKS_DEFAULT", '{"conn_type": "databricks", "host": "adb-1.azuredatabricks.net", '
                       '"password": "dapi-x", "extra": {"http_path": "/sql/1.0/warehouses/abc123"}}')
    remote = get_warehouse()
    assert remote.mode.value == "databricks"
    assert "abc123" in remote.describe() and "adb-1.azuredatabricks.net" in remote.describe()
    assert "dapi-x" not in remote.describe()


def test_filters_work_on_tables_mixing_plain_and_merged_files(lakehouse: Path) -> None:
    # delta-rs MERGE writes `string_view` columns, plain writes `string`; a table holding both used
    # to fail Arrow's filter pushdown ("no kernel matching (string, string_view)").
    from include.ops.arrow import to_table
    from include.ops.models import Finding
    from include.ops.store import LocalOpsStore

    def finding(i: int, day: int) -> Finding:
        return Finding(
            domain=("cost", "security", "mlops")[i % 3], check="c", severity="high", entity_type="e",
            entity_id=f"{day}-{i}", window_start=datetime(2026, 1, 1 + day, tzinfo=UTC),
            window_end=datetime(2026, 1, 2 + day, tzinfo=UTC), metric="m", summary="s", recommendation="r",
        )

    plain = to_table([finding(i, 0) for i in range(30)])
    write_table(lakehouse, "lakepilot.ops.findings", plain, plain.schema, mode="append")
    LocalOpsStore(lakehouse).upsert([finding(i, 1) for i in range(30)])
    wh = LocalWarehouse(lakehouse)
    assert wh.query("SELECT COUNT(*) AS n FROM lakepilot.ops.findings WHERE domain = 'cost'").to_pylist() == [{"n": 20}]
    rows = wh.query("SELECT domain FROM lakepilot.ops.findings WHERE domain IN ('mlops') LIMIT 3")
    assert rows.schema.field("domain").type == pa.string()
    assert rows.column("domain").to_pylist() == ["mlops"] * 3
