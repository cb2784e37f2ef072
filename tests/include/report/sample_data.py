"""A small, hand-checkable lakehouse for report and DAG tests.

Two workspaces, two SKUs (one price change), daily usage with one retraction, two jobs (one
with a run-duration SLA, changed once), one run per job per day with known failures and one
SLA miss. Every number a test asserts on can be recomputed from the constants below.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

import pyarrow as pa

from include.lakehouse.delta_store import write_table
from include.lakehouse.schema import system_table_schema

PROD, DEV = "1001", "1002"
JOBS_PRICE_OLD, JOBS_PRICE_NEW, AP_PRICE = Decimal("0.15"), Decimal("0.20"), Decimal("0.55")
JOBS_DBU = {PROD: 100, DEV: 20}
AP_DBU = 10
SLA_S = 3600
FAIL_DAYS_AGO = {1, 4}  # job 1 fails on these days (0 = the last day)
SLA_MISS_DAYS_AGO = {2}  # job 1 succeeds but takes 4000 s
SPIKE_DAYS_AGO = 0  # prod uses 3x jobs DBUs on the last day


def _write(root: Path, name: str, rows: list[dict]) -> None:
    schema = system_table_schema(name)
    write_table(root, name, pa.Table.from_pylist(rows, schema=schema), schema)


def build(root: Path, last_day: date, days: int = 35) -> dict:
    """Write the tables; return facts the tests use (price switch day etc.)."""
    first = last_day - timedelta(days=days - 1)
    switch = last_day - timedelta(days=10)
    start_of = lambda d: datetime.combine(d, time.min, UTC)  # noqa: E731
    prices = [
        {"account_id": "a", "price_start_time": start_of(first - timedelta(days=400)), "price_end_time": start_of(switch),
         "sku_name": "JOBS_COMPUTE", "cloud": "AWS", "currency_code": "USD", "usage_unit": "DBU",
         "pricing": {"default": JOBS_PRICE_OLD, "promotional": {"default": JOBS_PRICE_OLD}, "effective_list": {"default": JOBS_PRICE_OLD}}},
        {"account_id": "a", "price_start_time": start_of(switch), "price_end_time": None,
         "sku_name": "JOBS_COMPUTE", "cloud": "AWS", "currency_code": "USD", "usage_unit": "DBU",
         "pricing": {"default": JOBS_PRICE_NEW, "promotional": {"default": JOBS_PRICE_NEW}, "effective_list": {"default": JOBS_PRICE_NEW}}},
        {"account_id": "a", "price_start_time": start_of(first - timedelta(days=400)), "price_end_time": None,
         "sku_name": "ALL_PURPOSE_COMPUTE", "cloud": "AWS", "currency_code": "USD", "usage_unit": "DBU",
         "pricing": {"default": AP_PRICE, "promotional": {"default": AP_PRICE}, "effective_list": {"default": AP_PRICE}}},
    ]
    usage = []
    for i in range(days):
        d = first + timedelta(days=i)
        ago = (last_day - d).days
        for ws in (PROD, DEV):
            dbu = JOBS_DBU[ws] * (3 if ws == PROD and ago == SPIKE_DAYS_AGO else 1)
            for sku, qty in (("JOBS_COMPUTE", dbu), ("ALL_PURPOSE_COMPUTE", AP_DBU)):
                usage.append({
                    "account_id": "a", "workspace_id": ws, "record_id": f"{ws}-{sku}-{d}", "sku_name": sku,
                    "cloud": "AWS", "usage_start_time": start_of(d) + timedelta(hours=1),
                    "usage_end_time": start_of(d) + timedelta(hours=2), "usage_date": d, "usage_unit": "DBU",
                    "usage_quantity": Decimal(qty), "record_type": "ORIGINAL", "ingestion_date": d,
                    "billing_origin_product": "JOBS" if sku.startswith("JOBS") else "ALL_PURPOSE",
                    "usage_type": "COMPUTE_TIME",
                })
    # A correction on dev's last-but-one day: retract 5 all-purpose DBUs.
    d = last_day - timedelta(days=1)
    usage.append({**usage[-1], "record_id": "retraction-1", "workspace_id": DEV, "usage_date": d,
                  "sku_name": "ALL_PURPOSE_COMPUTE", "usage_start_time": start_of(d) + timedelta(hours=1),
                  "usage_end_time": start_of(d) + timedelta(hours=2), "usage_quantity": Decimal(-5),
                  "record_type": "RETRACTION"})
    rule = lambda v: [{"metric": "RUN_DURATION_SECONDS", "operator": "GREATER_THAN", "value": v}]  # noqa: E731
    jobs = [
        {"account_id": "a", "workspace_id": PROD, "job_id": "1", "name": "nightly_orders", "change_time": start_of(first - timedelta(days=30)), "health_rules": rule(1800)},
        {"account_id": "a", "workspace_id": PROD, "job_id": "1", "name": "nightly_orders", "change_time": start_of(first - timedelta(days=5)), "health_rules": rule(SLA_S)},
        {"account_id": "a", "workspace_id": DEV, "job_id": "2", "name": "dev_scratch", "change_time": start_of(first - timedelta(days=30)), "health_rules": []},
    ]
    timeline = []
    for i in range(days):
        d = first + timedelta(days=i)
        ago = (last_day - d).days
        for job, ws in (("1", PROD), ("2", DEV)):
            run_id = f"r{job}-{d:%Y%m%d}"
            begin = start_of(d) + timedelta(hours=2)
            dur = 4000 if job == "1" and ago in SLA_MISS_DAYS_AGO else 3000
            state = "FAILED" if job == "1" and ago in FAIL_DAYS_AGO else "SUCCEEDED"
            # Two slices: result_state only on the final one, as in Databricks.
            timeline.append({"account_id": "a", "workspace_id": ws, "job_id": job, "run_id": run_id,
                             "period_start_time": begin, "period_end_time": begin + timedelta(seconds=1800),
                             "result_state": None, "run_type": "JOB_RUN"})
            timeline.append({"account_id": "a", "workspace_id": ws, "job_id": job, "run_id": run_id,
                             "period_start_time": begin + timedelta(seconds=1800), "period_end_time": begin + timedelta(seconds=dur),
                             "result_state": state, "run_type": "JOB_RUN",
                             "termination_code": "SUCCESS" if state == "SUCCEEDED" else "RUN_EXECUTION_ERROR"})
    _write(root, "system.billing.list_prices", prices)
    _write(root, "system.billing.usage", usage)
    _write(root, "system.lakeflow.jobs", jobs)
    _write(root, "system.lakeflow.job_run_timeline", timeline)
    return {"first": first, "last": last_day, "switch": switch}


def expected_cost(day: date, last_day: date, switch: date) -> dict[str, float]:
    """USD per workspace on `day`, recomputed from the constants."""
    ago = (last_day - day).days
    jobs_price = float(JOBS_PRICE_NEW if day >= switch else JOBS_PRICE_OLD)
    out = {}
    for ws in (PROD, DEV):
        dbu = JOBS_DBU[ws] * (3 if ws == PROD and ago == SPIKE_DAYS_AGO else 1)
        ap = AP_DBU - (5 if ws == DEV and ago == 1 else 0)
        out[ws] = dbu * jobs_price + ap * float(AP_PRICE)
    return out
