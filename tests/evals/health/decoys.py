"""A second, independently written workload: the decoys a real workspace has, and the incidents hiding among them.

Written row by row here, not by `include/simulator` (whose data the checks were tuned on), over
the eight system tables these situations live in. As of Sunday 2026-03-29 00:00 UTC, with 35 days
of history:

decoys (must not raise a medium-or-higher finding)
- SKU `PREMIUM_JOBS_SERVERLESS_COMPUTE` in workspace 1111…: ~$60 a day, ~$400 every Saturday (a weekly full refresh);
- `export-bot@example.com`: ~1,000 table reads every Saturday (a weekly export), ~10 on other days;
- endpoint `weekday-api`: ~600 requests each weekday, ~15 on Saturdays and Sundays (window: a Saturday);
- table `main.ops.legacy_export`: written hourly until its job was paused on purpose 4 days ago;
- job `noisy-stable`: daily, durations 600-1500 s at random, the same spread all along;
- job `weekly-report`: runs on Mondays only (its gaps are a week, so 5 days of silence is normal);
- job `hourly-sync`: hourly, its last two runs failed (two hours; the next run is due before anyone could act).

incidents (must be found)
- SKU `PREMIUM_SQL_PRO_COMPUTE`: ~$50 every day, $600 in the window — cost/sku_spike;
- `mallory@example.com`: ~20 table reads a day, 900 in the window — security/unusual_read_volume;
- 198.51.100.23: 60 failed sign-ins in one hour of the window — security/failed_login_burst;
- endpoint `fraud-scoring`: ~800 requests every day, 40 in the window (a broken client) — mlops/endpoint_traffic;
- table `main.sales.orders_clean`: written daily by job `orders-etl`, which silently stopped 3 days ago (not paused)
  — data_quality/stale_table, and the job itself — reliability/job_not_running;
- job `nightly-aggregate`: ~900 s a night for a month, 2,300 s in the window — performance/job_duration_regression;
- job `partner-feed`: daily, silently stopped 3 days ago (no run, no failure, schedule unchanged) — reliability/job_not_running;
- job `invoice-export`: daily, failed on each of the last two days — reliability/failure_streak (two days without its output).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from include.lakehouse.delta_store import write_table
from include.lakehouse.schema import system_table_schema

AS_OF = datetime(2026, 3, 29, tzinfo=UTC)  # a Sunday: the daily window is Saturday
START = AS_OF - timedelta(days=35)
WS = "1111222233334444"
DECOYS = {("cost", "sku_spike", f"{WS}/PREMIUM_JOBS_SERVERLESS_COMPUTE"),
          ("security", "unusual_read_volume", "export-bot@example.com"),
          ("mlops", "endpoint_traffic", "weekday-api"), ("data_quality", "stale_table", "main.ops.legacy_export"),
          ("performance", "job_duration_regression", "noisy-stable"), ("reliability", "job_not_running", "weekly-report"),
          ("reliability", "failure_streak", "hourly-sync")}
INCIDENTS = {("cost", "sku_spike", f"{WS}/PREMIUM_SQL_PRO_COMPUTE"),
             ("security", "unusual_read_volume", "mallory@example.com"),
             ("security", "failed_login_burst", "198.51.100.23"),
             ("mlops", "endpoint_traffic", "fraud-scoring"), ("data_quality", "stale_table", "main.sales.orders_clean"),
             ("performance", "job_duration_regression", "nightly-aggregate"),
             ("reliability", "job_not_running", "partner-feed"), ("reliability", "job_not_running", "orders-etl"),
             ("reliability", "failure_streak", "invoice-export")}
CHECKS = {"cost": ["sku_spike"], "security": ["unusual_read_volume", "failed_login_burst"],
          "mlops": ["endpoint_traffic"], "data_quality": ["stale_table"], "performance": ["job_duration_regression"],
          "reliability": ["job_not_running", "failure_streak", "failure_rate_change"]}
JOB_IDS = {"orders-etl": "9001", "legacy-export": "9002", "noisy-stable": "9003", "nightly-aggregate": "9004",
           "partner-feed": "9005", "weekly-report": "9006", "invoice-export": "9007", "hourly-sync": "9008"}


def _write(root: Path, table: str, rows: list[dict[str, Any]]) -> None:
    schema = system_table_schema(table)
    write_table(root, table, pa.Table.from_pylist(rows, schema=schema), schema)


def _days() -> list[datetime]:
    return [START + timedelta(days=i) for i in range(35)]


def _serving(root: Path, rng: np.random.Generator) -> None:
    entities, usage = [], []
    for name, sid in (("weekday-api", "se-1"), ("fraud-scoring", "se-2")):
        entities.append({"served_entity_id": sid, "workspace_id": WS, "endpoint_name": name, "endpoint_id": f"ep-{sid}",
                         "entity_name": name, "change_time": START})
    for day in _days():
        weekend = day.weekday() >= 5
        counts = {"se-1": int(rng.normal(15, 3)) if weekend else int(rng.normal(600, 40)),
                  "se-2": 40 if day == AS_OF - timedelta(days=1) else int(rng.normal(800, 50))}
        for sid, n in counts.items():
            for k in range(max(n, 0)):
                usage.append({"workspace_id": WS, "served_entity_id": sid, "status_code": 200,
                              "request_time": day + timedelta(seconds=int(rng.uniform(0, 86399))),
                              "databricks_request_id": f"{sid}-{day:%m%d}-{k}"})
    _write(root, "system.serving.served_entities", entities)
    _write(root, "system.serving.endpoint_usage", usage)


def _job(name: str, *, cron: str | None, paused: bool = False, change: datetime = START) -> dict[str, Any]:
    trigger = {"schedule": {"quartz_cron_expression": cron, "timezone_id": "UTC"}} if cron else None
    return {"workspace_id": WS, "job_id": JOB_IDS[name], "name": name, "change_time": change, "paused": paused,
            "trigger": trigger, "trigger_type": "CRON" if cron else None, "create_time": START}


def _run(name: str, n: int, start: datetime, seconds: float, state: str = "SUCCEEDED") -> dict[str, Any]:
    return {"workspace_id": WS, "job_id": JOB_IDS[name], "run_id": f"{JOB_IDS[name]}{n:04d}", "period_start_time": start,
            "period_end_time": start + timedelta(seconds=seconds), "result_state": state, "trigger_type": "CRON",
            "run_type": "JOB_RUN", "execution_duration_seconds": int(seconds)}


def _lakeflow(root: Path, rng: np.random.Generator) -> None:
    jobs = [_job("orders-etl", cron="0 0 2 * * ?"), _job("legacy-export", cron="0 0 * * * ?"),
            _job("legacy-export", cron="0 0 * * * ?", paused=True, change=AS_OF - timedelta(days=4)),
            _job("noisy-stable", cron="0 0 3 * * ?"), _job("nightly-aggregate", cron="0 30 1 * * ?"),
            _job("partner-feed", cron="0 0 5 * * ?"), _job("weekly-report", cron="0 0 8 ? * MON"),
            _job("invoice-export", cron="0 0 6 * * ?"), _job("hourly-sync", cron="0 15 * * * ?")]
    runs: list[dict[str, Any]] = []
    n = 0
    for day in _days():
        n += 1
        if day < AS_OF - timedelta(days=3):
            runs.append(_run("orders-etl", n, day + timedelta(hours=2), rng.uniform(500, 700)))
            runs.append(_run("partner-feed", n, day + timedelta(hours=5), rng.uniform(200, 300)))
        runs.append(_run("noisy-stable", n, day + timedelta(hours=3), rng.uniform(600, 1500)))
        regressed = day == AS_OF - timedelta(days=1)
        runs.append(_run("nightly-aggregate", n, day + timedelta(hours=1, minutes=30),
                         2300 if regressed else rng.normal(900, 40)))
        if day.weekday() == 0:
            runs.append(_run("weekly-report", n, day + timedelta(hours=8), rng.uniform(300, 400)))
        failing = day >= AS_OF - timedelta(days=2)
        runs.append(_run("invoice-export", n, day + timedelta(hours=6), rng.uniform(300, 400),
                         "FAILED" if failing else "SUCCEEDED"))
        for hour in range(24):
            last_two = day == AS_OF - timedelta(days=1) and hour >= 22
            runs.append(_run("hourly-sync", n * 100 + hour, day + timedelta(hours=hour, minutes=15), rng.uniform(60, 90),
                             "FAILED" if last_two else "SUCCEEDED"))
    _write(root, "system.lakeflow.jobs", jobs)
    _write(root, "system.lakeflow.job_run_timeline", runs)


def _lineage(root: Path) -> None:
    rows = []
    for day in _days():
        if day < AS_OF - timedelta(days=3):
            rows.append({"workspace_id": WS, "entity_type": "JOB", "entity_id": JOB_IDS["orders-etl"],
                         "target_table_full_name": "main.sales.orders_clean", "event_time": day + timedelta(hours=2, minutes=9)})
        for hour in range(24):
            moment = day + timedelta(hours=hour, minutes=5)
            if moment < AS_OF - timedelta(days=4):
                rows.append({"workspace_id": WS, "entity_type": "JOB", "entity_id": JOB_IDS["legacy-export"],
                             "target_table_full_name": "main.ops.legacy_export", "event_time": moment})
    _write(root, "system.access.table_lineage", rows)


def _billing(root: Path, rng: np.random.Generator) -> None:
    prices = [{"sku_name": sku, "cloud": "AZURE", "currency_code": "USD", "usage_unit": "DBU",
               "price_start_time": START - timedelta(days=365),
               "pricing": {"default": Decimal("1"), "promotional": {"default": Decimal("1")},
                           "effective_list": {"default": Decimal("1")}}}
              for sku in ("PREMIUM_JOBS_SERVERLESS_COMPUTE", "PREMIUM_SQL_PRO_COMPUTE")]
    usage = []
    window_day = AS_OF - timedelta(days=1)
    for day in _days():
        spend = {"PREMIUM_JOBS_SERVERLESS_COMPUTE": rng.normal(400, 20) if day.weekday() == 5 else rng.normal(60, 5),
                 "PREMIUM_SQL_PRO_COMPUTE": 600.0 if day == window_day else rng.normal(50, 4)}
        for sku, usd in spend.items():
            for hour in (2, 14):  # two usage records a day
                start = day + timedelta(hours=hour)
                usage.append({"workspace_id": WS, "record_id": f"{sku}-{start:%m%d%H}", "sku_name": sku, "cloud": "AZURE",
                              "usage_start_time": start, "usage_end_time": start + timedelta(hours=1),
                              "usage_date": start.date(), "usage_unit": "DBU",
                              "usage_quantity": Decimal(f"{max(usd, 0) / 2:.6f}"), "custom_tags": {"team": "data"}})
    _write(root, "system.billing.list_prices", prices)
    _write(root, "system.billing.usage", usage)


def _audit(root: Path, rng: np.random.Generator) -> None:
    rows = []
    window_day = AS_OF - timedelta(days=1)

    def read(email: str, at: datetime, k: int) -> dict[str, Any]:
        return {"workspace_id": WS, "event_time": at, "event_date": at.date(), "service_name": "unityCatalog",
                "action_name": "getTable", "user_identity": {"email": email}, "request_params": {"full_name_arg": f"main.s.t{k % 40}"},
                "response": {"status_code": 200}, "source_ip_address": "10.0.0.5", "event_id": f"{email}-{at.timestamp()}-{k}"}

    for day in _days():
        exports = int(rng.normal(1000, 30)) if day.weekday() == 5 else int(rng.normal(10, 2))
        reads = 900 if day == window_day else int(rng.normal(20, 3))
        for k in range(exports):
            rows.append(read("export-bot@example.com", day + timedelta(hours=3, seconds=k), k))
        for k in range(reads):
            rows.append(read("mallory@example.com", day + timedelta(hours=10, seconds=k * 7), k))
    for k in range(60):
        at = window_day + timedelta(hours=4, seconds=k * 50)
        rows.append({"workspace_id": WS, "event_time": at, "event_date": at.date(), "service_name": "accounts",
                     "action_name": "login", "user_identity": {"email": f"user{k % 12}@example.com"},
                     "response": {"status_code": 401}, "source_ip_address": "198.51.100.23", "event_id": f"fail-{k}"})
    _write(root, "system.access.audit", rows)


def build(root: Path, seed: int = 5) -> Path:
    """Write the decoy workload's tables under `root` and return it."""
    rng = np.random.default_rng(seed)
    _billing(root, rng)
    _audit(root, rng)
    _serving(root, rng)
    _lakeflow(root, rng)
    _lineage(root)
    return root


def entity_label(domain: str, entity_type: str, entity_id: str) -> str:
    """Findings name jobs by id; the workload names them."""
    if entity_type in ("job",) and entity_id in JOB_IDS.values():
        return {v: k for k, v in JOB_IDS.items()}.get(entity_id, entity_id)
    return entity_id
