"""Blind workload 3: "Prairie Current Energy", a regulated electric & gas utility in Texas/Oklahoma.

Written independently of the checks (only the system-table DDL was consulted). Used once to
measure LakePilot's detection recall and precision.

Company
-------
Prairie Current runs smart-meter (AMI) ingestion, grid/SCADA telemetry, outage management,
customer billing and ML load forecasting on Databricks (AWS us-east-1). Workspaces:

- 3318402214550301 ``grid-ops-prod``       meter/SCADA ingestion, outage pipelines (24x7)
- 3318402214550302 ``customer-analytics``  billing, churn, BI warehouses (business hours, CT)
- 3318402214550303 ``ml-forecasting``      training jobs and model-serving endpoints
- 3318402214550304 ``platform-dev``        sandbox / CI

Calendar facts
--------------
- Business time zone America/Chicago. US DST ended Sunday 2026-11-01 02:00 local: from then on
  local 06:00 is 12:00 UTC instead of 11:00 UTC.
- Monitored day: Monday 2026-11-02 (UTC), AS_OF = 2026-11-03T00:00Z. Billing, audit and serving
  history starts 2026-09-07 (57 days, Labor Day included); job runs and lineage start 2026-09-29 (35 days).
- Halloween (Sat 2026-10-31) and the Sunday before are ordinary weekends; October month-end
  close ran on Sunday 2026-11-01 (monthly jobs run on the 1st).
- Labor Day (Mon 2026-09-07) is a company holiday: low business-hours usage that day.

INCIDENTS (should be reported)
------------------------------
cost/sku_spike            3318402214550301/PREMIUM_JOBS_COMPUTE: retry storm on AMI ingest cluster, ~3.9x daily spend
cost/sku_spike            3318402214550302/PREMIUM_ALL_PURPOSE_COMPUTE: 40-node analyst cluster left running day and night, ~2.6x
cost/sku_spike            3318402214550303/PREMIUM_SERVERLESS_REAL_TIME_INFERENCE_US_EAST_N_VIRGINIA: GPU endpoint pinned at max scale, ~2.8x
cost/sku_spike            3318402214550304/PREMIUM_ALL_PURPOSE_COMPUTE: GPU sandbox cluster never auto-terminated, ~5x (small ws)
cost/sku_spike            3318402214550301/PREMIUM_DLT_ADVANCED_COMPUTE: SCADA pipeline stuck in full refresh from 06:00, ~2x
security/failed_login_burst 185.220.101.47: password spray, ~240 failed logins across 60 usernames in one hour
security/failed_login_burst 45.155.205.12: token stuffing, ~70 failed tokenLogin 401s in one hour
security/failed_login_burst 198.51.100.23: slow brute force, ~25 failures/hour for 3 hours against one admin
security/failed_login_burst 203.0.113.77: 45 failures in one hour against the break-glass admin account
security/unusual_read_volume m.keller@prairiecurrent.com: analyst sweeps ~170 tables, ~150 never read before
security/unusual_read_volume sp-billing-export: service principal reads ~60 new tables in customer_pii/hr catalogs
security/unusual_read_volume contractor.rao@partner-gridsoft.com: reads ~35 new customer_pii tables (moderate)
security/unusual_read_volume d.ortiz@prairiecurrent.com: notebook reads ~90 never-read tables in the afternoon
performance/job_duration_regression 610001 ami_meter_reads_ingest: hourly, 10 min -> ~34 min since 09:00
performance/job_duration_regression 610002 grid_load_forecast_train: daily, 45 min -> 140 min
performance/job_duration_regression 610003 billing_invoice_gen: daily, 20 min -> 48 min (moderate)
performance/job_duration_regression 610004 outage_events_merge: every 30 min, 3 min -> 9 min for the last 8 h
reliability/failure_streak 620001 scada_telemetry_load: last 5 runs FAILED (expired storage credential)
reliability/failure_streak 620002 customer_churn_score: last 3 daily runs FAILED
reliability/failure_streak 620003 vendor_weather_sftp_pull: last 4 runs TIMED_OUT
reliability/failure_streak 620004 meter_event_dedup: hourly, last 7 runs FAILED
reliability/job_not_running 630001 substation_kpi_daily: daily 02:00 CT, no run for 3 days, not paused, no failures
reliability/job_not_running 630002 ami_interval_rollup: hourly, no run for the last 10 hours
reliability/job_not_running 630003 trading_positions_sod: MON-FRI 07:30 CT, Friday ran, Monday run missing
reliability/job_not_running 630004 lmp_price_ingest: every 15 min, stopped at 14:00 UTC
data_quality/stale_table grid.silver.feeder_load_15min: writer job runs green but stopped writing it (code change) ~11 h ago
data_quality/stale_table customer.gold.churn_scores: daily table, writer 620002 failing, last write ~3.5 days ago
data_quality/stale_table markets.silver.lmp_prices: 15-min table, writer 630004 stopped ~10 h ago
data_quality/stale_table ops.gold.substation_kpi: daily table, writer 630001 not running, last write ~3.7 days ago
data_quality/stale_table grid.silver.scada_telemetry: 4-hourly table, writer 620001 failing, last write ~24 h ago
mlops/endpoint_traffic outage-eta-predictor: traffic drops to ~6% (mobile app release broke the call)
mlops/endpoint_traffic customer-chat-assistant: ~8x spike from a scraping bot (also at night)
mlops/endpoint_traffic meter-anomaly-scorer: client stops after 09:00 UTC, ~35% of normal
mlops/endpoint_traffic load-forecast-api: ~3.2x spike (runaway retry loop in a trading tool)

DECOYS (look unusual, nobody should be paged)
---------------------------------------------
cost/sku_spike            3318402214550301/PREMIUM_JOBS_SERVERLESS_COMPUTE_US_EAST_N_VIRGINIA: list price +20% on 2026-10-20, usage flat
cost/sku_spike            3318402214550302/PREMIUM_SERVERLESS_SQL_COMPUTE_US_EAST_N_VIRGINIA: weekday-heavy BI warehouse growing ~1.2%/day, Monday like past Mondays
cost/sku_spike            3318402214550302/PREMIUM_JOBS_COMPUTE: very noisy series (CV ~45%), monitored day within its range
cost/sku_spike            3318402214550303/PREMIUM_JOBS_SERVERLESS_COMPUTE_US_EAST_N_VIRGINIA: brand-new SKU since Saturday, ~$15/day
cost/sku_spike            3318402214550304/PREMIUM_SERVERLESS_SQL_COMPUTE_US_EAST_N_VIRGINIA: $0.7/day -> $5, immaterial
cost/sku_spike            3318402214550303/PREMIUM_ALL_PURPOSE_COMPUTE: spend drop to 40% (team at a conference)
security/failed_login_burst 52.14.88.10: corporate NAT egress, hundreds of logins, ~6 failures/hour in business hours every weekday
security/failed_login_burst 34.201.17.5: CI runner, 8 failed tokenLogin after secret rotation then success
security/failed_login_burst 64.71.150.20: VPN egress, Monday-morning password-expiry failures (~14/hour), same as past Mondays
security/failed_login_burst 10.40.2.15: control-room kiosk, ~10 failures every day at 11:00 UTC
security/unusual_read_volume data.steward@prairiecurrent.com: weekly Monday catalog review of ~120 tables, all read before
security/unusual_read_volume sp-powerbi-gateway: reads ~260 tables every day
security/unusual_read_volume n.hughes@prairiecurrent.com: new hire (started last Wednesday), reads 18 tables
security/unusual_read_volume a.brooks@prairiecurrent.com: reads 14 tables, 4 new (new project)
performance/job_duration_regression 610005 ami_quality_checks: noisy (30 +/- 15 min), monitored run 58 min within history
performance/job_duration_regression 610006 gis_asset_sync: queue/setup of 40 min (capacity), execution time normal
performance/job_duration_regression 610007 customer_360_build: grows ~1%/day with data volume
performance/job_duration_regression 610008 rate_case_model: new job, only 2 runs
performance/job_duration_regression 610009 pole_inspection_images: Monday full refresh is always ~3x the weekday runs
reliability/failure_streak 620005 tariff_table_refresh: two failed attempts, ONETIME_RETRY succeeded (latest SUCCEEDED)
reliability/failure_streak 620006 smart_thermostat_sync: flaky, one failure today, latest run succeeded
reliability/failure_streak 620007 legacy_cis_extract: failed 3x three weeks ago, then job deleted
reliability/failure_streak 620008 vegetation_mgmt_scoring: latest run CANCELLED by operator during maintenance, previous ok
reliability/job_not_running 630005 storm_season_backfill: paused 10 days ago
reliability/job_not_running 630006 dst_sensitive_report: 06:00 CT daily, ran at 12:00 UTC after DST change
reliability/job_not_running 630007 legacy_cis_export: deleted 5 days ago
reliability/job_not_running 630008 der_interconnect_sync: schedule changed hourly -> every 6 h four days ago
reliability/job_not_running 630009 monthly_regulatory_filing: monthly on the 1st, ran Nov 1
reliability/job_not_running 630010 weekly_asset_health: Sundays 04:00 CT, ran Sunday
data_quality/stale_table ops.gold.storm_backfill_events: only writer 630005 is paused
data_quality/stale_table finance.gold.regulatory_filing_monthly: monthly on the 1st, written Nov 1
data_quality/stale_table grid.gold.asset_health_weekly: weekly on Sundays, written Sunday
data_quality/stale_table sandbox.adhoc.vendor_backfill: written once by a notebook (not a job) 20 days ago
data_quality/stale_table customer.gold.tariff_rates: writer retried but latest run wrote it today
data_quality/stale_table grid.silver.der_interconnects: writer moved hourly -> every 6 h 4 days ago, last write ~6 h ago
mlops/endpoint_traffic ev-charging-recommender: new endpoint created Saturday, ramping up
mlops/endpoint_traffic bill-explainer-llm: strong weekday pattern, Monday like past Mondays
mlops/endpoint_traffic legacy-credit-risk: endpoint deleted 4 days ago, no traffic
mlops/endpoint_traffic transformer-failure-model: served model version swapped 5 days ago (new served_entity_id), traffic continuous
mlops/endpoint_traffic gis-geocoder-test: tiny endpoint, ~3 -> ~7 requests a day
mlops/endpoint_traffic vegetation-risk-scorer: steady ~1.5%/day growth (storm-season rollout)
"""

from __future__ import annotations

import random
import zlib
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pyarrow as pa

from include.lakehouse.delta_store import write_table
from include.lakehouse.schema import system_table_schema

AS_OF = datetime(2026, 11, 3, tzinfo=UTC)
DAY = AS_OF - timedelta(days=1)  # start of the monitored day
HIST_DAYS = 57
RUN_DAYS = 35
CT = ZoneInfo("America/Chicago")
ACCOUNT = "7d1f3c52-9a4e-4b8e-a1f0-prairie00001"
METASTORE = "ms-5b2e8f10-uc-useast1"
CLOUD = "AWS"

WS_OPS = "3318402214550301"
WS_ANA = "3318402214550302"
WS_ML = "3318402214550303"
WS_DEV = "3318402214550304"

SKU_JOBS = "PREMIUM_JOBS_COMPUTE"
SKU_AP = "PREMIUM_ALL_PURPOSE_COMPUTE"
SKU_DLT = "PREMIUM_DLT_ADVANCED_COMPUTE"
SKU_SQL = "PREMIUM_SERVERLESS_SQL_COMPUTE_US_EAST_N_VIRGINIA"
SKU_JSL = "PREMIUM_JOBS_SERVERLESS_COMPUTE_US_EAST_N_VIRGINIA"
SKU_INF = "PREMIUM_SERVERLESS_REAL_TIME_INFERENCE_US_EAST_N_VIRGINIA"

INCIDENTS: set[tuple[str, str, str]] = {
    ("cost", "sku_spike", f"{WS_OPS}/{SKU_JOBS}"),
    ("cost", "sku_spike", f"{WS_ANA}/{SKU_AP}"),
    ("cost", "sku_spike", f"{WS_ML}/{SKU_INF}"),
    ("cost", "sku_spike", f"{WS_DEV}/{SKU_AP}"),
    ("cost", "sku_spike", f"{WS_OPS}/{SKU_DLT}"),
    ("security", "failed_login_burst", "185.220.101.47"),
    ("security", "failed_login_burst", "45.155.205.12"),
    ("security", "failed_login_burst", "198.51.100.23"),
    ("security", "failed_login_burst", "203.0.113.77"),
    ("security", "unusual_read_volume", "m.keller@prairiecurrent.com"),
    ("security", "unusual_read_volume", "sp-billing-export"),
    ("security", "unusual_read_volume", "contractor.rao@partner-gridsoft.com"),
    ("security", "unusual_read_volume", "d.ortiz@prairiecurrent.com"),
    ("performance", "job_duration_regression", "610001"),
    ("performance", "job_duration_regression", "610002"),
    ("performance", "job_duration_regression", "610003"),
    ("performance", "job_duration_regression", "610004"),
    ("reliability", "failure_streak", "620001"),
    ("reliability", "failure_streak", "620002"),
    ("reliability", "failure_streak", "620003"),
    ("reliability", "failure_streak", "620004"),
    ("reliability", "job_not_running", "630001"),
    ("reliability", "job_not_running", "630002"),
    ("reliability", "job_not_running", "630003"),
    ("reliability", "job_not_running", "630004"),
    ("data_quality", "stale_table", "grid.silver.feeder_load_15min"),
    ("data_quality", "stale_table", "customer.gold.churn_scores"),
    ("data_quality", "stale_table", "markets.silver.lmp_prices"),
    ("data_quality", "stale_table", "ops.gold.substation_kpi"),
    ("data_quality", "stale_table", "grid.silver.scada_telemetry"),
    ("mlops", "endpoint_traffic", "outage-eta-predictor"),
    ("mlops", "endpoint_traffic", "customer-chat-assistant"),
    ("mlops", "endpoint_traffic", "meter-anomaly-scorer"),
    ("mlops", "endpoint_traffic", "load-forecast-api"),
}

DECOYS: set[tuple[str, str, str]] = {
    ("cost", "sku_spike", f"{WS_OPS}/{SKU_JSL}"),
    ("cost", "sku_spike", f"{WS_ANA}/{SKU_SQL}"),
    ("cost", "sku_spike", f"{WS_ANA}/{SKU_JOBS}"),
    ("cost", "sku_spike", f"{WS_ML}/{SKU_JSL}"),
    ("cost", "sku_spike", f"{WS_DEV}/{SKU_SQL}"),
    ("cost", "sku_spike", f"{WS_ML}/{SKU_AP}"),
    ("security", "failed_login_burst", "52.14.88.10"),
    ("security", "failed_login_burst", "34.201.17.5"),
    ("security", "failed_login_burst", "64.71.150.20"),
    ("security", "failed_login_burst", "10.40.2.15"),
    ("security", "unusual_read_volume", "data.steward@prairiecurrent.com"),
    ("security", "unusual_read_volume", "sp-powerbi-gateway"),
    ("security", "unusual_read_volume", "n.hughes@prairiecurrent.com"),
    ("security", "unusual_read_volume", "a.brooks@prairiecurrent.com"),
    ("performance", "job_duration_regression", "610005"),
    ("performance", "job_duration_regression", "610006"),
    ("performance", "job_duration_regression", "610007"),
    ("performance", "job_duration_regression", "610008"),
    ("performance", "job_duration_regression", "610009"),
    ("reliability", "failure_streak", "620005"),
    ("reliability", "failure_streak", "620006"),
    ("reliability", "failure_streak", "620007"),
    ("reliability", "failure_streak", "620008"),
    ("reliability", "job_not_running", "630005"),
    ("reliability", "job_not_running", "630006"),
    ("reliability", "job_not_running", "630007"),
    ("reliability", "job_not_running", "630008"),
    ("reliability", "job_not_running", "630009"),
    ("reliability", "job_not_running", "630010"),
    ("data_quality", "stale_table", "ops.gold.storm_backfill_events"),
    ("data_quality", "stale_table", "finance.gold.regulatory_filing_monthly"),
    ("data_quality", "stale_table", "grid.gold.asset_health_weekly"),
    ("data_quality", "stale_table", "sandbox.adhoc.vendor_backfill"),
    ("data_quality", "stale_table", "customer.gold.tariff_rates"),
    ("data_quality", "stale_table", "grid.silver.der_interconnects"),
    ("mlops", "endpoint_traffic", "ev-charging-recommender"),
    ("mlops", "endpoint_traffic", "bill-explainer-llm"),
    ("mlops", "endpoint_traffic", "legacy-credit-risk"),
    ("mlops", "endpoint_traffic", "transformer-failure-model"),
    ("mlops", "endpoint_traffic", "gis-geocoder-test"),
    ("mlops", "endpoint_traffic", "vegetation-risk-scorer"),
}


def _write(root: Path, full_name: str, rows: list[dict]) -> None:
    schema = system_table_schema(full_name)
    write_table(root, full_name, pa.Table.from_pylist(rows, schema=schema), schema)


def _dec(x: float) -> Decimal:
    return Decimal(f"{x:.6f}")


def _days(n: int) -> list[datetime]:
    """Midnight-UTC starts of the last `n` days, oldest first, ending with the monitored day."""
    return [DAY - timedelta(days=i) for i in range(n - 1, -1, -1)]


def _local_hour(ts: datetime) -> int:
    return ts.astimezone(CT).hour


def _is_business(ts: datetime) -> bool:
    loc = ts.astimezone(CT)
    return loc.weekday() < 5 and 7 <= loc.hour < 18 and loc.date() != date(2026, 9, 7)


# --------------------------------------------------------------------------- billing

_PRICES = {SKU_JOBS: 0.15, SKU_AP: 0.55, SKU_DLT: 0.36, SKU_SQL: 0.70, SKU_JSL: 0.35, SKU_INF: 0.082}
_JSL_PRICE_CHANGE = datetime(2026, 10, 20, tzinfo=UTC)


def _list_prices() -> list[dict]:
    rows = []
    old_start = datetime(2025, 2, 1, tzinfo=UTC)
    for sku, price in _PRICES.items():
        if sku == SKU_JSL:
            periods = [(old_start, _JSL_PRICE_CHANGE, price), (_JSL_PRICE_CHANGE, None, price * 1.2)]
        else:
            # an older, higher price that expired before the history starts
            periods = [(datetime(2024, 6, 1, tzinfo=UTC), old_start, price * 1.1), (old_start, None, price)]
        for start, end, p in periods:
            rows.append(
                {
                    "account_id": ACCOUNT,
                    "price_start_time": start,
                    "price_end_time": end,
                    "sku_name": sku,
                    "cloud": CLOUD,
                    "currency_code": "USD",
                    "usage_unit": "DBU",
                    "pricing": {
                        "default": _dec(p),
                        "promotional": {"default": _dec(p)},
                        "effective_list": {"default": _dec(p)},
                    },
                }
            )
    return rows


# (workspace, sku, dbu/day, shape, cv, growth/day, weekend factor, first day offset)
_BILLING_SPECS = [
    (WS_OPS, SKU_JOBS, 2400, "flat", 0.08, 0.0, 0.92, 0),
    (WS_OPS, SKU_DLT, 900, "flat", 0.05, 0.0, 1.0, 0),
    (WS_OPS, SKU_JSL, 600, "flat", 0.07, 0.0, 0.95, 0),
    (WS_OPS, SKU_AP, 300, "business", 0.12, 0.0, 0.15, 0),
    (WS_ANA, SKU_SQL, 500, "business", 0.10, 0.012, 0.2, 0),
    (WS_ANA, SKU_AP, 380, "business", 0.12, 0.0, 0.15, 0),
    (WS_ANA, SKU_JOBS, 400, "flat", 0.45, 0.0, 1.0, 0),
    (WS_ML, SKU_INF, 1800, "flat", 0.06, 0.0, 0.9, 0),
    (WS_ML, SKU_JOBS, 800, "sunday_retrain", 0.10, 0.0, 1.0, 0),
    (WS_ML, SKU_AP, 260, "business", 0.12, 0.0, 0.15, 0),
    (WS_ML, SKU_JSL, 40, "flat", 0.10, 0.0, 1.0, HIST_DAYS - 3),
    (WS_DEV, SKU_AP, 150, "business", 0.15, 0.0, 0.1, 0),
    (WS_DEV, SKU_JOBS, 60, "flat", 0.30, 0.0, 1.0, 0),
    (WS_DEV, SKU_SQL, 1.0, "flat", 0.40, 0.0, 1.0, 0),
]


def _billing_hour_factor(ws: str, sku: str, ts: datetime) -> float:
    """Monitored-day incident/decoy multipliers for one hourly usage row."""
    if ts < DAY:
        return 1.0
    h = ts.hour
    key = (ws, sku)
    if key == (WS_OPS, SKU_JOBS):
        return 3.6
    if key == (WS_ANA, SKU_AP):
        return 2.3 if _is_business(ts) else 6.0  # runs all night too
    if key == (WS_ML, SKU_INF):
        return 2.8
    if key == (WS_DEV, SKU_AP):
        return 5.0 if _is_business(ts) else 14.0
    if key == (WS_OPS, SKU_DLT):
        return 2.3 if h >= 6 else 1.0
    if key == (WS_DEV, SKU_SQL):
        return 7.0
    if key == (WS_ML, SKU_AP):
        return 0.4
    return 1.0


def _usage(rng: random.Random) -> list[dict]:
    rows = []
    days = _days(HIST_DAYS)
    for ws, sku, base, shape, cv, growth, wkend, first in _BILLING_SPECS:
        for di, day in enumerate(days):
            if di < first:
                continue
            daily = base * (1 + growth) ** di
            loc_wd = day.weekday()
            if shape == "sunday_retrain" and loc_wd == 6:
                daily *= 3.0
            if loc_wd >= 5:
                daily *= wkend
            if ws == WS_ANA and sku == SKU_JOBS:
                daily *= max(0.25, rng.lognormvariate(0, cv))
                if day == DAY:
                    daily = base * 1.5
            else:
                daily *= max(0.3, rng.gauss(1.0, cv))
            if ws == WS_ML and sku == SKU_JSL:  # ramping new SKU
                daily *= 0.5 + 0.25 * (di - first)
            for h in range(24):
                ts = day + timedelta(hours=h)
                if shape == "business":
                    w = 1.0 / 11 * 0.85 if _is_business(ts) else 0.15 / 13
                    if loc_wd >= 5 or day.date() == date(2026, 9, 7):
                        w = 1 / 24
                else:
                    w = 1 / 24
                q = daily * w * rng.uniform(0.9, 1.1) * _billing_hour_factor(ws, sku, ts)
                if q <= 0:
                    continue
                meta: dict = {}
                if sku in (SKU_JOBS, SKU_JSL):
                    meta = {"job_id": f"{600000 + (h % 7)}", "job_run_id": f"{rng.randrange(10**12, 10**13)}"}
                elif sku == SKU_INF:
                    meta = {"endpoint_name": "load-forecast-api", "endpoint_id": "ep-lfa-01"}
                elif sku == SKU_SQL:
                    meta = {"warehouse_id": f"wh{ws[-2:]}a91c"}
                else:
                    meta = {"cluster_id": f"1102-{ws[-2:]}{sku[8:11].lower()}-cl"}
                rows.append(
                    {
                        "account_id": ACCOUNT,
                        "workspace_id": ws,
                        "record_id": f"u-{ws[-2:]}-{len(rows):07d}",
                        "sku_name": sku,
                        "cloud": CLOUD,
                        "usage_start_time": ts,
                        "usage_end_time": ts + timedelta(hours=1),
                        "usage_date": ts.date(),
                        "custom_tags": [("cost_center", f"cc-{ws[-2:]}")],
                        "usage_unit": "DBU",
                        "usage_quantity": _dec(q),
                        "usage_metadata": meta,
                        "identity_metadata": {"run_as": "svc-platform@prairiecurrent.com"},
                        "record_type": "ORIGINAL",
                        "ingestion_date": ts.date(),
                        "billing_origin_product": {
                            SKU_JOBS: "JOBS",
                            SKU_JSL: "JOBS",
                            SKU_AP: "ALL_PURPOSE",
                            SKU_DLT: "DLT",
                            SKU_SQL: "SQL",
                            SKU_INF: "MODEL_SERVING",
                        }[sku],
                        "product_features": {
                            "is_serverless": sku in (SKU_SQL, SKU_JSL, SKU_INF),
                            "is_photon": False,
                        },
                        "usage_type": "COMPUTE_TIME",
                    }
                )
    return rows


# --------------------------------------------------------------------------- jobs

RUN_START = AS_OF - timedelta(days=RUN_DAYS)
JOB_CREATED = datetime(2026, 6, 15, 14, 0, tzinfo=UTC)


def _local_daily(
    hh: int, mm: int, weekdays: set[int] | None = None, dom: int | None = None
) -> list[datetime]:
    """UTC start times of a local (America/Chicago) daily schedule inside the run window."""
    out = []
    d = (RUN_START - timedelta(days=1)).astimezone(CT).date()
    while d <= AS_OF.date():
        if (weekdays is None or d.weekday() in weekdays) and (dom is None or d.day == dom):
            ts = datetime(d.year, d.month, d.day, hh, mm, tzinfo=CT).astimezone(UTC)
            if RUN_START <= ts < AS_OF:
                out.append(ts)
        d += timedelta(days=1)
    return out


def _every(
    minutes: int, offset_min: int = 0, start: datetime = RUN_START, end: datetime = AS_OF
) -> list[datetime]:
    out = []
    ts = start.replace(minute=0, second=0, microsecond=0) + timedelta(minutes=offset_min)
    while ts < end:
        if ts >= start:
            out.append(ts)
        ts += timedelta(minutes=minutes)
    return out


# job_id -> (workspace, name, cron, timezone, owner)
_JOBS: dict[str, tuple[str, str, str, str, str]] = {
    "600001": (WS_OPS, "ami_raw_to_bronze", "0 2 * * * ?", "UTC", "svc-ami@prairiecurrent.com"),
    "600002": (WS_OPS, "scada_bronze_to_silver", "0 0/30 * * * ?", "UTC", "svc-scada@prairiecurrent.com"),
    "600003": (
        WS_ANA,
        "daily_customer_usage_summary",
        "0 30 3 * * ?",
        "America/Chicago",
        "svc-billing@prairiecurrent.com",
    ),
    "600004": (
        WS_OPS,
        "outage_report_daily",
        "0 15 5 * * ?",
        "America/Chicago",
        "svc-oms@prairiecurrent.com",
    ),
    "600010": (WS_OPS, "feeder_load_pipeline", "0 0/15 * * * ?", "UTC", "svc-scada@prairiecurrent.com"),
    "610001": (WS_OPS, "ami_meter_reads_ingest", "0 5 * * * ?", "UTC", "svc-ami@prairiecurrent.com"),
    "610002": (
        WS_ML,
        "grid_load_forecast_train",
        "0 0 1 * * ?",
        "America/Chicago",
        "svc-ml@prairiecurrent.com",
    ),
    "610003": (
        WS_ANA,
        "billing_invoice_gen",
        "0 0 4 * * ?",
        "America/Chicago",
        "svc-billing@prairiecurrent.com",
    ),
    "610004": (WS_OPS, "outage_events_merge", "0 10/30 * * * ?", "UTC", "svc-oms@prairiecurrent.com"),
    "610005": (WS_OPS, "ami_quality_checks", "0 0 3 * * ?", "America/Chicago", "svc-ami@prairiecurrent.com"),
    "610006": (WS_OPS, "gis_asset_sync", "0 0 5 * * ?", "America/Chicago", "svc-gis@prairiecurrent.com"),
    "610007": (
        WS_ANA,
        "customer_360_build",
        "0 30 2 * * ?",
        "America/Chicago",
        "svc-billing@prairiecurrent.com",
    ),
    "610008": (WS_ANA, "rate_case_model", "0 0 7 * * ?", "America/Chicago", "r.singh@prairiecurrent.com"),
    "610009": (
        WS_OPS,
        "pole_inspection_images",
        "0 0 6 * * ?",
        "America/Chicago",
        "svc-gis@prairiecurrent.com",
    ),
    "620001": (WS_OPS, "scada_telemetry_load", "0 0 0/4 * * ?", "UTC", "svc-scada@prairiecurrent.com"),
    "620002": (WS_ANA, "customer_churn_score", "0 0 5 * * ?", "America/Chicago", "svc-ml@prairiecurrent.com"),
    "620003": (WS_OPS, "vendor_weather_sftp_pull", "0 0 0/6 * * ?", "UTC", "svc-weather@prairiecurrent.com"),
    "620004": (WS_OPS, "meter_event_dedup", "0 20 * * * ?", "UTC", "svc-ami@prairiecurrent.com"),
    "620005": (
        WS_ANA,
        "tariff_table_refresh",
        "0 30 6 * * ?",
        "America/Chicago",
        "svc-billing@prairiecurrent.com",
    ),
    "620006": (WS_ANA, "smart_thermostat_sync", "0 40 * * * ?", "UTC", "svc-der@prairiecurrent.com"),
    "620007": (
        WS_ANA,
        "legacy_cis_extract",
        "0 0 2 * * ?",
        "America/Chicago",
        "svc-billing@prairiecurrent.com",
    ),
    "620008": (WS_OPS, "vegetation_mgmt_scoring", "0 0 20 * * ?", "UTC", "svc-gis@prairiecurrent.com"),
    "630001": (
        WS_OPS,
        "substation_kpi_daily",
        "0 0 2 * * ?",
        "America/Chicago",
        "svc-oms@prairiecurrent.com",
    ),
    "630002": (WS_OPS, "ami_interval_rollup", "0 15 * * * ?", "UTC", "svc-ami@prairiecurrent.com"),
    "630003": (
        WS_ANA,
        "trading_positions_sod",
        "0 30 7 ? * MON-FRI",
        "America/Chicago",
        "svc-trading@prairiecurrent.com",
    ),
    "630004": (WS_ANA, "lmp_price_ingest", "0 0/15 * * * ?", "UTC", "svc-trading@prairiecurrent.com"),
    "630005": (
        WS_OPS,
        "storm_season_backfill",
        "0 0 1 * * ?",
        "America/Chicago",
        "svc-oms@prairiecurrent.com",
    ),
    "630006": (
        WS_OPS,
        "morning_reliability_report",
        "0 0 6 * * ?",
        "America/Chicago",
        "svc-oms@prairiecurrent.com",
    ),
    "630007": (
        WS_ANA,
        "legacy_cis_export",
        "0 0 3 * * ?",
        "America/Chicago",
        "svc-billing@prairiecurrent.com",
    ),
    "630008": (WS_OPS, "der_interconnect_sync", "0 10 0/6 * * ?", "UTC", "svc-der@prairiecurrent.com"),
    "630009": (
        WS_ANA,
        "monthly_regulatory_filing",
        "0 0 3 1 * ?",
        "America/Chicago",
        "svc-finance@prairiecurrent.com",
    ),
    "630010": (
        WS_OPS,
        "weekly_asset_health",
        "0 0 4 ? * SUN",
        "America/Chicago",
        "svc-gis@prairiecurrent.com",
    ),
}

_PAUSE_630005 = datetime(2026, 10, 23, 15, 12, tzinfo=UTC)
_DELETE_620007 = datetime(2026, 10, 14, 16, 40, tzinfo=UTC)
_DELETE_630007 = datetime(2026, 10, 29, 14, 5, tzinfo=UTC)
_SCHED_630008 = datetime(2026, 10, 29, 12, 0, tzinfo=UTC)
_CREATE_610008 = datetime(2026, 10, 31, 16, 20, tzinfo=UTC)


def _job_row(
    job_id: str,
    change: datetime,
    cron: str | None = None,
    paused: bool = False,
    deleted: datetime | None = None,
) -> dict:
    ws, name, cron0, tz, owner = _JOBS[job_id]
    created = _CREATE_610008 if job_id == "610008" else JOB_CREATED
    return {
        "account_id": ACCOUNT,
        "workspace_id": ws,
        "job_id": job_id,
        "name": name,
        "creator_id": "4471203391",
        "tags": [("team", name.split("_")[0]), ("env", "prod")],
        "run_as": owner,
        "change_time": change,
        "delete_time": deleted,
        "description": f"{name.replace('_', ' ')} (managed by DABs)",
        "trigger": {"schedule": {"quartz_cron_expression": cron or cron0, "timezone_id": tz}},
        "trigger_type": "CRON",
        "run_as_user_name": owner,
        "creator_user_name": "platform.eng@prairiecurrent.com",
        "paused": paused,
        "timeout_seconds": 1800 if job_id == "620003" else 0,
        "health_rules": None,
        "deployment": {"kind": "BUNDLE", "metadata_file_path": f"/Workspace/bundles/{name}/metadata.json"},
        "create_time": created,
    }


def _jobs_rows() -> list[dict]:
    rows = []
    for job_id in _JOBS:
        created = _CREATE_610008 if job_id == "610008" else JOB_CREATED
        rows.append(_job_row(job_id, created))
        # a routine redeploy for most jobs, no semantic change
        if int(job_id) % 3 == 0:
            rows.append(_job_row(job_id, datetime(2026, 10, 7, 18, int(job_id) % 60, tzinfo=UTC)))
    rows.append(_job_row("630005", _PAUSE_630005, paused=True))
    rows.append(_job_row("620007", _DELETE_620007, deleted=_DELETE_620007))
    rows.append(_job_row("630007", _DELETE_630007, deleted=_DELETE_630007))
    rows.append(_job_row("630008", _SCHED_630008, cron="0 10 0/6 * * ?"))
    # 630008 used to be hourly; fix the original row's cron
    for r in rows:
        if r["job_id"] == "630008" and r["change_time"] < _SCHED_630008:
            r["trigger"] = {"schedule": {"quartz_cron_expression": "0 10 * * * ?", "timezone_id": "UTC"}}
    return rows


# A run: start, queue s, setup s, exec s, cleanup s, result_state, trigger, termination_code
Run = tuple[datetime, int, int, int, int, str, str, str]
_TERM_OK = ("SUCCEEDED", "SUCCESS")


def _mk(
    start: datetime,
    exec_s: float,
    state: str = "SUCCEEDED",
    trigger: str = "CRON",
    code: str | None = None,
    queue: int = 0,
    setup: int = 60,
    cleanup: int = 15,
) -> Run:
    codes = {
        "SUCCEEDED": "SUCCESS",
        "FAILED": "RUN_EXECUTION_ERROR",
        "TIMED_OUT": "RUN_EXECUTION_ERROR",
        "CANCELLED": "CANCELLED",
    }
    return (start, queue, setup, max(5, int(exec_s)), cleanup, state, trigger, code or codes[state])


def _job_runs(rng: random.Random) -> dict[str, list[Run]]:
    R: dict[str, list[Run]] = {}
    today = DAY

    def g(mu: float, sd: float) -> float:
        return max(mu * 0.3, rng.gauss(mu, sd))

    # background jobs
    R["600001"] = [_mk(t, g(420, 40)) for t in _every(60, 2)]
    R["600002"] = [_mk(t, g(300, 30)) for t in _every(30)]
    R["600003"] = [_mk(t, g(1500, 120)) for t in _local_daily(3, 30)]
    R["600004"] = [
        _mk(t, g(600, 60), "FAILED" if i == 9 else "SUCCEEDED") for i, t in enumerate(_local_daily(5, 15))
    ]
    R["600010"] = [_mk(t, g(240, 25)) for t in _every(15)]

    # duration regressions
    R["610001"] = [
        _mk(t, g(2040, 100) if t >= today + timedelta(hours=9) else g(600, 55)) for t in _every(60, 5)
    ]
    R["610002"] = [_mk(t, 8400 if t >= today else g(2700, 250)) for t in _local_daily(1, 0)]
    R["610003"] = [_mk(t, 2880 if t >= today else g(1200, 100)) for t in _local_daily(4, 0)]
    R["610004"] = [
        _mk(t, g(540, 30) if t >= today + timedelta(hours=16) else g(180, 18)) for t in _every(30, 10)
    ]
    # duration decoys
    noisy = []
    forced = {5: 3900, 12: 4200, 19: 3600, 26: 3100}
    for i, t in enumerate(_local_daily(3, 0)):
        sec = forced.get(i, max(600, rng.lognormvariate(7.4, 0.45)))
        noisy.append(_mk(t, 3480 if t >= today else sec))
    R["610005"] = noisy
    R["610006"] = [
        _mk(
            t, g(900, 60), queue=2400 if t >= today else rng.randint(0, 120), setup=900 if t >= today else 240
        )
        for t in _local_daily(5, 0)
    ]
    R["610007"] = [
        _mk(t, 3000 * 1.01**i * rng.uniform(0.97, 1.03)) for i, t in enumerate(_local_daily(2, 30))
    ]
    R["610008"] = [
        _mk(t, s)
        for t, s in zip([x for x in _local_daily(7, 0) if x > _CREATE_610008], [5400, 6100], strict=False)
    ]
    R["610009"] = [
        _mk(t, g(3600, 200) if t.astimezone(CT).weekday() == 0 else g(1200, 90)) for t in _local_daily(6, 0)
    ]

    # failure streaks
    runs = []
    for t in _every(240):
        if t >= today + timedelta(hours=4):
            runs.append(_mk(t, g(90, 10), "FAILED", code="STORAGE_ACCESS_ERROR"))
        else:
            runs.append(_mk(t, g(900, 70)))
    R["620001"] = runs
    R["620002"] = [
        _mk(t, g(300, 30), "FAILED", code="RUN_EXECUTION_ERROR")
        if t >= today - timedelta(days=2)
        else _mk(t, g(1300, 110))
        for t in _local_daily(5, 0)
    ]
    R["620003"] = [_mk(t, 1800, "TIMED_OUT") if t >= today else _mk(t, g(1500, 120)) for t in _every(360)]
    R["620004"] = [
        _mk(t, g(120, 15), "FAILED", code="DRIVER_ERROR")
        if t >= today + timedelta(hours=17) or t == today - timedelta(days=12, hours=-5, minutes=-20)
        else _mk(t, g(400, 35))
        for t in _every(60, 20)
    ]
    # failure-streak decoys
    runs = []
    for t in _local_daily(6, 30):
        if t >= today:
            runs.append(_mk(t, 200, "FAILED", code="CLUSTER_ERROR"))
            runs.append(_mk(t + timedelta(minutes=9), 210, "FAILED", "ONETIME_RETRY", code="CLUSTER_ERROR"))
            runs.append(_mk(t + timedelta(minutes=20), g(700, 40), "SUCCEEDED", "ONETIME_RETRY"))
        else:
            runs.append(_mk(t, g(700, 40)))
    R["620005"] = runs
    R["620006"] = [
        _mk(
            t,
            g(180, 20),
            "FAILED"
            if (rng.random() < 0.05 or t == today + timedelta(hours=14, minutes=40))
            and t != today + timedelta(hours=23, minutes=40)
            else "SUCCEEDED",
            code="CLOUD_FAILURE" if rng.random() < 0.5 else "DRIVER_ERROR",
        )
        for t in _every(60, 40)
    ]
    runs = []
    for t in _local_daily(2, 0):
        if t > _DELETE_620007:
            break
        bad = t > _DELETE_620007 - timedelta(days=3)
        runs.append(_mk(t, g(200, 20), "FAILED", code="STORAGE_ACCESS_ERROR") if bad else _mk(t, g(1100, 90)))
    R["620007"] = runs
    R["620008"] = [
        _mk(t, 2400, "CANCELLED") if t >= today else _mk(t, g(2300, 150)) for t in _every(1440, 20 * 60)
    ]

    # not running
    R["630001"] = [
        _mk(t, g(800, 60)) for t in _local_daily(2, 0) if t < datetime(2026, 10, 30, 12, tzinfo=UTC)
    ]
    R["630002"] = [_mk(t, g(300, 30)) for t in _every(60, 15) if t < today + timedelta(hours=14)]
    R["630003"] = [_mk(t, g(600, 50)) for t in _local_daily(7, 30, weekdays={0, 1, 2, 3, 4}) if t < today]
    R["630004"] = [_mk(t, g(120, 12)) for t in _every(15) if t < today + timedelta(hours=14)]
    # not-running decoys
    R["630005"] = [_mk(t, g(1500, 100)) for t in _local_daily(1, 0) if t < _PAUSE_630005]
    R["630006"] = [_mk(t, g(420, 40)) for t in _local_daily(6, 0)]
    R["630007"] = [_mk(t, g(500, 40)) for t in _local_daily(3, 0) if t < _DELETE_630007]
    R["630008"] = [_mk(t, g(240, 20)) for t in _every(60, 10) if t < _SCHED_630008] + [
        _mk(t, g(290, 25)) for t in _every(360, 10) if t >= _SCHED_630008
    ]
    R["630009"] = [_mk(t, g(5400, 300)) for t in _local_daily(3, 0, dom=1)]
    R["630010"] = [_mk(t, g(2700, 200)) for t in _local_daily(4, 0, weekdays={6})]
    # a couple of manual (ONETIME) re-runs of healthy jobs
    R["600003"].append(_mk(today - timedelta(days=6) + timedelta(hours=16), 1550, trigger="ONETIME"))
    R["610007"].append(_mk(today - timedelta(days=9) + timedelta(hours=18), 3200, trigger="ONETIME"))
    for runs in R.values():
        runs.sort(key=lambda r: r[0])
    return R


def _timeline_rows(runs: dict[str, list[Run]]) -> tuple[list[dict], dict[tuple[str, int], str]]:
    rows = []
    run_ids: dict[tuple[str, int], str] = {}
    rid = 880000000000
    for job_id, job_runs in runs.items():
        ws, name, *_ = _JOBS[job_id]
        for i, (start, queue, setup, exe, cleanup, state, trig, code) in enumerate(job_runs):
            rid += 7
            run_id = str(rid)
            run_ids[(job_id, i)] = run_id
            end = start + timedelta(seconds=queue + setup + exe + cleanup)
            if end > AS_OF:  # still running at AS_OF: not materialised here
                end = AS_OF
            cluster = f"job-{run_id[-6:]}-{ws[-2:]}"
            cuts = [start]
            nxt = start.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
            while nxt < end:
                cuts.append(nxt)
                nxt += timedelta(hours=1)
            cuts.append(end)
            for k in range(len(cuts) - 1):
                final = k == len(cuts) - 2
                rows.append(
                    {
                        "account_id": ACCOUNT,
                        "workspace_id": ws,
                        "job_id": job_id,
                        "run_id": run_id,
                        "period_start_time": cuts[k],
                        "period_end_time": cuts[k + 1],
                        "trigger_type": trig,
                        "result_state": state if final else None,
                        "run_type": "JOB_RUN",
                        "run_name": name,
                        "compute_ids": [cluster],
                        "termination_code": code if final else None,
                        "job_parameters": None,
                        "source_task_run_id": None,
                        "root_task_run_id": None,
                        "compute": [{"type": "JOBS_COMPUTE", "cluster_id": cluster, "warehouse_id": None}],
                        "termination_type": (
                            {"SUCCEEDED": "SUCCESS", "CANCELLED": "USER_CANCELED"}.get(state, "CLIENT_ERROR")
                            if final
                            else None
                        ),
                        "setup_duration_seconds": setup if final else None,
                        "queue_duration_seconds": queue if final else None,
                        "run_duration_seconds": setup + exe + cleanup if final else None,
                        "cleanup_duration_seconds": cleanup if final else None,
                        "execution_duration_seconds": exe if final else None,
                    }
                )
    return rows, run_ids


# --------------------------------------------------------------------------- lineage

# job_id -> (tables read, tables written)
_JOB_IO: dict[str, tuple[list[str], list[str]]] = {
    "600001": (["grid.landing.ami_files"], ["grid.bronze.ami_reads"]),
    "600002": (["grid.bronze.scada_points"], ["grid.silver.scada_points"]),
    "600003": (["grid.silver.ami_interval", "customer.silver.accounts"], ["customer.gold.daily_usage"]),
    "600004": (["ops.silver.outage_events"], ["ops.gold.outage_daily"]),
    "600010": (["grid.silver.scada_points"], ["grid.silver.feeder_load_15min"]),
    "610001": (["grid.landing.ami_files"], ["grid.bronze.ami_meter_reads"]),
    "610002": (
        ["grid.silver.feeder_load_15min", "ml.features.weather_hourly"],
        ["ml.forecast.load_forecast"],
    ),
    "610003": (["customer.gold.daily_usage", "customer.gold.tariff_rates"], ["customer.gold.invoices"]),
    "610004": (["ops.bronze.oms_events"], ["ops.silver.outage_events"]),
    "610005": (["grid.bronze.ami_meter_reads"], ["grid.gold.ami_quality"]),
    "610006": (["grid.landing.gis_export"], ["grid.silver.gis_assets"]),
    "610007": (["customer.silver.accounts", "customer.gold.invoices"], ["customer.gold.customer_360"]),
    "610008": (["finance.gold.revenue_by_class"], ["finance.gold.rate_case_scenarios"]),
    "610009": (["grid.landing.drone_images"], ["grid.silver.pole_images_index"]),
    "620001": (["grid.bronze.scada_raw"], ["grid.silver.scada_telemetry"]),
    "620002": (["customer.gold.customer_360"], ["customer.gold.churn_scores"]),
    "620005": (["finance.gold.tariff_filings"], ["customer.gold.tariff_rates"]),
    "620006": (["customer.bronze.thermostat_api"], ["customer.silver.thermostat_readings"]),
    "630001": (["ops.silver.substation_events"], ["ops.gold.substation_kpi"]),
    "630004": (["markets.bronze.ercot_lmp"], ["markets.silver.lmp_prices"]),
    "630005": (["ops.silver.outage_events"], ["ops.gold.storm_backfill_events"]),
    "630006": (["ops.gold.outage_daily"], ["ops.gold.morning_reliability"]),
    "630008": (["grid.bronze.der_applications"], ["grid.silver.der_interconnects"]),
    "630009": (["finance.gold.revenue_by_class"], ["finance.gold.regulatory_filing_monthly"]),
    "630010": (["grid.silver.gis_assets", "grid.gold.ami_quality"], ["grid.gold.asset_health_weekly"]),
}
_FEEDER_SWITCH = DAY + timedelta(hours=13)


def _lineage_row(
    ws: str,
    src: str | None,
    tgt: str | None,
    when: datetime,
    who: str,
    entity_type: str | None,
    entity_id: str | None,
    run_id: str | None,
    n: int,
) -> dict:
    def parts(name: str | None) -> tuple:
        return tuple(name.split(".")) if name else (None, None, None)

    sc, ss, sn = parts(src)
    tc, ts_, tn = parts(tgt)
    return {
        "account_id": ACCOUNT,
        "metastore_id": METASTORE,
        "workspace_id": ws,
        "entity_type": entity_type,
        "entity_id": entity_id,
        "entity_run_id": run_id,
        "source_table_full_name": src,
        "source_table_catalog": sc,
        "source_table_schema": ss,
        "source_table_name": sn,
        "source_path": None,
        "source_type": "TABLE" if src else None,
        "target_table_full_name": tgt,
        "target_table_catalog": tc,
        "target_table_schema": ts_,
        "target_table_name": tn,
        "target_path": None,
        "target_type": "TABLE" if tgt else None,
        "created_by": who,
        "event_time": when,
        "event_date": when.date(),
        "record_id": f"lr-{n:08d}",
        "event_id": f"le-{n:08d}",
        "statement_id": None,
        "entity_metadata": {"job_info": {"job_id": entity_id, "job_run_id": run_id}}
        if entity_type == "JOB"
        else ({"notebook_id": "30391775201"} if entity_type == "NOTEBOOK" else None),
        "direct_access": False,
    }


def _job_lineage(runs: dict[str, list[Run]], run_ids: dict[tuple[str, int], str]) -> list[dict]:
    rows: list[dict] = []
    for job_id, (srcs, tgts) in _JOB_IO.items():
        ws, _name, _c, _tz, owner = _JOBS[job_id]
        for i, (start, queue, setup, exe, _cl, state, _t, _code) in enumerate(runs[job_id]):
            run_id = run_ids[(job_id, i)]
            t_read = start + timedelta(seconds=queue + setup + 20)
            for src in srcs:
                if t_read < AS_OF:
                    rows.append(_lineage_row(ws, src, None, t_read, owner, "JOB", job_id, run_id, len(rows)))
            if state != "SUCCEEDED":
                continue
            t_write = start + timedelta(seconds=queue + setup + exe - 10)
            if t_write >= AS_OF:
                continue
            for tgt in tgts:
                if job_id == "600010" and t_write >= _FEEDER_SWITCH:
                    tgt = "grid.silver.feeder_load_15min_v2"
                rows.append(_lineage_row(ws, srcs[0], tgt, t_write, owner, "JOB", job_id, run_id, len(rows)))
    # one-off notebook backfill of a sandbox table
    rows.append(
        _lineage_row(
            WS_DEV,
            "grid.landing.vendor_dump",
            "sandbox.adhoc.vendor_backfill",
            AS_OF - timedelta(days=20, hours=7),
            "j.park@prairiecurrent.com",
            "NOTEBOOK",
            "30391775201",
            None,
            len(rows),
        )
    )
    return rows


# --------------------------------------------------------------------------- table reads

_NOUNS = [
    "meter",
    "feeder",
    "substation",
    "outage",
    "crew",
    "asset",
    "pole",
    "transformer",
    "tariff",
    "invoice",
    "payment",
    "account",
    "premise",
    "weather",
    "load",
    "der",
    "solar",
    "ev",
    "gas_main",
    "valve",
    "work_order",
    "vendor",
    "inspection",
    "storm",
    "rate",
    "contract",
    "kwh",
    "demand",
]
_SUFFIX = [
    "daily",
    "hourly",
    "events",
    "snapshot",
    "history",
    "summary",
    "dim",
    "fact",
    "current",
    "audit",
    "agg",
    "scd",
    "monthly",
    "kpi",
    "map",
]
_SCHEMAS = [
    "grid.silver",
    "grid.gold",
    "customer.silver",
    "customer.gold",
    "ops.silver",
    "ops.gold",
    "markets.silver",
    "finance.gold",
    "ml.features",
]
_SENSITIVE = ["customer_pii.core", "customer_pii.payments", "hr.people", "finance.ledger"]
EMP = "@prairiecurrent.com"


def _universe(rng: random.Random) -> tuple[list[str], list[str]]:
    names = [f"{n}_{s}" for n in _NOUNS for s in _SUFFIX]
    rng.shuffle(names)
    general = [f"{_SCHEMAS[i % len(_SCHEMAS)]}.{n}" for i, n in enumerate(names[:330])]
    sensitive = [f"{_SENSITIVE[i % len(_SENSITIVE)]}.{n}" for i, n in enumerate(names[330:420])]
    return general, sensitive


def _read_plan(rng: random.Random) -> list[tuple[str, str, datetime, str]]:
    """(identity, table, time, workspace) read events over the audit history."""
    general, sensitive = _universe(rng)
    ev: list[tuple[str, str, datetime, str]] = []
    days = _days(HIST_DAYS)

    def at(day: datetime, lo: int, hi: int) -> datetime:
        return day + timedelta(
            hours=rng.randint(lo, hi), minutes=rng.randint(0, 59), seconds=rng.randint(0, 59)
        )

    def emit(who: str, tables: list[str], day: datetime, ws: str, lo: int = 13, hi: int = 22) -> None:
        for t in tables:
            for _ in range(1 if rng.random() < 0.7 else 2):
                ev.append((who, t, at(day, lo, hi), ws))

    analysts = [
        "j.park",
        "l.nguyen",
        "s.okafor",
        "t.vance",
        "r.singh",
        "e.morales",
        "k.chen",
        "b.adeyemi",
        "p.lindqvist",
        "h.yamada",
        "m.keller",
        "d.ortiz",
        "a.brooks",
    ]
    for name in analysts:
        who = name + EMP
        ws = WS_ANA if zlib.crc32(name.encode()) % 2 else WS_ML
        size = 15 if name == "a.brooks" else rng.randint(12, 24)
        wset = rng.sample(general[:200], size)
        for day in days:
            wd = day.weekday()
            if wd >= 5 or day.date() == date(2026, 9, 7):
                if rng.random() < 0.2:
                    emit(who, rng.sample(wset, rng.randint(1, 3)), day, ws)
                continue
            k = min(len(wset), rng.randint(6, 10) if name == "a.brooks" else rng.randint(4, 12))
            todays = rng.sample(wset, k)
            if day < DAY and rng.random() < 0.12:  # occasional genuinely new table
                extra = rng.choice(general[:200])
                wset.append(extra)
                todays.append(extra)
            if day == DAY:
                seen = set(wset)
                if name == "m.keller":
                    fresh = [t for t in general[200:] + sensitive if t not in seen][:160]
                    emit(who, todays, day, ws)
                    emit(who, fresh, day, ws, 1, 3)  # night-time sweep
                    continue
                if name == "d.ortiz":
                    fresh = [t for t in general[230:330] + sensitive[:40] if t not in seen][:90]
                    emit(who, todays + fresh, day, ws, 14, 17)
                    continue
                if name == "a.brooks":
                    fresh = [t for t in general[100:200] if t not in seen][:4]
                    todays = rng.sample(wset, 10) + fresh
            emit(who, todays, day, ws)

    # service principals and special identities
    billing_set = [
        "customer.gold.invoices",
        "customer.gold.daily_usage",
        "customer.gold.tariff_rates",
        "customer.silver.accounts",
        "finance.gold.revenue_by_class",
        "customer.gold.customer_360",
        "finance.gold.tariff_filings",
        "customer.gold.payment_plans",
    ]
    bi_set = general[:270]
    steward_set = rng.sample(general, 130)
    rao_set = rng.sample([t for t in general if t.startswith("customer.")], 10)
    for day in days:
        wd = day.weekday()
        emit("sp-billing-export", billing_set, day, WS_ANA, 6, 6)
        if day == DAY:
            emit("sp-billing-export", sensitive[10:70], day, WS_ANA, 6, 7)
        emit("sp-powerbi-gateway", rng.sample(bi_set, rng.randint(255, 265)), day, WS_ANA, 11, 23)
        if wd == 0:
            emit("data.steward" + EMP, rng.sample(steward_set, 120), day, WS_OPS, 14, 21)
        elif wd < 5:
            emit("data.steward" + EMP, rng.sample(steward_set, rng.randint(2, 5)), day, WS_OPS)
        if day >= datetime(2026, 10, 5, tzinfo=UTC) and wd < 5:
            who = "contractor.rao@partner-gridsoft.com"
            emit(who, rng.sample(rao_set, rng.randint(3, 6)), day, WS_ANA)
            if day == DAY:
                emit(who, [t for t in sensitive if t.startswith("customer_pii.")][:35], day, WS_ANA, 19, 22)
        if day >= datetime(2026, 10, 28, tzinfo=UTC) and wd < 5:
            n = {2: 5, 3: 8, 4: 9, 0: 18}[wd]
            emit(
                "n.hughes" + EMP,
                general[40 : 40 + n] if wd != 0 else general[40:50] + general[150:158],
                day,
                WS_ANA,
            )
    ev.sort(key=lambda e: e[2])
    return ev


def _read_lineage(plan: list[tuple[str, str, datetime, str]], start_n: int) -> list[dict]:
    rows = []
    for i, (who, table, when, ws) in enumerate(plan):
        if when < RUN_START:
            continue
        etype = None if who.startswith("sp-") else ("NOTEBOOK" if i % 3 else "DBSQL_QUERY")
        eid = (
            None
            if etype is None
            else ("30391775201" if etype == "NOTEBOOK" else f"q-{zlib.crc32(who.encode()) % 99991}")
        )
        rows.append(_lineage_row(ws, table, None, when, who, etype, eid, None, start_n + len(rows)))
    return rows


# --------------------------------------------------------------------------- audit

_UA_BROWSER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/130.0 Safari/537.36"
_UA_CLI = "databricks-cli/0.230.0 go/1.22"
_UA_BOT = "python-requests/2.31.0"


class _Audit:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.rows: list[dict] = []

    def add(
        self,
        ws: str,
        when: datetime,
        ip: str,
        email: str,
        service: str,
        action: str,
        status: int,
        ua: str,
        params: list[tuple[str, str]] | None = None,
    ) -> None:
        n = len(self.rows)
        self.rows.append(
            {
                "account_id": ACCOUNT,
                "workspace_id": ws,
                "version": "2.0",
                "event_time": when,
                "event_date": when.date(),
                "source_ip_address": ip,
                "user_agent": ua,
                "session_id": None if status != 200 else f"s-{zlib.crc32(email.encode()):08x}-{when:%j}",
                "user_identity": {"email": email, "subject_name": None},
                "service_name": service,
                "action_name": action,
                "request_id": f"req-{n:09d}",
                "request_params": params or [],
                "response": {
                    "status_code": status,
                    "error_message": None
                    if status == 200
                    else ("Invalid username or password" if action == "login" else "Invalid access token"),
                    "result": None,
                },
                "audit_level": "ACCOUNT_LEVEL" if service == "accounts" and ws == "0" else "WORKSPACE_LEVEL",
                "event_id": f"ev-{n:09d}",
                "identity_metadata": {
                    "run_by": email,
                    "run_as": email,
                    "acting_resource": None,
                    "run_by_display_name": None,
                    "run_as_display_name": None,
                },
            }
        )

    def login(
        self,
        ws: str,
        when: datetime,
        ip: str,
        email: str,
        ok: bool,
        ua: str = _UA_BROWSER,
        action: str = "login",
    ) -> None:
        self.add(
            ws,
            when,
            ip,
            email,
            "accounts",
            action,
            200 if ok else 401,
            ua,
            [("user", email), ("authenticationMethod", "PASSWORD" if action == "login" else "API_TOKEN")],
        )


def _people(n: int) -> list[str]:
    first = [
        "alex",
        "jordan",
        "casey",
        "morgan",
        "taylor",
        "riley",
        "sam",
        "jamie",
        "drew",
        "quinn",
        "avery",
        "logan",
        "parker",
        "reese",
        "skyler",
        "cameron",
        "dakota",
        "emerson",
        "finley",
        "harper",
    ]
    last = [
        "smith",
        "garcia",
        "johnson",
        "lee",
        "patel",
        "brown",
        "davis",
        "wilson",
        "martinez",
        "clark",
        "lewis",
        "walker",
        "young",
        "allen",
        "king",
        "wright",
        "scott",
        "green",
        "baker",
        "hill",
    ]
    return [f"{first[i % 20]}.{last[(i * 7) % 20]}{'' if i < 20 else i}{EMP}" for i in range(n)]


def _audit(rng: random.Random, plan: list[tuple[str, str, datetime, str]]) -> list[dict]:
    a = _Audit(rng)
    staff = _people(180)
    days = _days(HIST_DAYS)

    def m(hour_start: datetime) -> datetime:
        return hour_start + timedelta(seconds=rng.randint(0, 3599))

    home_ips = [f"73.{40 + i}.{(i * 37) % 250}.{(i * 11) % 250 + 2}" for i in range(40)]
    for day in days:
        for h in range(24):
            hs = day + timedelta(hours=h)
            biz = _is_business(hs)
            # corporate NAT egress: many logins, a steady trickle of typos
            for _ in range(rng.randint(30, 45) if biz else rng.randint(0, 3)):
                a.login(
                    WS_ANA if rng.random() < 0.5 else WS_OPS, m(hs), "52.14.88.10", rng.choice(staff), True
                )
            for _ in range(rng.randint(3, 8) if biz else (1 if rng.random() < 0.1 else 0)):
                a.login(WS_ANA, m(hs), "52.14.88.10", rng.choice(staff), False)
            # VPN egress; Monday-morning password expiry wave at 08:00 local
            loc = hs.astimezone(CT)
            for _ in range(rng.randint(8, 15) if biz else rng.randint(0, 2)):
                a.login(WS_OPS, m(hs), "64.71.150.20", rng.choice(staff), True)
            fails = rng.randint(0, 2) if biz else 0
            if loc.weekday() == 0 and loc.hour == 8 and loc.date() != date(2026, 9, 7):
                fails = 14 if day == DAY else rng.randint(11, 16)
            for _ in range(fails):
                a.login(WS_OPS, m(hs), "64.71.150.20", rng.choice(staff), False)
            # control-room kiosk with a stale saved password, at shift change
            if h == 11:
                for _ in range(rng.randint(9, 11)):
                    a.login(WS_OPS, m(hs), "10.40.2.15", "controlroom.kiosk" + EMP, False)
                a.login(WS_OPS, hs + timedelta(minutes=59), "10.40.2.15", "controlroom.kiosk" + EMP, True)
            # CI runner token logins every hour; secret rotation on the monitored day at 15:00
            ci_fail = 8 if (day == DAY and h == 15) else 0
            for k in range(ci_fail):
                a.login(
                    WS_DEV,
                    hs + timedelta(minutes=2 + k),
                    "34.201.17.5",
                    "sp-ci-runner",
                    False,
                    _UA_CLI,
                    "tokenLogin",
                )
            for _ in range(rng.randint(2, 4)):
                a.login(
                    WS_DEV,
                    hs + timedelta(minutes=rng.randint(12, 59)),
                    "34.201.17.5",
                    "sp-ci-runner",
                    True,
                    _UA_CLI,
                    "tokenLogin",
                )
        # remote workers from home
        for i, ip in enumerate(home_ips):
            if rng.random() < 0.3:
                who = staff[i * 4]
                t = m(day + timedelta(hours=rng.randint(12, 23)))
                if rng.random() < 0.12:
                    for _ in range(rng.randint(1, 3)):
                        a.login(WS_ANA, t - timedelta(seconds=rng.randint(5, 60)), ip, who, False)
                a.login(WS_ANA, t, ip, who, True)

    # incidents on the monitored day
    for _ in range(240):
        a.login(
            "0",
            DAY + timedelta(hours=3, seconds=rng.randint(0, 3599)),
            "185.220.101.47",
            rng.choice(staff[:60]),
            False,
            _UA_BOT,
        )
    for _ in range(70):
        a.login(
            WS_OPS,
            DAY + timedelta(hours=7, seconds=rng.randint(0, 3599)),
            "45.155.205.12",
            rng.choice(staff[60:120]),
            False,
            _UA_BOT,
            "tokenLogin",
        )
    for h in (19, 20, 21):
        for _ in range(25):
            a.login(
                "0",
                DAY + timedelta(hours=h, seconds=rng.randint(0, 3599)),
                "198.51.100.23",
                "it.admin" + EMP,
                False,
                _UA_BROWSER,
            )
    for _ in range(45):
        a.login(
            "0",
            DAY + timedelta(hours=10, seconds=rng.randint(0, 3599)),
            "203.0.113.77",
            "breakglass-admin" + EMP,
            False,
            "curl/8.4.0",
        )

    # Unity Catalog table reads
    for who, table, when, ws in plan:
        ip = "10.20.0.44" if who.startswith("sp-") else "52.14.88.10"
        a.add(
            ws,
            when,
            ip,
            who,
            "unityCatalog",
            "getTable",
            200,
            "Databricks-SQL/2026.40",
            [("full_name_arg", table), ("metastore_id", METASTORE), ("workspace_id", ws)],
        )
    # some other routine audit noise
    for day in days:
        for _ in range(60):
            a.add(
                WS_OPS,
                m(day + timedelta(hours=rng.randint(0, 23))),
                "10.20.0.31",
                "svc-scada" + EMP,
                "jobs",
                "runNow",
                200,
                _UA_CLI,
                [("job_id", "600002")],
            )
    return a.rows


# --------------------------------------------------------------------------- serving

_EP_CREATED = datetime(2026, 5, 4, 15, 0, tzinfo=UTC)
_EV_CREATED = datetime(2026, 10, 31, 15, 30, tzinfo=UTC)
_LEGACY_DELETED = datetime(2026, 10, 29, 17, 45, tzinfo=UTC)
_TFM_SWAP = datetime(2026, 10, 28, 16, 0, tzinfo=UTC)

# endpoint -> (served_entity_id, entity_type, entity_name, version, task, kind, daily requests, shape)
_ENDPOINTS: dict[str, tuple[str, str, str, str, str | None, str, float, str]] = {
    "outage-eta-predictor": (
        "se-0a11",
        "CUSTOM_MODEL",
        "ml.models.outage_eta",
        "14",
        None,
        "custom",
        240,
        "diurnal",
    ),
    "customer-chat-assistant": (
        "se-0a12",
        "EXTERNAL_MODEL",
        "chat-gpt-4o",
        "1",
        "llm/v1/chat",
        "llm",
        200,
        "business",
    ),
    "meter-anomaly-scorer": (
        "se-0a13",
        "CUSTOM_MODEL",
        "ml.models.meter_anomaly",
        "6",
        None,
        "custom",
        300,
        "flat",
    ),
    "load-forecast-api": (
        "se-0a14",
        "CUSTOM_MODEL",
        "ml.models.load_forecast",
        "22",
        None,
        "custom",
        200,
        "diurnal",
    ),
    "ev-charging-recommender": (
        "se-0a15",
        "CUSTOM_MODEL",
        "ml.models.ev_reco",
        "1",
        None,
        "custom",
        0,
        "diurnal",
    ),
    "bill-explainer-llm": (
        "se-0a16",
        "FOUNDATION_MODEL",
        "system.ai.meta_llama_v3_3_70b_instruct",
        "2",
        "llm/v1/chat",
        "llm",
        250,
        "business",
    ),
    "legacy-credit-risk": (
        "se-0a17",
        "CUSTOM_MODEL",
        "ml.models.credit_risk",
        "3",
        None,
        "custom",
        100,
        "business",
    ),
    "transformer-failure-model": (
        "se-0a18",
        "CUSTOM_MODEL",
        "ml.models.transformer_failure",
        "7",
        None,
        "custom",
        150,
        "diurnal",
    ),
    "gis-geocoder-test": (
        "se-0a19",
        "CUSTOM_MODEL",
        "ml.models.geocoder",
        "2",
        None,
        "custom",
        3,
        "business",
    ),
    "vegetation-risk-scorer": (
        "se-0a1a",
        "CUSTOM_MODEL",
        "ml.models.veg_risk",
        "9",
        None,
        "custom",
        110,
        "diurnal",
    ),
    "gas-leak-classifier": (
        "se-0a1b",
        "CUSTOM_MODEL",
        "ml.models.gas_leak",
        "4",
        None,
        "custom",
        120,
        "flat",
    ),
}


def _se_row(
    ep: str, se_id: str, version: str, cfg: int, change: datetime, deleted: datetime | None = None
) -> dict:
    _s, etype, ename, _v, task, _k, _n, _sh = _ENDPOINTS[ep]
    return {
        "served_entity_id": se_id,
        "account_id": ACCOUNT,
        "workspace_id": WS_ML,
        "created_by": "ml.platform" + EMP,
        "endpoint_name": ep,
        "endpoint_id": f"ep-{zlib.crc32(ep.encode()):08x}",
        "served_entity_name": f"{ename.split('.')[-1]}-{version}",
        "entity_type": etype,
        "entity_name": ename,
        "entity_version": version,
        "endpoint_config_version": cfg,
        "task": task,
        "external_model_config": {"provider": "openai"} if etype == "EXTERNAL_MODEL" else None,
        "foundation_model_config": {"min_provisioned_throughput": 0, "max_provisioned_throughput": 9500}
        if etype == "FOUNDATION_MODEL"
        else None,
        "custom_model_config": {"min_concurrency": 4, "max_concurrency": 16, "compute_type": "CPU"}
        if etype == "CUSTOM_MODEL"
        else None,
        "feature_spec_config": None,
        "change_time": change,
        "endpoint_delete_time": deleted,
    }


def _served_entities() -> list[dict]:
    rows = []
    for ep, (se_id, _e, _n, version, *_rest) in _ENDPOINTS.items():
        created = _EV_CREATED if ep == "ev-charging-recommender" else _EP_CREATED
        cfg = int(version) if ep == "transformer-failure-model" else 1
        rows.append(_se_row(ep, se_id, version, cfg, created))
    rows.append(_se_row("legacy-credit-risk", "se-0a17", "3", 1, _LEGACY_DELETED, _LEGACY_DELETED))
    rows.append(_se_row("transformer-failure-model", "se-0a28", "8", 8, _TFM_SWAP))
    return rows


def _hour_weight(shape: str, ts: datetime) -> float:
    loc = ts.astimezone(CT)
    if shape == "flat":
        return 1 / 24
    if shape == "business":
        if loc.weekday() >= 5 or loc.date() == date(2026, 9, 7):
            return 0.2 / 24
        return 0.85 / 11 if 7 <= loc.hour < 18 else 0.15 / 13
    # diurnal: people-driven but 24x7
    return (1.6 if 7 <= loc.hour < 22 else 0.4) / (15 * 1.6 + 9 * 0.4) * 1.0


def _endpoint_usage(rng: random.Random) -> list[dict]:
    rows: list[dict] = []
    days = _days(HIST_DAYS)
    requesters = ["svc-outage-app" + EMP, "svc-mobile-api" + EMP, "svc-trading" + EMP, "svc-ami" + EMP]
    for ep, (se_id, _etype, _en, _v, _task, kind, daily, shape) in _ENDPOINTS.items():
        for di, day in enumerate(days):
            n_day = daily
            if ep == "vegetation-risk-scorer":
                n_day = daily * 1.015**di
            if ep == "ev-charging-recommender":
                n_day = {DAY - timedelta(days=2): 15, DAY - timedelta(days=1): 35, DAY: 70}.get(day, 0)
                if day == DAY - timedelta(days=2):
                    n_day = 15 * 24 / 9  # only from 15:30 UTC on Saturday
            for h in range(24):
                hs = day + timedelta(hours=h)
                if ep == "ev-charging-recommender" and hs < _EV_CREATED:
                    continue
                if ep == "legacy-credit-risk" and hs >= _LEGACY_DELETED:
                    continue
                mu = n_day * _hour_weight(shape, hs)
                if day == DAY:
                    mu *= {
                        "outage-eta-predictor": 0.06,
                        "customer-chat-assistant": 6.0,
                        "load-forecast-api": 3.2,
                        "gis-geocoder-test": 3.0,
                    }.get(ep, 1.0)
                    if ep == "meter-anomaly-scorer" and h >= 9:
                        mu = 0
                if ep == "customer-chat-assistant" and day == DAY and not _is_business(hs):
                    mu = 200 * 6.0 / 24
                count = (
                    max(0, round(rng.gauss(mu, mu**0.5)))
                    if mu > 2
                    else sum(rng.random() < mu / 4 for _ in range(4))
                )
                sid = se_id
                if ep == "transformer-failure-model" and hs >= _TFM_SWAP:
                    sid = "se-0a28"
                for _ in range(count):
                    t = hs + timedelta(seconds=rng.randint(0, 3599), microseconds=rng.randint(0, 999999))
                    status = 200 if rng.random() > 0.01 else rng.choice([429, 500, 400])
                    llm = kind == "llm"
                    inp = rng.randint(200, 1800) if llm else None
                    out = rng.randint(80, 700) if llm and status == 200 else (0 if llm else None)
                    n = len(rows)
                    rows.append(
                        {
                            "workspace_id": WS_ML,
                            "account_id": ACCOUNT,
                            "client_request_id": None,
                            "databricks_request_id": f"dbr-{n:09d}",
                            "requester": "bot-scraper-key"
                            if ep == "customer-chat-assistant" and day == DAY and rng.random() < 0.8
                            else requesters[n % len(requesters)],
                            "status_code": status,
                            "request_time": t,
                            "input_token_count": inp,
                            "output_token_count": out,
                            "input_character_count": inp * 4 if inp else None,
                            "output_character_count": out * 4 if out else None,
                            "usage_context": None,
                            "request_streaming": llm and ep == "customer-chat-assistant",
                            "served_entity_id": sid,
                        }
                    )
    return rows


def build(root: Path) -> Path:
    rng = random.Random(20261102)
    root.mkdir(parents=True, exist_ok=True)
    _write(root, "system.billing.list_prices", _list_prices())
    _write(root, "system.billing.usage", _usage(rng))
    _write(root, "system.lakeflow.jobs", _jobs_rows())
    runs = _job_runs(rng)
    timeline, run_ids = _timeline_rows(runs)
    _write(root, "system.lakeflow.job_run_timeline", timeline)
    lineage = _job_lineage(runs, run_ids)
    plan = _read_plan(rng)
    lineage += _read_lineage(plan, len(lineage))
    _write(root, "system.access.table_lineage", lineage)
    _write(root, "system.access.audit", _audit(rng, plan))
    _write(root, "system.serving.served_entities", _served_entities())
    _write(root, "system.serving.endpoint_usage", _endpoint_usage(rng))
    return root
