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
  history starts 2026-09-07 (56 days); job runs and lineage start 2026-09-29 (35 days).
- Halloween (Sat 2026-10-31) and the Sunday before are ordinary weekends; October month-end
  close ran on Sunday 2026-11-01 (monthly jobs run on the 1st).
- Labor Day (Mon 2026-09-07) is a company holiday: low business-hours usage that day.

INCIDENTS (should be reported)
------------------------------
cost/sku_spike            3318402214550301/PREMIUM_JOBS_COMPUTE: retry storm on AMI ingest cluster, ~3.6x daily spend
cost/sku_spike            3318402214550302/PREMIUM_ALL_PURPOSE_COMPUTE: 40-node analyst cluster left running all day, ~2.3x
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
security/unusual_read_volume d.ortiz@prairiecurrent.com: notebook reads ~90 never-read tables (lineage only)
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
reliability/job_not_running 630003 trading_positions_eod: MON-FRI 18:30 CT, Friday ran, Monday run missing
reliability/job_not_running 630004 lmp_price_ingest: every 15 min, stopped at 14:00 UTC
data_quality/stale_table grid.silver.feeder_load_15min: writer job runs green but stopped writing it (code change) ~11 h ago
data_quality/stale_table customer.gold.churn_scores: daily table, writer 620002 failing, last write 4 days ago
data_quality/stale_table markets.silver.lmp_prices: 15-min table, writer 630004 stopped ~10 h ago
data_quality/stale_table ops.gold.substation_kpi: daily table, writer 630001 not running, last write 4 days ago
mlops/endpoint_traffic outage-eta-predictor: traffic drops to ~6% (mobile app release broke the call)
mlops/endpoint_traffic customer-chat-assistant: ~6x spike from a scraping bot
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
data_quality/stale_table grid.silver.der_interconnects: writer moved to every 6 h, last write 5 h ago
mlops/endpoint_traffic ev-charging-recommender: new endpoint created Saturday, ramping up
mlops/endpoint_traffic bill-explainer-llm: strong weekday pattern, Monday like past Mondays
mlops/endpoint_traffic legacy-credit-risk: endpoint deleted 4 days ago, no traffic
mlops/endpoint_traffic transformer-failure-model: served model version swapped 5 days ago (new served_entity_id), traffic continuous
mlops/endpoint_traffic gis-geocoder-test: tiny endpoint, 3 -> 9 requests
mlops/endpoint_traffic vegetation-risk-scorer: steady ~3%/day growth
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pyarrow as pa

from include.lakehouse.delta_store import write_table
from include.lakehouse.schema import system_table_schema

AS_OF = datetime(2026, 11, 3, tzinfo=UTC)
DAY = AS_OF - timedelta(days=1)  # start of the monitored day
HIST_DAYS = 56
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
            rows.append({
                "account_id": ACCOUNT, "price_start_time": start, "price_end_time": end,
                "sku_name": sku, "cloud": CLOUD, "currency_code": "USD", "usage_unit": "DBU",
                "pricing": {"default": _dec(p), "promotional": {"default": _dec(p)},
                            "effective_list": {"default": _dec(p)}},
            })
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
                rows.append({
                    "account_id": ACCOUNT, "workspace_id": ws,
                    "record_id": f"u-{ws[-2:]}-{len(rows):07d}", "sku_name": sku, "cloud": CLOUD,
                    "usage_start_time": ts, "usage_end_time": ts + timedelta(hours=1),
                    "usage_date": ts.date(), "custom_tags": [("cost_center", f"cc-{ws[-2:]}")],
                    "usage_unit": "DBU", "usage_quantity": _dec(q), "usage_metadata": meta,
                    "identity_metadata": {"run_as": "svc-platform@prairiecurrent.com"},
                    "record_type": "ORIGINAL", "ingestion_date": ts.date(),
                    "billing_origin_product": {SKU_JOBS: "JOBS", SKU_JSL: "JOBS", SKU_AP: "ALL_PURPOSE",
                                               SKU_DLT: "DLT", SKU_SQL: "SQL", SKU_INF: "MODEL_SERVING"}[sku],
                    "product_features": {"is_serverless": sku in (SKU_SQL, SKU_JSL, SKU_INF), "is_photon": False},
                    "usage_type": "COMPUTE_TIME",
                })
    return rows


def build(root: Path) -> Path:
    rng = random.Random(20261102)
    root.mkdir(parents=True, exist_ok=True)
    _write(root, "system.billing.list_prices", _list_prices())
    _write(root, "system.billing.usage", _usage(rng))
    return root
