"""A second, independently written workload: the decoys a real workspace has, and the incidents hiding among them.

Written row by row here, not by `include/simulator` (whose data the checks were tuned on), over
the five system tables these situations live in. As of Sunday 2026-03-29 00:00 UTC, with 35 days
of history:

decoys (must not raise a medium-or-higher finding)
- endpoint `weekday-api`: ~600 requests each weekday, ~15 on Saturdays and Sundays (window: a Saturday);
- table `main.ops.legacy_export`: written hourly until its job was paused on purpose 4 days ago;
- job `noisy-stable`: daily, durations 600-1500 s at random, the same spread all along;
- job `weekly-report`: runs on Mondays only (its gaps are a week, so 5 days of silence is normal).

incidents (must be found)
- endpoint `fraud-scoring`: ~800 requests every day, 40 in the window (a broken client) — mlops/endpoint_traffic;
- table `main.sales.orders_clean`: written daily by job `orders-etl`, which silently stopped 3 days ago (not paused)
  — data_quality/stale_table, and the job itself — reliability/job_not_running;
- job `nightly-aggregate`: ~900 s a night for a month, 2,300 s in the window — performance/job_duration_regression;
- job `partner-feed`: daily, silently stopped 3 days ago (no run, no failure, schedule unchanged) — reliability/job_not_running.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from include.lakehouse.delta_store import write_table
from include.lakehouse.schema import system_table_schema

AS_OF = datetime(2026, 3, 29, tzinfo=UTC)  # a Sunday: the daily window is Saturday
START = AS_OF - timedelta(days=35)
WS = "1111222233334444"
DECOYS = {("mlops", "endpoint_traffic", "weekday-api"), ("data_quality", "stale_table", "main.ops.legacy_export"),
          ("performance", "job_duration_regression", "noisy-stable"), ("reliability", "job_not_running", "weekly-report")}
INCIDENTS = {("mlops", "endpoint_traffic", "fraud-scoring"), ("data_quality", "stale_table", "main.sales.orders_clean"),
             ("performance", "job_duration_regression", "nightly-aggregate"),
             ("reliability", "job_not_running", "partner-feed"), ("reliability", "job_not_running", "orders-etl")}
CHECKS = {"mlops": ["endpoint_traffic"], "data_quality": ["stale_table"], "performance": ["job_duration_regression"],
          "reliability": ["job_not_running", "failure_streak", "failure_rate_change"]}
JOB_IDS = {"orders-etl": "9001", "legacy-export": "9002", "noisy-stable": "9003", "nightly-aggregate": "9004",
           "partner-feed": "9005", "weekly-report": "9006"}


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
            _job("partner-feed", cron="0 0 5 * * ?"), _job("weekly-report", cron="0 0 8 ? * MON")]
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


def build(root: Path, seed: int = 5) -> Path:
    """Write the decoy workload's tables under `root` and return it."""
    rng = np.random.default_rng(seed)
    _serving(root, rng)
    _lakeflow(root, rng)
    _lineage(root)
    return root


def entity_label(domain: str, entity_type: str, entity_id: str) -> str:
    """Findings name jobs by id; the workload names them."""
    if entity_type == "job":
        return {v: k for k, v in JOB_IDS.items()}.get(entity_id, entity_id)
    return entity_id
