"""Blind evaluation workload 2: Harbourline Logistics, an Irish haulage and depot operator.

Harbourline runs trucks, refrigerated trailers and ~30 depots across Ireland, the UK and the
Benelux. Its Databricks account (AWS eu-west-1) has five workspaces: prod (routing, depots,
finance), telematics (GPS / CAN-bus / reefer streams), analytics (BI and SQL), ml (model serving
and training) and dev. The data is built from scratch as local Delta system tables.

AS_OF is Thursday 2026-04-02 00:00 UTC, so the monitored day is Wednesday 2026-04-01: the first
business day of April and of Q2 (month-end close just happened). Irish summer time started on
Sunday 2026-03-29 (schedules in Europe/Dublin fire one hour earlier in UTC from then on). Public
holidays in the history: St Brigid's Day (Mon 2026-02-02) and St Patrick's Day (Tue 2026-03-17);
business-hours workloads drop to weekend levels on those days, weekday cron jobs still run.

INCIDENTS (a platform engineer must be told):
- cost/sku_spike 3185720964410392/PREMIUM_ALL_PURPOSE_COMPUTE: prod interactive spend ~15x its weekday level (~46 -> ~690 DBU, ~$25 -> ~$380): a 20-node cluster started at 01:00 UTC never auto-terminated and ran all day.
- cost/sku_spike 5523017448109837/PREMIUM_JOBS_SERVERLESS_COMPUTE_EU_IRELAND: telematics serverless jobs ~3.7x (260 -> 950 DBU, +$270/day): an unbounded CAN-bus replay re-processing history.
- cost/sku_spike 7290144831726605/PREMIUM_SERVERLESS_SQL_COMPUTE_EU_IRELAND: analytics serverless SQL ~3.6x a normal weekday (120 -> ~430 DBU), flat all 24 h: a dashboard auto-refreshing a heavy query every minute, day and night.
- cost/sku_spike 8846102957713341/PREMIUM_SERVERLESS_REAL_TIME_INFERENCE_EU_IRELAND: ML-workspace serving spend ~4.3x (900 -> ~3,900 DBU): a GPU endpoint left at min provisioned concurrency after a load test.
- security/failed_login_burst 185.220.101.47: 180 failed `login`s in 25 min at 02:10 UTC against 60 accounts (many non-existent): password spraying from a Tor exit.
- security/failed_login_burst 45.155.205.233: 65 failed `login`s in 40 min against one dispatcher manager, rotating user agents: credential stuffing.
- security/failed_login_burst 103.151.140.22: 140 failed `tokenLogin`s in 50 min against service-account identities: token brute force.
- security/failed_login_burst 91.240.118.172: 48 failed `login`s in 55 min across 12 real staff during the morning rush: low-profile spraying hidden in business hours.
- security/unusual_read_volume ciaran.obrien@harbourline.ie: analyst who reads ~10 tables a day read ~165 distinct tables (HR, finance, everything) at 01:25-03:10 UTC from a never-seen VPS IP: compromised account.
- security/unusual_read_volume tomasz.kowalski@partner-logix.com: external contractor who reads ~5 tables read ~95 (incl. HR and payroll): data harvesting beyond his engagement.
- security/unusual_read_volume svc-powerbi@harbourline.ie: BI service account that refreshes the same 8 gold tables hourly enumerated ~230 tables from a new IP: leaked credential.
- security/unusual_read_volume maeve.fitzgerald@harbourline.ie: HR analyst (leaving this week) who reads ~11 tables read ~180 across HR, finance and logistics: exfiltration risk.
- performance/job_duration_regression 604217388195021 (gps_ping_ingest, every 15 min): ~90 s runs take ~5 min since 05:00 UTC (76 runs at 3.3x): ingestion will fall behind.
- performance/job_duration_regression 604217388196257 (telematics_hourly_aggregation, hourly): ~6 min -> ~20 min since 06:35 (18 runs).
- performance/job_duration_regression 330918273645902 (route_optimizer_nightly, daily 01:30 Dublin): 40 min -> ~2 h 8 min for the last 3 nights; routes reach drivers late.
- performance/job_duration_regression 330918273646117 (depot_inventory_sync, weekdays 07:00 Dublin): 12 min -> 45 min since Monday (3 runs).
- reliability/failure_streak 604217388195188 (eld_hos_compliance_feed, every 15 min): every run since 18:00 failed with UNAUTHORIZED_ERROR (24 in a row): hours-of-service feed to the regulator is down.
- reliability/failure_streak 604217388196011 (telematics_gps_dedupe, hourly): 15 consecutive DRIVER_ERROR (OOM) failures since 09:20.
- reliability/failure_streak 419283746502090 (carrier_invoice_ingest, daily): failed Mon, Tue and Wed with STORAGE_ACCESS_ERROR (expired cross-account role).
- reliability/failure_streak 528374619204112 (depot_staff_roster_sync, weekdays): failed Mon, Tue, Wed with LIBRARY_INSTALLATION_ERROR.
- reliability/job_not_running 604217388195342 (trailer_reefer_temp_ingest, every 15 min, unpaused, schedule unchanged): last run 09:40 UTC, ~57 missed runs, no failures.
- reliability/job_not_running 330918273645118 (depot_door_sensor_rollup, hourly): last run Tue 21:15 UTC, ~26 missed runs.
- reliability/job_not_running 330918273646781 (customs_declarations_export, daily 04:00 Dublin): last run Sat 2026-03-28, 4 missed runs.
- reliability/job_not_running 528374619203348 (driver_timesheet_export, MON-FRI 18:00 Dublin): last run Thu 2026-03-26, missed Fri, Mon, Tue, Wed.
- data_quality/stale_table telematics.raw.reefer_temperatures: written every 15 min, silent since 09:40 (writer stopped).
- data_quality/stale_table telematics.curated.gps_pings_dedup: written hourly, silent since 08:2x (writer failing).
- data_quality/stale_table logistics.depots.door_sensor_hourly: written hourly, silent since Tue 21:2x.
- data_quality/stale_table finance.ap.carrier_invoices: written daily, last write Sun 2026-03-29 (writer failing 3 days).
- data_quality/stale_table logistics.customs.declarations_export: written daily, last write Sat 2026-03-28.
- data_quality/stale_table hr.payroll.driver_timesheets: written every weekday, last write Thu 2026-03-26.
- data_quality/stale_table hr.workforce.depot_rosters: written every weekday, last write Fri 2026-03-27 (writer failing).
- data_quality/stale_table logistics.routing.planned_routes: written daily, last write Fri 2026-03-27 although its publisher job keeps succeeding: a bad deploy redirected writes to planned_routes_staging; dashboards still read the stale table.
- mlops/endpoint_traffic eta-predictor-prod: ~220 weekday requests collapse to a trickle from 05:00 UTC (~20 in the day): the routing app release stopped calling the model.
- mlops/endpoint_traffic fuel-anomaly-scorer: ~110/day -> ~1,400 (13x) from 03:00: fuel-card gateway retry loop.
- mlops/endpoint_traffic load-planning-assistant: ~80 weekday requests -> ~600 (7x), mostly 15:00-24:00: runaway agent loop on an external LLM.
- mlops/endpoint_traffic depot-camera-damage-detector: ~100/day, zero requests all day though the endpoint still exists: camera gateway down.

DECOYS (unusual-looking but normal; nobody should be paged):
- cost/sku_spike 3185720964410392/PREMIUM_JOBS_COMPUTE: ~2.7x on the 1st, exactly like Feb 1 and Mar 1: the monthly fleet cost allocation job (4.5 h run on the 1st).
- cost/sku_spike 5523017448109837/PREMIUM_DLT_CORE_COMPUTE: telematics pipeline spend grows ~1.2%/day with fleet onboarding (2.9x over 90 days, ~1.1x over a week): gradual growth, not a spike.
- cost/sku_spike 7290144831726605/PREMIUM_ALL_PURPOSE_COMPUTE: two hours at 3x the hourly rate (10:00-12:00 training session) but the day is only ~1.4x.
- cost/sku_spike 7290144831726605/PREMIUM_JOBS_SERVERLESS_COMPUTE_EU_IRELAND: new SKU in the workspace since Mar 25, ramping as jobs migrate off classic PREMIUM_JOBS_COMPUTE (which falls by the same amount); small and flat over the last 3 days.
- cost/sku_spike 8846102957713341/PREMIUM_ALL_PURPOSE_COMPUTE: data-science interactive spend is noisy (lognormal); today ~1.8x the weekday median, matched or beaten on 8 of the last 89 days.
- cost/sku_spike 1407738291056628/PREMIUM_ALL_PURPOSE_COMPUTE: dev cluster 6x its usual but ~1 -> 6 DBU (about $3): immaterial.
- security/failed_login_burst 194.125.40.18: Dublin office NAT, 26 failures 08:00-09:00 from 24 different staff after the quarterly password rotation, each followed by a success; ~25 successful sign-ins every business day from it.
- security/failed_login_burst 34.241.88.16: CI runner with an expired PAT retrying tokenLogin every 20 min 09:00-14:40 (3/h), fixed afterwards.
- security/failed_login_burst 118.200.65.31: travelling manager in Singapore, 3 failed logins (MFA timeouts) then success.
- security/failed_login_burst 86.44.170.205: one user's home broadband, 14 failures in 8 min (stale saved password) then success.
- security/failed_login_burst 83.161.44.20: Rotterdam depot kiosk, ~9 failures in the 05:00 shift-change hour, as on most days.
- security/unusual_read_volume aoife.byrne@harbourline.ie: data engineer with variable daily reads (~24 typical, 55-68 on fortnightly release-validation Mondays); today 48, within her range.
- security/unusual_read_volume niamh.walsh@harbourline.ie: new joiner since Monday exploring ~30 tables a day: no history, onboarding.
- security/unusual_read_volume siobhan.kelly@harbourline.ie: finance controller reads ~46 close tables on the first business day of every month (Feb 3, Mar 2, Apr 1) and ~8 otherwise.
- security/unusual_read_volume 7c2e9a14-3b5d-4f61-8e07-d94a1f3c6b25: catalog-scanning service principal reads ~225 tables every night, as always.
- security/unusual_read_volume svc-route-optimizer@harbourline.ie: reads ~16 tables daily and ~140 every Wednesday (weekly full network re-optimisation); today is Wednesday.
- performance/job_duration_regression 330918273646349 (customer_sla_report): 3x longer on the 1st of every month (month rollup), as on Feb 1 and Mar 1.
- performance/job_duration_regression 604217388196480 (telematics_daily_rollup): duration grows ~1%/day with fleet size (2.4x over 90 days); ~1.07x a week ago.
- performance/job_duration_regression 902837465112904 (ad_hoc_driver_scorecards): very noisy durations; today 1.8x median, below several history runs.
- performance/job_duration_regression 902837465113158 (warehouse_slotting_model, hourly): one 3.2x run at 14:30 (lost spot node) among 23 normal runs.
- performance/job_duration_regression 112093847561230 (platform_heartbeat, every 15 min): 8 s -> 22 s: relative jump, but seconds of wall time on a no-op probe.
- reliability/failure_streak 419283746501873 (fuel_card_transactions_load): the 05:00 run failed (file not landed yet), a manual re-run 25 min later succeeded, as happens a few times a month.
- reliability/failure_streak 775102938471662 (route_eta_backtest, hourly): 3 failures 10:45-12:45, then 11 successes; recovered.
- reliability/failure_streak 881920347716055 (partner_edi_poll, every 15 min): flaky SFTP poll (~7% isolated failures, never 3 in a row), last runs succeeded.
- reliability/failure_streak 217364509183006 (legacy_tachograph_import): its last 4 runs (Mar 18-21) failed, then the job was deleted on Mar 21 09:00: retired.
- reliability/failure_streak 1003847562910047 ([dev] geo_udf scratch job): 4 failed manual runs in the dev workspace while its author iterates; unscheduled.
- reliability/job_not_running 330918273647004 (weekly_fleet_utilization_report, MON): last ran Monday; not due.
- reliability/job_not_running 528374619203771 (driver_payroll_export, 15th of month): last ran Mar 15; not due.
- reliability/job_not_running 217364509182733 (legacy_route_planner_v1): paused on Mar 25 when v2 took over.
- reliability/job_not_running 217364509183006 (legacy_tachograph_import): deleted on Mar 21.
- reliability/job_not_running 330918273647330 (wms_pick_events_ingest, hourly): paused at 05:50 for a planned WMS upgrade (change ticket in the description).
- reliability/job_not_running 330918273647562 (route_optimizer_intraday): schedule changed on Mar 30 from hourly to every 4 h; on time under the new schedule.
- reliability/job_not_running 330918273648045 (damage_claims_upload_processor): file-arrival trigger, runs every 1-5 days when claims arrive; no schedule.
- reliability/job_not_running 604217388197733 (telematics_ev_battery_health): created Apr 1 15:30, first scheduled run is Apr 2 02:00 Dublin.
- reliability/job_not_running 902837465113377 (fleet_kpi_dashboard_refresh, '0 0 7-19 ? * MON-FRI' Dublin): no run after 18:00 UTC, as every evening.
- data_quality/stale_table logistics.reporting.weekly_fleet_utilization: weekly table, last written Monday.
- data_quality/stale_table hr.payroll.driver_payroll_monthly: monthly table, last written Mar 15.
- data_quality/stale_table logistics.routing.legacy_route_plans: writer paused (retired) since Mar 25.
- data_quality/stale_table logistics.legacy.tachograph_raw: writer deleted Mar 21; retired table.
- data_quality/stale_table logistics.warehouse.wms_pick_events: hourly table paused with its writer for the planned WMS upgrade.
- data_quality/stale_table logistics.routing.intraday_adjustments: written every 4 h since the Mar 30 schedule change (was hourly); last write 20:1x.
- data_quality/stale_table logistics.claims.damage_claims: event-driven, written every 1-5 days; last write Sunday.
- data_quality/stale_table ml.eta.eta_backtest_results: hourly table with a 4 h gap 10:00-13:00 but written every hour since.
- data_quality/stale_table analytics.reporting.fleet_kpis: written hourly 07:00-19:00 Dublin on weekdays only; quiet since 18:0x UTC as every evening.
- mlops/endpoint_traffic route-risk-scorer-v2: new endpoint since Mar 24, canary ramp to 100% by Mar 28; flat since.
- mlops/endpoint_traffic route-risk-scorer-v1: traffic moved to v2 and the endpoint was deleted Mar 31 10:00.
- mlops/endpoint_traffic tyre-wear-estimator: ~6 requests/day, today 21: tiny numbers.
- mlops/endpoint_traffic pallet-label-ocr: new model version (new served entity) at 10:00; per-endpoint volume unchanged.
- mlops/endpoint_traffic invoice-line-classifier: ~4-5x on the 1st of every month (carrier invoice batch), as on Feb 1 and Mar 1.
- mlops/endpoint_traffic dispatch-copilot: business-hours only (nothing at night, little at weekends); a normal weekday.
- mlops/endpoint_traffic customer-chatbot-intent: bursty traffic; today <2x median, below several history days.
"""

from __future__ import annotations

import datetime as dt
import math
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pyarrow as pa

from include.lakehouse.delta_store import write_table
from include.lakehouse.schema import system_table_schema

UTC = dt.UTC
AS_OF = dt.datetime(2026, 4, 2, tzinfo=UTC)
WINDOW_START = AS_OF - dt.timedelta(days=1)
WINDOW_DAY = WINDOW_START.date()
SEED = 20260402

DUBLIN = "Europe/Dublin"
DST_START = dt.date(2026, 3, 29)  # Irish/UK/NL summer time from this Sunday
HOLIDAYS = {dt.date(2026, 2, 2): "St Brigid's Day", dt.date(2026, 3, 17): "St Patrick's Day"}

ACCOUNT_ID = "b7f1c3e2-5a4d-4e8b-9c61-2f0d8a7e4b19"
METASTORE_ID = "e2a0f5c8-91d3-4b7a-8c36-0f4e7d21a9b3"
CLOUD = "AWS"

WS_PROD = "3185720964410392"
WS_TELEM = "5523017448109837"
WS_ANALYTICS = "7290144831726605"
WS_ML = "8846102957713341"
WS_DEV = "1407738291056628"

SKU_JOBS = "PREMIUM_JOBS_COMPUTE"
SKU_AP = "PREMIUM_ALL_PURPOSE_COMPUTE"
SKU_SQL_SERVERLESS = "PREMIUM_SERVERLESS_SQL_COMPUTE_EU_IRELAND"
SKU_SQL_PRO = "PREMIUM_SQL_PRO_COMPUTE"
SKU_RTI = "PREMIUM_SERVERLESS_REAL_TIME_INFERENCE_EU_IRELAND"
SKU_DLT = "PREMIUM_DLT_CORE_COMPUTE"
SKU_JOBS_SERVERLESS = "PREMIUM_JOBS_SERVERLESS_COMPUTE_EU_IRELAND"
PRICES = {
    SKU_JOBS: "0.15", SKU_AP: "0.55", SKU_SQL_SERVERLESS: "0.70", SKU_SQL_PRO: "0.55",
    SKU_RTI: "0.082", SKU_DLT: "0.20", SKU_JOBS_SERVERLESS: "0.39",
}

H = dt.timedelta(hours=1)
D = dt.timedelta(days=1)

# --------------------------------------------------------------------------------------------
# Ground truth
# --------------------------------------------------------------------------------------------

INCIDENTS: set[tuple[str, str, str]] = {
    ("cost", "sku_spike", f"{WS_PROD}/{SKU_AP}"),
    ("cost", "sku_spike", f"{WS_TELEM}/{SKU_JOBS_SERVERLESS}"),
    ("cost", "sku_spike", f"{WS_ANALYTICS}/{SKU_SQL_SERVERLESS}"),
    ("cost", "sku_spike", f"{WS_ML}/{SKU_RTI}"),
    ("security", "failed_login_burst", "185.220.101.47"),
    ("security", "failed_login_burst", "45.155.205.233"),
    ("security", "failed_login_burst", "103.151.140.22"),
    ("security", "failed_login_burst", "91.240.118.172"),
    ("security", "unusual_read_volume", "ciaran.obrien@harbourline.ie"),
    ("security", "unusual_read_volume", "tomasz.kowalski@partner-logix.com"),
    ("security", "unusual_read_volume", "svc-powerbi@harbourline.ie"),
    ("security", "unusual_read_volume", "maeve.fitzgerald@harbourline.ie"),
    ("performance", "job_duration_regression", "604217388195021"),
    ("performance", "job_duration_regression", "604217388196257"),
    ("performance", "job_duration_regression", "330918273645902"),
    ("performance", "job_duration_regression", "330918273646117"),
    ("reliability", "failure_streak", "604217388195188"),
    ("reliability", "failure_streak", "604217388196011"),
    ("reliability", "failure_streak", "419283746502090"),
    ("reliability", "failure_streak", "528374619204112"),
    ("reliability", "job_not_running", "604217388195342"),
    ("reliability", "job_not_running", "330918273645118"),
    ("reliability", "job_not_running", "330918273646781"),
    ("reliability", "job_not_running", "528374619203348"),
    ("data_quality", "stale_table", "telematics.raw.reefer_temperatures"),
    ("data_quality", "stale_table", "telematics.curated.gps_pings_dedup"),
    ("data_quality", "stale_table", "logistics.depots.door_sensor_hourly"),
    ("data_quality", "stale_table", "finance.ap.carrier_invoices"),
    ("data_quality", "stale_table", "logistics.customs.declarations_export"),
    ("data_quality", "stale_table", "hr.payroll.driver_timesheets"),
    ("data_quality", "stale_table", "hr.workforce.depot_rosters"),
    ("data_quality", "stale_table", "logistics.routing.planned_routes"),
    ("mlops", "endpoint_traffic", "eta-predictor-prod"),
    ("mlops", "endpoint_traffic", "fuel-anomaly-scorer"),
    ("mlops", "endpoint_traffic", "load-planning-assistant"),
    ("mlops", "endpoint_traffic", "depot-camera-damage-detector"),
}

DECOYS: set[tuple[str, str, str]] = {
    ("cost", "sku_spike", f"{WS_PROD}/{SKU_JOBS}"),
    ("cost", "sku_spike", f"{WS_TELEM}/{SKU_DLT}"),
    ("cost", "sku_spike", f"{WS_ANALYTICS}/{SKU_AP}"),
    ("cost", "sku_spike", f"{WS_ANALYTICS}/{SKU_JOBS_SERVERLESS}"),
    ("cost", "sku_spike", f"{WS_ML}/{SKU_AP}"),
    ("cost", "sku_spike", f"{WS_DEV}/{SKU_AP}"),
    ("security", "failed_login_burst", "194.125.40.18"),
    ("security", "failed_login_burst", "34.241.88.16"),
    ("security", "failed_login_burst", "118.200.65.31"),
    ("security", "failed_login_burst", "86.44.170.205"),
    ("security", "failed_login_burst", "83.161.44.20"),
    ("security", "unusual_read_volume", "aoife.byrne@harbourline.ie"),
    ("security", "unusual_read_volume", "niamh.walsh@harbourline.ie"),
    ("security", "unusual_read_volume", "siobhan.kelly@harbourline.ie"),
    ("security", "unusual_read_volume", "7c2e9a14-3b5d-4f61-8e07-d94a1f3c6b25"),
    ("security", "unusual_read_volume", "svc-route-optimizer@harbourline.ie"),
    ("performance", "job_duration_regression", "330918273646349"),
    ("performance", "job_duration_regression", "604217388196480"),
    ("performance", "job_duration_regression", "902837465112904"),
    ("performance", "job_duration_regression", "902837465113158"),
    ("performance", "job_duration_regression", "112093847561230"),
    ("reliability", "failure_streak", "419283746501873"),
    ("reliability", "failure_streak", "775102938471662"),
    ("reliability", "failure_streak", "881920347716055"),
    ("reliability", "failure_streak", "217364509183006"),
    ("reliability", "failure_streak", "1003847562910047"),
    ("reliability", "job_not_running", "330918273647004"),
    ("reliability", "job_not_running", "528374619203771"),
    ("reliability", "job_not_running", "217364509182733"),
    ("reliability", "job_not_running", "217364509183006"),
    ("reliability", "job_not_running", "330918273647330"),
    ("reliability", "job_not_running", "330918273647562"),
    ("reliability", "job_not_running", "330918273648045"),
    ("reliability", "job_not_running", "604217388197733"),
    ("reliability", "job_not_running", "902837465113377"),
    ("data_quality", "stale_table", "logistics.reporting.weekly_fleet_utilization"),
    ("data_quality", "stale_table", "hr.payroll.driver_payroll_monthly"),
    ("data_quality", "stale_table", "logistics.routing.legacy_route_plans"),
    ("data_quality", "stale_table", "logistics.legacy.tachograph_raw"),
    ("data_quality", "stale_table", "logistics.warehouse.wms_pick_events"),
    ("data_quality", "stale_table", "logistics.routing.intraday_adjustments"),
    ("data_quality", "stale_table", "logistics.claims.damage_claims"),
    ("data_quality", "stale_table", "ml.eta.eta_backtest_results"),
    ("data_quality", "stale_table", "analytics.reporting.fleet_kpis"),
    ("mlops", "endpoint_traffic", "route-risk-scorer-v2"),
    ("mlops", "endpoint_traffic", "route-risk-scorer-v1"),
    ("mlops", "endpoint_traffic", "tyre-wear-estimator"),
    ("mlops", "endpoint_traffic", "pallet-label-ocr"),
    ("mlops", "endpoint_traffic", "invoice-line-classifier"),
    ("mlops", "endpoint_traffic", "dispatch-copilot"),
    ("mlops", "endpoint_traffic", "customer-chatbot-intent"),
}


# --------------------------------------------------------------------------------------------
# Calendar helpers
# --------------------------------------------------------------------------------------------


def _t(month: int, day: int, hour: int = 0, minute: int = 0, year: int = 2026) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=UTC)


def _days(start: dt.date, end: dt.date):
    """Dates from start (inclusive) to end (exclusive)."""
    d = start
    while d < end:
        yield d
        d += D


def _business_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in HOLIDAYS


def _offset(day: dt.date) -> int:
    """Hours Dublin local time is ahead of UTC on that date (0 in winter, 1 in summer)."""
    return 1 if day >= DST_START else 0


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=UTC)


def _first_business_day_of_month(day: dt.date) -> bool:
    if not _business_day(day):
        return False
    d = day.replace(day=1)
    while not _business_day(d):
        d += D
    return d == day


class _Ctx:
    """Deterministic randomness and ids."""

    def __init__(self) -> None:
        self.rng = np.random.default_rng(SEED)
        self._run = 481_902_337_110_000

    def uid(self) -> str:
        return str(uuid.UUID(bytes=self.rng.bytes(16), version=4))

    def run_id(self) -> str:
        self._run += int(self.rng.integers(3, 40))
        return str(self._run)

    def secs(self, lo: float, hi: float) -> dt.timedelta:
        return dt.timedelta(seconds=float(self.rng.uniform(lo, hi)))


# --------------------------------------------------------------------------------------------
# Unity Catalog table universe
# --------------------------------------------------------------------------------------------

DEPOTS = [
    "dub01", "dub02", "dub03", "ork01", "gwy01", "lmk01", "wat01", "sli01", "dun01", "bfs01",
    "bfs02", "lpl01", "man01", "bhx01", "gla01", "edi01", "bri01", "lon01", "lon02", "sou01",
    "rtm01", "rtm02", "ams01", "utr01", "ein01", "ant01", "brx01", "lil01", "par01", "cgn01",
]
DEPOT_KINDS = ["stock_levels", "dock_schedule", "door_events", "labour_hours"]

NAMED_TABLES: dict[str, list[str]] = {
    "logistics.routing": ["planned_routes", "planned_routes_staging", "optimized_routes", "intraday_adjustments",
                          "legacy_route_plans", "route_constraints", "road_closures", "delivery_windows",
                          "stop_sequences", "route_costs"],
    "logistics.depots": ["inventory_snapshot", "door_sensor_hourly", "energy_usage", "depot_master"],
    "logistics.warehouse": ["wms_pick_events", "slotting_master", "putaway_tasks", "cycle_counts", "pallet_labels"],
    "logistics.customs": ["declarations_export", "hs_codes", "broker_filings", "duty_payments"],
    "logistics.claims": ["damage_claims", "claim_photos", "claim_settlements"],
    "logistics.partners": ["edi_messages", "portal_shipments", "carrier_master", "partner_sla"],
    "logistics.reporting": ["weekly_fleet_utilization", "customer_sla_daily", "on_time_delivery",
                            "depot_throughput", "exec_dashboard_daily"],
    "logistics.legacy": ["tachograph_raw", "route_plans_2019", "driver_logs_archive"],
    "logistics.fleet": ["vehicles", "trailers", "maintenance_plan", "fuel_efficiency", "tyre_inventory",
                        "vehicle_assignments"],
    "telematics.raw": ["gps_pings", "reefer_temperatures", "can_bus_frames", "eld_events", "door_sensor_events",
                       "harsh_braking_events"],
    "telematics.curated": ["gps_pings_dedup", "vehicle_hourly_stats", "vehicle_daily_stats", "trip_segments",
                           "idle_events", "geofence_crossings"],
    "telematics.compliance": ["hos_status", "tachograph_infringements", "driver_rest_periods"],
    "finance.ap": ["carrier_invoices", "tolls_and_fines", "vendor_master", "payment_runs", "invoice_lines"],
    "finance.ar": ["customer_invoices", "credit_notes", "dunning_status", "customer_master"],
    "finance.fuel": ["card_transactions", "fuel_prices", "fuel_card_master", "fuel_anomalies"],
    "finance.controlling": ["fleet_cost_allocation", "cost_centres", "depot_pnl", "route_profitability",
                            "budget_vs_actual"],
    "finance.gl": ["journal_entries", "trial_balance", "chart_of_accounts", "fx_rates", "period_close_status"],
    "finance.treasury": ["cash_positions", "bank_statements", "hedging_positions"],
    "hr.payroll": ["driver_timesheets", "driver_payroll_monthly", "payslips", "overtime", "pension_contributions",
                   "salary_bands"],
    "hr.workforce": ["depot_rosters", "headcount", "absence_records", "training_certifications", "driver_licences"],
    "hr.people": ["employees", "performance_reviews", "disciplinary_cases", "leavers", "emergency_contacts"],
    "hr.recruiting": ["candidates", "offers", "background_checks"],
    "ml.forecasting": ["depot_demand_features", "demand_forecasts", "forecast_accuracy"],
    "ml.eta": ["eta_backtest_results", "eta_training_set", "eta_predictions"],
    "ml.features": ["driver_features", "vehicle_features", "route_features", "weather_features"],
    "analytics.drivers": ["driver_scorecards", "driver_behaviour_daily", "driver_rankings"],
    "analytics.warehouse": ["slotting_recommendations", "pick_rate_daily", "congestion_heatmap"],
    "analytics.reporting": ["fleet_kpis", "board_pack_monthly", "customer_nps", "sustainability_co2"],
    "analytics.sandbox": ["ciaran_route_analysis", "aoife_tmp_dedup_check", "scratch_join_test",
                          "padraig_feature_probe"],
}


def _table_universe() -> dict[str, list[str]]:
    by_schema = {schema: [f"{schema}.{t}" for t in names] for schema, names in NAMED_TABLES.items()}
    by_schema["logistics.depots"] += [f"logistics.depots.{k}_{d}" for d in DEPOTS for k in DEPOT_KINDS]
    return by_schema


TABLES_BY_SCHEMA = _table_universe()
ALL_TABLES = [t for ts in TABLES_BY_SCHEMA.values() for t in ts]


def _tables(*prefixes: str) -> list[str]:
    return [t for t in ALL_TABLES if any(t.startswith(p + ".") or t == p for p in prefixes)]


# --------------------------------------------------------------------------------------------
# Billing
# --------------------------------------------------------------------------------------------


def _shape(kind: str, day: dt.date) -> np.ndarray:
    """Relative hourly weights over the 24 UTC hours of `day`."""
    off = _offset(day)
    w = np.empty(24)
    for h in range(24):
        lh = (h + off) % 24
        if kind == "business":
            w[h] = 1.0 if 8 <= lh <= 18 else (0.35 if lh in (7, 19) else 0.02)
        elif kind == "night":
            w[h] = 1.0 if h <= 5 else 0.25
        else:  # flat / streaming with a mild diurnal wave
            w[h] = 1.0 + 0.15 * math.sin((lh - 9) / 24 * 2 * math.pi)
    return w / w.sum()


@dataclass
class _Series:
    ws: str
    sku: str
    product: str
    shape: str
    daily: object  # callable(date) -> expected DBU
    sigma: float = 0.06
    extra: object = None  # callable(hour_start) -> extra DBU
    force: dict = field(default_factory=dict)  # date -> exact day total before extras
    meta: dict = field(default_factory=dict)
    tags: dict = field(default_factory=dict)
    serverless: bool = False


def _billing_series() -> list[_Series]:
    start = AS_OF.date() - dt.timedelta(days=90)

    def bd(weekday: float, weekend: float):
        return lambda d: weekday if _business_day(d) else weekend

    migration = {dt.date(2026, 3, 25): 3.0, dt.date(2026, 3, 26): 6.0, dt.date(2026, 3, 27): 10.0,
                 dt.date(2026, 3, 28): 12.0, dt.date(2026, 3, 29): 12.0, dt.date(2026, 3, 30): 20.0,
                 dt.date(2026, 3, 31): 21.0, WINDOW_DAY: 22.0}
    mar30 = dt.date(2026, 3, 30)
    return [
        # prod: nightly batch; the monthly cost-allocation job runs on the 1st (DECOY)
        _Series(WS_PROD, SKU_JOBS, "JOBS", "night",
                lambda d: 180 + (330 if d.day == 1 else 0) + (30 if d >= mar30 else 0),
                meta={"cluster_id": "0119-022841-prodbatch"}, tags={"team": "data-platform", "env": "prod"}),
        # prod interactive: business hours; cluster left running all day (INCIDENT)
        _Series(WS_PROD, SKU_AP, "ALL_PURPOSE", "business", bd(46, 4), sigma=0.12,
                extra=lambda h: 28.0 if h >= WINDOW_START + H else 0.0,
                meta={"cluster_id": "0312-101507-ops-shared"}, tags={"team": "fleet-ops", "env": "prod"}),
        _Series(WS_PROD, SKU_SQL_SERVERLESS, "SQL", "business", bd(90, 20), sigma=0.1, serverless=True,
                meta={"warehouse_id": "a41c8e7d2f90b3e6"}, tags={"team": "bi", "env": "prod"}),
        _Series(WS_PROD, SKU_RTI, "MODEL_SERVING", "flat", lambda d: 600, sigma=0.05, serverless=True,
                tags={"team": "ml-platform", "env": "prod"}),
        # telematics
        _Series(WS_TELEM, SKU_JOBS, "JOBS", "flat", lambda d: 210, sigma=0.05,
                meta={"cluster_id": "0904-131155-telem-jobs"}, tags={"team": "telematics", "env": "prod"}),
        _Series(WS_TELEM, SKU_DLT, "DLT", "flat", lambda d: 60 * 1.012 ** (d - start).days, sigma=0.04,
                meta={"dlt_pipeline_id": "5f0c9a1e-2b7d-4c3e-9e61-a8d4b2f7c013"},
                tags={"team": "telematics", "env": "prod"}),
        _Series(WS_TELEM, SKU_JOBS_SERVERLESS, "JOBS", "flat", lambda d: 260, sigma=0.07, serverless=True,
                force={WINDOW_DAY: 950.0}, tags={"team": "telematics", "env": "prod"}),
        # analytics
        _Series(WS_ANALYTICS, SKU_SQL_SERVERLESS, "SQL", "business", bd(120, 15), sigma=0.1, serverless=True,
                extra=lambda h: 13.0 if h >= WINDOW_START else 0.0,
                meta={"warehouse_id": "7bd2e90c14a6f318"}, tags={"team": "bi", "env": "prod"}),
        _Series(WS_ANALYTICS, SKU_SQL_PRO, "SQL", "business", bd(60, 0), sigma=0.1,
                meta={"warehouse_id": "c05e6a9b37d1f284"}, tags={"team": "finance-bi", "env": "prod"}),
        _Series(WS_ANALYTICS, SKU_AP, "ALL_PURPOSE", "business", bd(30, 3), sigma=0.1,
                extra=lambda h: 6.0 if h in (WINDOW_START + 10 * H, WINDOW_START + 11 * H) else 0.0,
                meta={"cluster_id": "0207-083012-analysts"}, tags={"team": "analytics", "env": "prod"}),
        _Series(WS_ANALYTICS, SKU_JOBS, "JOBS", "night", lambda d: 50 - 1.6 * migration.get(d, 0.0), sigma=0.06,
                meta={"cluster_id": "0207-090115-analytics-jobs"}, tags={"team": "analytics", "env": "prod"}),
        _Series(WS_ANALYTICS, SKU_JOBS_SERVERLESS, "JOBS", "night", lambda d: migration.get(d, 0.0), sigma=0.05,
                serverless=True, tags={"team": "analytics", "env": "prod"}),
        # ml
        _Series(WS_ML, SKU_AP, "ALL_PURPOSE", "business", bd(80, 12), sigma=0.45, force={WINDOW_DAY: 136.0},
                meta={"cluster_id": "1011-144920-ds-gpu"}, tags={"team": "data-science", "env": "prod"}),
        _Series(WS_ML, SKU_RTI, "MODEL_SERVING", "flat", lambda d: 900, sigma=0.06, serverless=True,
                extra=lambda h: 125.0 if h >= WINDOW_START else 0.0, tags={"team": "ml-platform", "env": "prod"}),
        _Series(WS_ML, SKU_JOBS, "JOBS", "night", lambda d: 25 + (90 if d.weekday() == 6 else 0), sigma=0.1,
                meta={"cluster_id": "1011-150233-training"}, tags={"team": "data-science", "env": "prod"}),
        # dev: tiny
        _Series(WS_DEV, SKU_AP, "ALL_PURPOSE", "business", bd(1.0, 0.0), sigma=0.3, force={WINDOW_DAY: 6.0},
                meta={"cluster_id": "0220-101010-dev-small"}, tags={"team": "engineering", "env": "dev"}),
        _Series(WS_DEV, SKU_JOBS, "JOBS", "night", lambda d: 3.0, sigma=0.2,
                tags={"team": "engineering", "env": "dev"}),
    ]


def _billing_rows(ctx: _Ctx) -> list[dict]:
    rng = ctx.rng
    rows = []
    start = AS_OF.date() - dt.timedelta(days=90)
    for s in _billing_series():
        for day in _days(start, AS_OF.date()):
            base = float(s.daily(day))
            if base <= 0 and not s.force.get(day):
                total = 0.0
            elif day in s.force:
                total = s.force[day]
            else:
                total = base * float(np.exp(rng.normal(0.0, s.sigma) - s.sigma**2 / 2))
            w = _shape(s.shape, day) * np.exp(rng.normal(0.0, 0.05, 24))
            w = w / w.sum()
            for h in range(24):
                hs = _midnight(day) + h * H
                qty = total * w[h] + (s.extra(hs) if s.extra else 0.0)
                if qty < 0.005:
                    continue
                rows.append({
                    "account_id": ACCOUNT_ID, "workspace_id": s.ws, "record_id": ctx.uid(), "sku_name": s.sku,
                    "cloud": CLOUD, "usage_start_time": hs, "usage_end_time": hs + H, "usage_date": day,
                    "custom_tags": dict(s.tags), "usage_unit": "DBU", "usage_quantity": Decimal(f"{qty:.6f}"),
                    "usage_metadata": dict(s.meta) or None, "identity_metadata": None, "record_type": "ORIGINAL",
                    "ingestion_date": day, "billing_origin_product": s.product,
                    "product_features": {"is_serverless": s.serverless, "is_photon": False,
                                         "jobs_tier": "PREMIUM" if s.product == "JOBS" else None,
                                         "sql_tier": "PRO" if s.product == "SQL" else None},
                    "usage_type": "COMPUTE_TIME",
                })
    return rows


def _price_rows() -> list[dict]:
    return [{
        "account_id": ACCOUNT_ID, "price_start_time": _t(1, 1, year=2025), "price_end_time": None,
        "sku_name": sku, "cloud": CLOUD, "currency_code": "USD", "usage_unit": "DBU",
        "pricing": {"default": Decimal(p), "promotional": {"default": Decimal(p)},
                    "effective_list": {"default": Decimal(p)}},
    } for sku, p in PRICES.items()]


# --------------------------------------------------------------------------------------------
# Jobs, runs and lineage
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sched:
    cron: str
    tz: str = "UTC"
    minutes: tuple = (0,)
    hours: tuple | None = None
    dom: tuple | None = None
    dow: tuple | None = None  # 0 = Monday

    def fires(self, start: dt.datetime, end: dt.datetime) -> list[dt.datetime]:
        tz = ZoneInfo(self.tz)
        out = set()
        day = (start - 2 * D).astimezone(tz).date()
        last = (end + 2 * D).astimezone(tz).date()
        while day <= last:
            if (self.dom is None or day.day in self.dom) and (self.dow is None or day.weekday() in self.dow):
                for h in (self.hours if self.hours is not None else range(24)):
                    for m in self.minutes:
                        t = dt.datetime(day.year, day.month, day.day, h, m, tzinfo=tz).astimezone(UTC)
                        if start <= t < end:
                            out.add(t)
            day += D
        return sorted(out)


def every_15(offset: int) -> Sched:
    return Sched(f"0 {offset}/15 * * * ?", "UTC", tuple(range(offset, 60, 15)))


def hourly(minute: int) -> Sched:
    return Sched(f"0 {minute} * * * ?", "UTC", (minute,))


def daily(hour: int, minute: int, tz: str = DUBLIN) -> Sched:
    return Sched(f"0 {minute} {hour} * * ?", tz, (minute,), (hour,))


def weekdays(hour: int, minute: int) -> Sched:
    return Sched(f"0 {minute} {hour} ? * MON-FRI", DUBLIN, (minute,), (hour,), dow=(0, 1, 2, 3, 4))


@dataclass
class Job:
    job_id: str
    name: str
    ws: str
    sched: Sched | None
    base_s: float
    sigma: float = 0.12
    targets: tuple = ()
    sources: tuple = ()
    history_days: int = 63
    run_as: str = "svc-dataplatform@harbourline.ie"
    owner: str = "aoife.byrne@harbourline.ie"
    created: dt.datetime = _t(6, 3, 10, 15, year=2025)
    serverless: bool = False
    trigger: str = "CRON"
    description: str | None = None


JOBS: list[Job] = [
    # telematics workspace
    Job("604217388195021", "gps_ping_ingest", WS_TELEM, every_15(0), 90, 0.1,
        ("telematics.raw.gps_pings",), ("telematics.raw.can_bus_frames",), 42, serverless=True),
    Job("604217388195188", "eld_hos_compliance_feed", WS_TELEM, every_15(5), 40, 0.1, (), (), 42,
        description="Pushes hours-of-service status to the RSA/DVSA compliance API.", serverless=True),
    Job("604217388195342", "trailer_reefer_temp_ingest", WS_TELEM, every_15(10), 70, 0.1,
        ("telematics.raw.reefer_temperatures",), (), 42, serverless=True),
    Job("881920347716055", "partner_edi_poll", WS_PROD, every_15(2), 25, 0.15,
        ("logistics.partners.edi_messages",), (), 42, serverless=True, owner="grainne.oconnor@harbourline.ie"),
    Job("112093847561230", "platform_heartbeat", WS_PROD, every_15(7), 8, 0.1, (), (), 42, serverless=True,
        description="No-op probe that checks the jobs service and UC are reachable."),
    Job("604217388196011", "telematics_gps_dedupe", WS_TELEM, hourly(20), 240, 0.1,
        ("telematics.curated.gps_pings_dedup",), ("telematics.raw.gps_pings",)),
    Job("604217388196257", "telematics_hourly_aggregation", WS_TELEM, hourly(35), 360, 0.1,
        ("telematics.curated.vehicle_hourly_stats",), ("telematics.curated.gps_pings_dedup",)),
    Job("330918273645118", "depot_door_sensor_rollup", WS_PROD, hourly(15), 180, 0.12,
        ("logistics.depots.door_sensor_hourly",), ("telematics.raw.door_sensor_events",)),
    Job("604217388196480", "telematics_daily_rollup", WS_TELEM, daily(2, 0), 1200, 0.05,
        ("telematics.curated.vehicle_daily_stats",), ("telematics.curated.vehicle_hourly_stats",), 90),
    Job("775102938471662", "route_eta_backtest", WS_ML, hourly(45), 300, 0.12,
        ("ml.eta.eta_backtest_results",), ("ml.eta.eta_predictions",), owner="padraig.quinn@harbourline.ie"),
    # prod workspace
    Job("330918273645902", "route_optimizer_nightly", WS_PROD, daily(1, 30), 2400, 0.08,
        ("logistics.routing.optimized_routes",), ("logistics.routing.route_constraints", "logistics.fleet.vehicles"),
        run_as="svc-route-optimizer@harbourline.ie"),
    Job("330918273646117", "depot_inventory_sync", WS_PROD, weekdays(7, 0), 720, 0.1,
        ("logistics.depots.inventory_snapshot",), ("logistics.depots.depot_master",)),
    Job("330918273646349", "customer_sla_report", WS_PROD, daily(5, 0), 900, 0.1,
        ("logistics.reporting.customer_sla_daily",), ("logistics.reporting.on_time_delivery",)),
    Job("419283746501873", "fuel_card_transactions_load", WS_PROD, daily(5, 0), 540, 0.1,
        ("finance.fuel.card_transactions",), (), owner="siobhan.kelly@harbourline.ie"),
    Job("419283746502090", "carrier_invoice_ingest", WS_PROD, daily(6, 0), 660, 0.1,
        ("finance.ap.carrier_invoices",), ("finance.ap.vendor_master",), owner="siobhan.kelly@harbourline.ie"),
    Job("330918273646781", "customs_declarations_export", WS_PROD, daily(4, 0), 420, 0.1,
        ("logistics.customs.declarations_export",), ("logistics.customs.hs_codes",)),
    Job("528374619203348", "driver_timesheet_export", WS_PROD, weekdays(18, 0), 360, 0.1,
        ("hr.payroll.driver_timesheets",), ("telematics.compliance.driver_rest_periods",),
        owner="maeve.fitzgerald@harbourline.ie"),
    Job("330918273647004", "weekly_fleet_utilization_report", WS_PROD,
        Sched("0 0 6 ? * MON", DUBLIN, (0,), (6,), dow=(0,)), 1500, 0.08,
        ("logistics.reporting.weekly_fleet_utilization",), ("telematics.curated.vehicle_daily_stats",), 90),
    Job("419283746502511", "month_end_fleet_cost_allocation", WS_PROD,
        Sched("0 0 2 1 * ?", DUBLIN, (0,), (2,), dom=(1,)), 16200, 0.05,
        ("finance.controlling.fleet_cost_allocation",), ("finance.gl.journal_entries",), 90,
        owner="siobhan.kelly@harbourline.ie"),
    Job("528374619203771", "driver_payroll_export", WS_PROD,
        Sched("0 0 3 15 * ?", DUBLIN, (0,), (3,), dom=(15,)), 1080, 0.06,
        ("hr.payroll.driver_payroll_monthly",), ("hr.payroll.driver_timesheets",), 90,
        owner="maeve.fitzgerald@harbourline.ie"),
    Job("217364509182733", "legacy_route_planner_v1", WS_PROD, daily(1, 0), 3000, 0.08,
        ("logistics.routing.legacy_route_plans",), ("logistics.routing.route_constraints",),
        created=_t(3, 14, 9, 0, year=2022)),
    Job("217364509183006", "legacy_tachograph_import", WS_PROD, daily(3, 30), 600, 0.1,
        ("logistics.legacy.tachograph_raw",), (), created=_t(11, 2, 9, 0, year=2021)),
    Job("330918273647330", "wms_pick_events_ingest", WS_PROD, hourly(0), 240, 0.1,
        ("logistics.warehouse.wms_pick_events",), ()),
    Job("330918273647562", "route_optimizer_intraday", WS_PROD, hourly(10), 420, 0.1,
        ("logistics.routing.intraday_adjustments",), ("logistics.routing.optimized_routes",),
        run_as="svc-route-optimizer@harbourline.ie"),
    Job("330918273647819", "planned_routes_publisher", WS_PROD, daily(3, 0), 480, 0.1,
        ("logistics.routing.planned_routes",), ("logistics.routing.optimized_routes",)),
    Job("330918273648045", "damage_claims_upload_processor", WS_PROD, None, 300, 0.2,
        ("logistics.claims.damage_claims",), (), trigger="FILE_ARRIVAL"),
    Job("528374619204112", "depot_staff_roster_sync", WS_PROD, weekdays(6, 30), 300, 0.1,
        ("hr.workforce.depot_rosters",), ("hr.people.employees",), owner="maeve.fitzgerald@harbourline.ie"),
    Job("330918273648266", "vehicle_maintenance_planner", WS_PROD, daily(3, 15), 1500, 0.1,
        ("logistics.fleet.maintenance_plan",), ("logistics.fleet.vehicles",)),
    Job("419283746502978", "tolls_and_fines_ingest", WS_PROD, daily(7, 30), 360, 0.12,
        ("finance.ap.tolls_and_fines",), ()),
    Job("881920347716404", "customer_portal_shipments_sync", WS_PROD, hourly(50), 120, 0.12,
        ("logistics.partners.portal_shipments",), ()),
    Job("330918273648501", "depot_energy_usage_report", WS_PROD, weekdays(8, 0), 240, 0.1,
        ("logistics.depots.energy_usage",), ()),
    # analytics / ml / dev
    Job("902837465112904", "ad_hoc_driver_scorecards", WS_ANALYTICS, daily(7, 0, "UTC"), 1500, 0.45,
        ("analytics.drivers.driver_scorecards",), ("analytics.drivers.driver_behaviour_daily",),
        owner="ciaran.obrien@harbourline.ie"),
    Job("902837465113158", "warehouse_slotting_model", WS_ANALYTICS, hourly(30), 420, 0.1,
        ("analytics.warehouse.slotting_recommendations",), ("logistics.warehouse.wms_pick_events",)),
    Job("902837465113377", "fleet_kpi_dashboard_refresh", WS_ANALYTICS,
        Sched("0 0 7-19 ? * MON-FRI", DUBLIN, (0,), tuple(range(7, 20)), dow=(0, 1, 2, 3, 4)), 180, 0.1,
        ("analytics.reporting.fleet_kpis",), ("logistics.reporting.on_time_delivery",)),
    Job("775102938472019", "demand_forecast_training", WS_ML,
        Sched("0 0 22 ? * SUN", "UTC", (0,), (22,), dow=(6,)), 5400, 0.08,
        ("ml.forecasting.demand_forecasts",), ("ml.forecasting.depot_demand_features",), 90,
        owner="padraig.quinn@harbourline.ie"),
    Job("775102938472284", "eta_model_batch_scoring", WS_ML, daily(4, 30, "UTC"), 900, 0.1,
        ("ml.eta.eta_predictions",), ("ml.features.route_features",), owner="padraig.quinn@harbourline.ie"),
    Job("1003847562910047", "[dev liam.brennan] geo_udf scratch", WS_DEV, None, 200, 0.3, (), (),
        run_as="liam.brennan@harbourline.ie", owner="liam.brennan@harbourline.ie", trigger="MANUAL",
        created=_t(1, 20, 14, 2)),
    Job("604217388197733", "telematics_ev_battery_health", WS_TELEM, daily(2, 0), 900, 0.1,
        ("telematics.curated.ev_battery_health",), ("telematics.raw.can_bus_frames",),
        created=_t(4, 1, 15, 30)),
]
JOB_BY_NAME = {j.name: j for j in JOBS}

EVERY_4H = Sched("0 10 0/4 * * ?", "UTC", (10,), (0, 4, 8, 12, 16, 20))

# Settings changes after creation: (job name, change_time, overrides)
JOB_CHANGES = [
    ("legacy_route_planner_v1", _t(3, 25, 10, 0),
     {"paused": True, "description": "Superseded by route_optimizer_nightly (v2). Paused, to be deleted after Q1 close."}),
    ("legacy_tachograph_import", _t(3, 21, 9, 0), {"delete_time": _t(3, 21, 9, 0)}),
    ("wms_pick_events_ingest", _t(4, 1, 5, 50),
     {"paused": True, "description": "PAUSED for planned WMS v9 upgrade (CHG-20417), 2026-04-01 06:00 to "
                                     "2026-04-02 06:00 UTC. Resume after cut-over."}),
    ("route_optimizer_intraday", _t(3, 30, 8, 0), {"sched": EVERY_4H}),
    ("planned_routes_publisher", _t(3, 27, 16, 40), {"description": "Publishes optimised routes to the driver app (bundle v3.8.0)."}),
    ("gps_ping_ingest", _t(2, 24, 11, 5), {"description": "15-min GPS ingest from the Kinesis landing zone."}),
    ("customer_sla_report", _t(3, 3, 9, 30), {"description": "Daily SLA report; month rollup on the 1st."}),
]

_FAIL_TYPE = {"CLOUD_FAILURE": "CLOUD_FAILURE"}


def _plan(t: dt.datetime, job: Job, **kw) -> dict:
    p = {"t": t, "factor": 1.0, "state": "SUCCEEDED", "code": "SUCCESS", "trigger": "CRON",
         "targets": job.targets, "exec": None}
    p.update(kw)
    return p


def _job_plans(job: Job, ctx: _Ctx) -> list[dict]:
    rng = ctx.rng
    start = AS_OF - job.history_days * D
    name = job.name
    w = WINDOW_START
    if job.sched is not None:
        if name == "route_optimizer_intraday":
            change = _t(3, 30, 8, 0)
            times = job.sched.fires(start, change) + EVERY_4H.fires(change, AS_OF)
        else:
            times = job.sched.fires(start, AS_OF)
        plans = [_plan(t, job) for t in times]
    elif name == "damage_claims_upload_processor":
        times, t = [], _t(3, 29, 9, 12)
        while t > start:
            times.append(t)
            t = t - dt.timedelta(hours=float(rng.uniform(22, 120)))
        plans = [_plan(t, job, trigger="FILE_ARRIVAL") for t in sorted(times)]
    elif name.startswith("[dev"):
        hist = sorted(_t(2, 20, 10) + dt.timedelta(hours=float(x)) for x in rng.uniform(0, 24 * 38, 8))
        plans = [_plan(t, job, trigger="ONETIME") for t in hist]
        for p in plans[::3]:
            p.update(state="FAILED", code="RUN_EXECUTION_ERROR")
        for hh, mm in ((13, 10), (13, 42), (14, 25), (15, 6)):
            plans.append(_plan(w + dt.timedelta(hours=hh, minutes=mm), job, trigger="ONETIME",
                               state="FAILED", code="RUN_EXECUTION_ERROR"))
    else:
        plans = []

    fail = {"state": "FAILED"}
    if name == "gps_ping_ingest":
        for p in plans:
            if p["t"] >= w + 5 * H:
                p["factor"] = 3.3
    elif name == "eld_hos_compliance_feed":
        for i, p in enumerate(plans):
            if p["t"] >= w + 18 * H:
                p.update(fail, code="UNAUTHORIZED_ERROR", exec=float(rng.uniform(6, 12)))
            elif i % 397 == 211:  # very rare isolated blips in history
                p.update(fail, code="CLOUD_FAILURE", exec=float(rng.uniform(5, 20)))
    elif name == "trailer_reefer_temp_ingest":
        plans = [p for p in plans if p["t"] <= _t(4, 1, 9, 40)]
    elif name == "partner_edi_poll":
        streak = 0
        for p in plans:
            if streak < 2 and rng.random() < 0.07:
                p.update(fail, code="RUN_EXECUTION_ERROR", exec=float(rng.uniform(30, 60)))
                streak += 1
            else:
                streak = 0
        for p in plans[-4:]:
            p.update(state="SUCCEEDED", code="SUCCESS", exec=None)
    elif name == "platform_heartbeat":
        for p in plans:
            if p["t"] >= w + 6 * H:
                p["factor"] = 2.75
    elif name == "telematics_gps_dedupe":
        for p in plans:
            if p["t"] >= w + 9 * H:
                p.update(fail, code="DRIVER_ERROR", exec=float(rng.uniform(150, 200)))
    elif name == "telematics_hourly_aggregation":
        for p in plans:
            if p["t"] >= w + 6 * H:
                p["factor"] = 3.3
    elif name == "depot_door_sensor_rollup":
        plans = [p for p in plans if p["t"] <= _t(3, 31, 21, 15)]
    elif name == "telematics_daily_rollup":
        for p in plans:
            p["factor"] = 1.01 ** ((p["t"] - start) / D)
    elif name == "route_eta_backtest":
        for p in plans:
            if w + 10 * H <= p["t"] < w + 13 * H:
                p.update(fail, code="DRIVER_ERROR", exec=float(rng.uniform(60, 120)))
    elif name == "route_optimizer_nightly":
        for p in plans:
            if p["t"] >= _t(3, 30):
                p["factor"] = 3.2
    elif name == "depot_inventory_sync":
        for p in plans:
            if p["t"] >= _t(3, 30):
                p["factor"] = 3.75
    elif name == "customer_sla_report":
        for p in plans:
            if p["t"].astimezone(ZoneInfo(DUBLIN)).day == 1:
                p["factor"] = 3.0
    elif name == "fuel_card_transactions_load":
        late_days = {_t(2, 9).date(), _t(2, 23).date(), _t(3, 6).date(), _t(3, 16).date(), _t(3, 24).date(),
                     WINDOW_DAY}
        extra = []
        for p in plans:
            if p["t"].date() in late_days:
                p.update(fail, code="RESOURCE_NOT_FOUND", exec=float(rng.uniform(30, 50)))
                extra.append(_plan(p["t"] + dt.timedelta(minutes=25), job, trigger="ONETIME"))
        plans = sorted(plans + extra, key=lambda p: p["t"])
    elif name == "carrier_invoice_ingest":
        for p in plans:
            if p["t"] >= _t(3, 30):
                p.update(fail, code="STORAGE_ACCESS_ERROR", exec=float(rng.uniform(40, 90)))
    elif name == "customs_declarations_export":
        plans = [p for p in plans if p["t"] < _t(3, 29)]
    elif name == "driver_timesheet_export":
        plans = [p for p in plans if p["t"] < _t(3, 27)]
    elif name == "legacy_route_planner_v1":
        plans = [p for p in plans if p["t"] < _t(3, 25, 10)]
    elif name == "legacy_tachograph_import":
        plans = [p for p in plans if p["t"] < _t(3, 21, 9)]
        for p in plans:
            if p["t"] >= _t(3, 18):
                p.update(fail, code="DRIVER_ERROR", exec=float(rng.uniform(100, 200)))
    elif name == "wms_pick_events_ingest":
        plans = [p for p in plans if p["t"] < _t(4, 1, 5, 50)]
    elif name == "planned_routes_publisher":
        for p in plans:
            if p["t"] >= _t(3, 28):
                p["targets"] = ("logistics.routing.planned_routes_staging",)
    elif name == "depot_staff_roster_sync":
        for p in plans:
            if p["t"] >= _t(3, 30):
                p.update(fail, code="LIBRARY_INSTALLATION_ERROR", exec=float(rng.uniform(60, 120)))
    elif name == "ad_hoc_driver_scorecards":
        for p in plans:
            if p["t"] >= w:
                p["exec"] = job.base_s * 1.8
    elif name == "warehouse_slotting_model":
        for p in plans:
            if p["t"] == w + 14 * H + dt.timedelta(minutes=30):
                p["factor"] = 3.2
    elif name == "telematics_ev_battery_health":
        plans = [p for p in plans if p["t"] >= job.created]
    return plans


def _runs_and_lineage(ctx: _Ctx) -> tuple[list[dict], list[dict]]:
    rng = ctx.rng
    runs, lineage = [], []
    for job in JOBS:
        for p in _job_plans(job, ctx):
            queue = float(rng.uniform(1, 20))
            setup = float(rng.uniform(4, 15)) if job.serverless else float(rng.uniform(45, 160))
            cleanup = float(rng.uniform(2, 15))
            if p["exec"] is not None:
                execution = float(p["exec"])
            else:
                execution = job.base_s * p["factor"] * float(np.exp(rng.normal(0.0, job.sigma)))
            start = p["t"] + dt.timedelta(seconds=float(rng.uniform(0.2, 3)))
            end = start + dt.timedelta(seconds=queue + setup + execution + cleanup)
            if end >= AS_OF:
                continue
            run_id = ctx.run_id()
            failed = p["state"] != "SUCCEEDED"
            runs.append({
                "account_id": ACCOUNT_ID, "workspace_id": job.ws, "job_id": job.job_id, "run_id": run_id,
                "period_start_time": start, "period_end_time": end, "trigger_type": p["trigger"],
                "result_state": p["state"], "run_type": "JOB_RUN", "run_name": job.name,
                "termination_code": p["code"],
                "termination_type": ("SUCCESS" if not failed else _FAIL_TYPE.get(p["code"], "CLIENT_ERROR")),
                "setup_duration_seconds": round(setup), "queue_duration_seconds": round(queue),
                "execution_duration_seconds": round(execution), "cleanup_duration_seconds": round(cleanup),
                "run_duration_seconds": round(queue + setup + execution + cleanup),
            })
            if failed:
                continue
            for target in p["targets"]:
                tc, ts, tn = target.split(".")
                ev = end - dt.timedelta(seconds=float(rng.uniform(3, 40)))
                for source in (job.sources or (None,)):
                    sc, ss, sn = source.split(".") if source else (None, None, None)
                    lineage.append({
                        "account_id": ACCOUNT_ID, "metastore_id": METASTORE_ID, "workspace_id": job.ws,
                        "entity_type": "JOB", "entity_id": job.job_id, "entity_run_id": run_id,
                        "source_table_full_name": source, "source_table_catalog": sc, "source_table_schema": ss,
                        "source_table_name": sn, "source_type": "TABLE" if source else None,
                        "target_table_full_name": target, "target_table_catalog": tc, "target_table_schema": ts,
                        "target_table_name": tn, "target_type": "TABLE", "created_by": job.run_as,
                        "event_time": ev, "event_date": ev.date(), "record_id": ctx.uid(), "event_id": ctx.uid(),
                        "entity_metadata": {"job_info": {"job_id": job.job_id, "job_run_id": run_id}},
                        "direct_access": False,
                    })
    lineage += _read_lineage(ctx)
    return runs, lineage


def _read_lineage(ctx: _Ctx) -> list[dict]:
    """Reads (no target) of some tables by dashboards and notebooks: a stale table keeps being read."""
    rng = ctx.rng
    rows = []
    readers = [
        ("logistics.routing.planned_routes", "DASHBOARD", "01ef2c9a7b3d1e44a0c1d2f3e4b5a697", "declan.murphy@harbourline.ie", WS_PROD),
        ("hr.payroll.driver_timesheets", "DASHBOARD", "01ef0a1b2c3d4e5f60718293a4b5c6d7", "maeve.fitzgerald@harbourline.ie", WS_PROD),
        ("telematics.curated.gps_pings_dedup", "NOTEBOOK", "3391027745518820", "aoife.byrne@harbourline.ie", WS_TELEM),
        ("finance.ap.carrier_invoices", "DASHBOARD", "01ef7788aa99bb00cc11dd22ee33ff44", "siobhan.kelly@harbourline.ie", WS_ANALYTICS),
    ]
    for table, etype, eid, who, ws in readers:
        sc, ss, sn = table.split(".")
        for day in _days(AS_OF.date() - dt.timedelta(days=42), AS_OF.date()):
            if not _business_day(day):
                continue
            for _ in range(int(rng.integers(2, 6))):
                ev = _midnight(day) + dt.timedelta(hours=float(rng.uniform(7, 18)))
                rows.append({
                    "account_id": ACCOUNT_ID, "metastore_id": METASTORE_ID, "workspace_id": ws,
                    "entity_type": etype, "entity_id": eid, "source_table_full_name": table,
                    "source_table_catalog": sc, "source_table_schema": ss, "source_table_name": sn,
                    "source_type": "TABLE", "created_by": who, "event_time": ev, "event_date": ev.date(),
                    "record_id": ctx.uid(), "event_id": ctx.uid(), "direct_access": False,
                })
    return rows


def _job_rows() -> list[dict]:
    rows = []
    for job in JOBS:
        state = {"sched": job.sched, "paused": False, "delete_time": None, "description": job.description}
        changes = [(job.created, {})] + [(t, o) for n, t, o in JOB_CHANGES if n == job.name]
        for change_time, overrides in sorted(changes, key=lambda c: c[0]):
            state.update(overrides)
            sched = state["sched"]
            if sched is not None:
                trigger = {"schedule": {"quartz_cron_expression": sched.cron, "timezone_id": sched.tz}}
                trigger_type = "CRON"
            elif job.trigger == "FILE_ARRIVAL":
                trigger = {"file_arrival": {"url": "s3://harbourline-landing-eu/claims/incoming/",
                                            "min_time_between_triggers_seconds": 60,
                                            "wait_after_last_change_seconds": 120}}
                trigger_type = "FILE_ARRIVAL"
            else:
                trigger, trigger_type = None, None
            rows.append({
                "account_id": ACCOUNT_ID, "workspace_id": job.ws, "job_id": job.job_id, "name": job.name,
                "creator_id": None,
                "tags": {"team": "telematics" if job.ws == WS_TELEM else "data-platform",
                         "env": "dev" if job.ws == WS_DEV else "prod"},
                "run_as": job.run_as, "change_time": change_time, "delete_time": state["delete_time"],
                "description": state["description"], "trigger": trigger, "trigger_type": trigger_type,
                "run_as_user_name": job.run_as, "creator_user_name": job.owner, "paused": state["paused"],
                "timeout_seconds": int(max(3600, job.base_s * 6)), "create_time": job.created,
            })
    return rows


# --------------------------------------------------------------------------------------------
# Audit: sign-ins and table reads
# --------------------------------------------------------------------------------------------

DUBLIN_NAT = "194.125.40.18"
ROTTERDAM_NAT = "83.161.44.20"
BROWSER_UAS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/123.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:124.0) Gecko/20100101 Firefox/124.0",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0 Safari/537.36",
]


@dataclass
class User:
    email: str
    ws: str
    home_ip: str
    mean: float  # distinct tables read per business day
    sigma: float
    schemas: tuple
    site: str = "dub"  # dub / rtm / remote


CORE_USERS = [
    User("ciaran.obrien@harbourline.ie", WS_ANALYTICS, "86.44.21.187", 10, 0.25,
         ("analytics.reporting", "analytics.drivers", "logistics.reporting", "logistics.routing", "analytics.sandbox")),
    User("aoife.byrne@harbourline.ie", WS_TELEM, "89.101.33.54", 24, 0.5,
         ("telematics", "logistics.depots", "logistics.partners")),
    User("declan.murphy@harbourline.ie", WS_PROD, "86.46.200.17", 9, 0.25,
         ("logistics.reporting", "logistics.fleet", "logistics.routing", "analytics.reporting")),
    User("niamh.walsh@harbourline.ie", WS_ANALYTICS, "86.42.9.201", 0, 0.2,
         ("logistics", "analytics")),
    User("siobhan.kelly@harbourline.ie", WS_ANALYTICS, "89.100.12.77", 8, 0.2,
         ("finance.ap", "finance.ar", "finance.gl", "finance.controlling")),
    User("eoin.gallagher@harbourline.ie", WS_PROD, "86.41.77.3", 6, 0.25,
         ("logistics.routing", "logistics.fleet", "logistics.reporting")),
    User("roisin.doyle@harbourline.ie", WS_PROD, "86.44.170.205", 12, 0.25,
         ("logistics.warehouse", "logistics.depots", "analytics.warehouse")),
    User("padraig.quinn@harbourline.ie", WS_ML, "89.101.90.12", 14, 0.3,
         ("ml", "telematics.curated", "analytics.drivers")),
    User("maeve.fitzgerald@harbourline.ie", WS_PROD, "86.45.3.140", 11, 0.25,
         ("hr.payroll", "hr.workforce", "hr.people")),
    User("sean.mccarthy@harbourline.ie", WS_PROD, "86.43.61.88", 7, 0.25,
         ("logistics.customs", "logistics.partners", "finance.ap")),
    User("grainne.oconnor@harbourline.ie", WS_PROD, "89.100.201.5", 15, 0.3,
         ("logistics.partners", "logistics.claims", "logistics.reporting", "finance.ar")),
    User("liam.brennan@harbourline.ie", WS_DEV, "86.47.12.99", 9, 0.3,
         ("analytics.sandbox", "telematics.raw", "logistics.fleet")),
    User("tomasz.kowalski@partner-logix.com", WS_PROD, "31.179.88.42", 5, 0.25,
         ("logistics.partners", "logistics.customs"), site="remote"),
    User("joost.vandenberg@harbourline.nl", WS_PROD, "84.26.140.9", 6, 0.25,
         ("logistics.depots", "logistics.warehouse"), site="rtm"),
    User("fionn.reilly@harbourline.ie", WS_ANALYTICS, "86.40.5.66", 10, 0.3,
         ("analytics", "logistics.reporting")),
    User("orla.kavanagh@harbourline.ie", WS_PROD, "89.101.7.230", 8, 0.25,
         ("logistics.fleet", "finance.fuel", "logistics.reporting")),
]
USER_BY_EMAIL = {u.email: u for u in CORE_USERS}

SVC_POWERBI = "svc-powerbi@harbourline.ie"
SVC_CRAWLER = "7c2e9a14-3b5d-4f61-8e07-d94a1f3c6b25"
SVC_ROUTER = "svc-route-optimizer@harbourline.ie"
SVC_GITHUB = "svc-github-deploy@harbourline.ie"

FIRST = ["aisling", "brian", "cathal", "deirdre", "emma", "fergal", "gemma", "hugh", "isabel", "jack",
         "karen", "lorcan", "mairead", "noel", "oisin", "peter", "rachel", "shane", "tara", "una",
         "victor", "wendy", "yvonne", "adam", "bronagh", "colm", "dara", "eimear", "frank", "gillian"]
LAST = ["ryan", "walsh", "byrne", "kennedy", "lynch", "murray", "quinlan", "farrell", "nolan", "power",
        "sheridan", "tobin", "hayes", "daly", "dunne", "keane", "moran", "casey", "burke", "healy"]
NL_FIRST = ["daan", "sanne", "lars", "femke", "bram", "lotte", "ruben", "anouk", "thijs", "iris",
            "jesse", "marloes", "sven", "noor", "koen", "eva", "wouter", "lieke"]
NL_LAST = ["de jong", "jansen", "de vries", "bakker", "visser", "smit", "meijer", "mulder", "bos", "vos"]


def _staff(rng: np.random.Generator) -> tuple[list[str], list[str]]:
    ie, seen = [], set(USER_BY_EMAIL)
    while len(ie) < 36:
        e = f"{rng.choice(FIRST)}.{rng.choice(LAST)}@harbourline.ie"
        if e not in seen:
            seen.add(e)
            ie.append(e)
    nl = []
    while len(nl) < 18:
        e = f"{rng.choice(NL_FIRST)}.{str(rng.choice(NL_LAST)).replace(' ', '')}@harbourline.nl"
        if e not in seen:
            seen.add(e)
            nl.append(e)
    return ie, nl


class _Audit:
    def __init__(self, ctx: _Ctx) -> None:
        self.ctx = ctx
        self.rows: list[dict] = []

    def add(self, t: dt.datetime, email: str, ip: str, service: str, action: str, status: int, *,
            ws: str = "0", params: dict | None = None, ua: str | None = None, error: str | None = None) -> None:
        self.rows.append({
            "account_id": ACCOUNT_ID, "workspace_id": ws, "version": "2.0", "event_time": t, "event_date": t.date(),
            "source_ip_address": ip, "user_agent": ua or BROWSER_UAS[0], "session_id": None,
            "user_identity": {"email": email, "subject_name": None}, "service_name": service,
            "action_name": action, "request_id": self.ctx.uid(), "request_params": params or {},
            "response": {"status_code": status, "error_message": error, "result": None},
            "audit_level": "ACCOUNT_LEVEL" if ws == "0" else "WORKSPACE_LEVEL", "event_id": self.ctx.uid(),
            "identity_metadata": None,
        })

    def login(self, t, email, ip, ok=True, *, action="login", ws="0", ua=None):
        if ok:
            self.add(t, email, ip, "accounts", action, 200, ws=ws, ua=ua,
                     params={"user": email, "authentication_method": "PASSWORD" if action == "login" else "PAT"})
        else:
            self.add(t, email, ip, "accounts", action, 401, ws=ws, ua=ua,
                     params={"user": email, "authentication_method": "PASSWORD" if action == "login" else "PAT"},
                     error="Invalid credentials" if action == "login" else "Invalid access token")

    def read(self, t, email, ip, table, ws, status=200, ua=None):
        self.add(t, email, ip, "unityCatalog", "getTable", status, ws=ws, ua=ua,
                 params={"full_name_arg": table, "workspace_id": ws},
                 error=None if status == 200 else f"User does not have USE SCHEMA on {table.rsplit('.', 1)[0]}")

    def reads(self, email, ip, tables, ws, t0, span_h, reps=(1, 3), ua=None):
        rng = self.ctx.rng
        for table in tables:
            for _ in range(int(rng.integers(reps[0], reps[1] + 1))):
                self.read(t0 + dt.timedelta(hours=float(rng.uniform(0, span_h))), email, ip, table, ws, ua=ua)


def _audit_rows(ctx: _Ctx) -> list[dict]:
    rng = ctx.rng
    a = _Audit(ctx)
    staff_ie, staff_nl = _staff(rng)
    start = AS_OF.date() - dt.timedelta(days=60)
    home_sets = {}
    for u in CORE_USERS:
        pool = _tables(*u.schemas)
        size = min(len(pool), max(6, int(u.mean * 2.2)))
        home_sets[u.email] = list(rng.choice(pool, size=size, replace=False))
    close_set = list(rng.choice(_tables("finance", "logistics.reporting", "analytics.reporting", "hr.payroll",
                                        "logistics.fleet"), size=46, replace=False))
    powerbi_set = ["logistics.reporting.on_time_delivery", "logistics.reporting.depot_throughput",
                   "logistics.reporting.exec_dashboard_daily", "analytics.reporting.fleet_kpis",
                   "finance.controlling.depot_pnl", "analytics.reporting.customer_nps",
                   "logistics.reporting.customer_sla_daily", "analytics.warehouse.pick_rate_daily"]
    router_daily = _tables("logistics.routing", "logistics.fleet")
    router_weekly = _tables("logistics.routing", "logistics.fleet", "logistics.depots")[:150]
    crawler_pool = list(ALL_TABLES)
    travel_from = dt.date(2026, 3, 28)

    for day in _days(start, AS_OF.date()):
        m0 = _midnight(day)
        off = _offset(day)
        bday = _business_day(day)
        is_window = day == WINDOW_DAY
        # ---- core users
        for u in CORE_USERS:
            if u.email == "niamh.walsh@harbourline.ie" and day < dt.date(2026, 3, 30):
                continue
            if not bday:
                continue
            travelling = u.email == "declan.murphy@harbourline.ie" and day >= travel_from
            if travelling:
                ip, t0, span = "118.200.65.31", m0 + 1 * H, 8.0
            elif u.site == "rtm":
                ip, t0, span = ROTTERDAM_NAT if day.weekday() in (1, 2, 3) else u.home_ip, m0 + (7 - off) * H, 9.0
            elif u.site == "remote":
                ip, t0, span = u.home_ip, m0 + (8 - off) * H, 9.0
            else:
                ip = DUBLIN_NAT if day.weekday() in (1, 2, 3) else u.home_ip
                t0, span = m0 + (8 - off) * H + dt.timedelta(minutes=float(rng.uniform(0, 50))), 9.0
            # sign-in, occasionally after a typo
            if rng.random() < 0.03 and not is_window:
                a.login(t0 - dt.timedelta(minutes=2), u.email, ip, ok=False)
            if travelling and is_window:
                for k in range(3):
                    a.login(m0 + 1 * H + dt.timedelta(minutes=58, seconds=20 * k), u.email, ip, ok=False)
                a.login(m0 + 2 * H + dt.timedelta(minutes=1), u.email, ip)
            a.login(t0, u.email, ip)
            # reads
            if u.email == "niamh.walsh@harbourline.ie":
                n = {dt.date(2026, 3, 30): 22, dt.date(2026, 3, 31): 29, WINDOW_DAY: 33}[day]
                tables = list(rng.choice(_tables(*u.schemas), size=n, replace=False))
            elif u.email == "siobhan.kelly@harbourline.ie" and _first_business_day_of_month(day):
                tables = close_set
            elif u.email == "aoife.byrne@harbourline.ie" and is_window:
                tables = list(rng.choice(_tables(*u.schemas), size=48, replace=False))
            elif u.email == "aoife.byrne@harbourline.ie" and day.weekday() == 0 and day.isocalendar().week % 2 == 0:
                n = int(rng.integers(55, 69))  # fortnightly release-validation Monday: checks every depot table
            elif u.email == "aoife.byrne@harbourline.ie":
                n = int(np.clip(round(u.mean * np.exp(rng.normal(0, u.sigma))), 8, 70))
                tables = list(rng.choice(_tables(*u.schemas), size=n, replace=False))
            else:
                n = int(np.clip(round(u.mean * np.exp(rng.normal(0, u.sigma))), 2, len(home_sets[u.email])))
                tables = list(rng.choice(home_sets[u.email], size=n, replace=False))
            a.reads(u.email, ip, tables, u.ws, t0 + dt.timedelta(minutes=5), span, reps=(1, 2))

        # ---- Dublin office staff through the NAT
        for e in staff_ie:
            if not bday or rng.random() > 0.75:
                continue
            t0 = m0 + (8 - off) * H + dt.timedelta(minutes=float(rng.uniform(0, 120)))
            if rng.random() < 0.02 and not is_window:
                a.login(t0 - dt.timedelta(minutes=1), e, DUBLIN_NAT, ok=False)
            a.login(t0, e, DUBLIN_NAT)
            if rng.random() < 0.45:
                k = int(rng.integers(2, 6))
                tables = list(rng.choice(_tables("analytics.reporting", "logistics.reporting", "logistics.fleet"),
                                         size=k, replace=False))
                a.reads(e, DUBLIN_NAT, tables, WS_ANALYTICS, t0 + dt.timedelta(minutes=3), 8.0, reps=(1, 1))

        # ---- Rotterdam depot kiosk at the 05:00 UTC shift change (all days)
        fails = 9 if is_window else int(rng.poisson(6))
        who = [str(x) for x in rng.choice(staff_nl, size=14, replace=False)]
        for e in who:
            t0 = m0 + 5 * H + dt.timedelta(minutes=float(rng.uniform(5, 55)))
            a.login(t0, e, ROTTERDAM_NAT, ua=BROWSER_UAS[3])
        for k in range(fails):
            e = who[k % len(who)]
            a.login(m0 + 5 * H + dt.timedelta(minutes=float(rng.uniform(0, 58))), e, ROTTERDAM_NAT, ok=False,
                    ua=BROWSER_UAS[3])

        # ---- service identities
        # Power BI gateway: 8 gold tables every hour 06-19 UTC, every day
        for h in range(6, 20):
            for table in powerbi_set:
                a.read(m0 + h * H + dt.timedelta(minutes=float(rng.uniform(0, 10))), SVC_POWERBI, "52.169.10.44",
                       table, WS_ANALYTICS, ua="PowerBI/2.128 SimbaSparkODBC/2.7")
        # catalog scanner: ~225 tables nightly
        n = 228 if is_window else int(rng.integers(218, 234))
        for table in rng.choice(crawler_pool, size=n, replace=False):
            a.read(m0 + 1 * H + dt.timedelta(minutes=float(rng.uniform(0, 50))), SVC_CRAWLER, "34.248.17.90",
                   str(table), WS_PROD, ua="catalog-scanner/4.2 databricks-sdk-py/0.40")
        # route optimizer: ~18 tables nightly, the whole depot network every Wednesday
        tables = router_weekly if day.weekday() == 2 else router_daily
        for table in tables:
            a.read(m0 + 1 * H + dt.timedelta(minutes=float(rng.uniform(0, 55))), SVC_ROUTER, "34.250.61.12",
                   table, WS_PROD, ua="databricks-jobs/2.1")
        # CI runner: token sign-ins every 2 h on business days
        if bday:
            for h in range(8, 19, 2):
                a.login(m0 + h * H + dt.timedelta(minutes=float(rng.uniform(0, 5))), SVC_GITHUB, "34.241.88.16",
                        action="tokenLogin", ws=WS_PROD, ua="databricks-cli/0.218 github-actions")

    _window_events(a, ctx, staff_ie)
    return [r for r in a.rows if r["event_time"] < AS_OF]


def _window_events(a: _Audit, ctx: _Ctx, staff_ie: list[str]) -> None:
    rng = ctx.rng
    w = WINDOW_START
    # INCIDENT 185.220.101.47: password spraying from a Tor exit, 02:10-02:35
    real = [u.email for u in CORE_USERS] + staff_ie
    guessed = [f"{x}@harbourline.ie" for x in ("admin", "administrator", "it", "it.support", "helpdesk", "test",
                                              "finance", "payroll", "hr", "dispatch", "ops", "root", "backup",
                                              "svc-admin", "databricks", "security", "ceo", "info", "sales", "noc")]
    targets = list(rng.choice(real, size=40, replace=False)) + guessed
    for k in range(180):
        a.login(w + 2 * H + dt.timedelta(minutes=10) + dt.timedelta(seconds=float(rng.uniform(0, 25 * 60))),
                str(targets[k % len(targets)]), "185.220.101.47", ok=False, ua="python-requests/2.31.0")
    # INCIDENT 45.155.205.233: credential stuffing against one account, 13:05-13:45
    for k in range(65):
        a.login(w + 13 * H + dt.timedelta(minutes=5) + dt.timedelta(seconds=float(rng.uniform(0, 40 * 60))),
                "eoin.gallagher@harbourline.ie", "45.155.205.233", ok=False, ua=BROWSER_UAS[k % 4])
    # INCIDENT 103.151.140.22: PAT brute force on service identities, 21:00-21:50
    svc = [SVC_POWERBI, SVC_ROUTER, "svc-dataplatform@harbourline.ie", SVC_GITHUB]
    for k in range(140):
        a.login(w + 21 * H + dt.timedelta(seconds=float(rng.uniform(0, 50 * 60))), svc[k % 4], "103.151.140.22",
                ok=False, action="tokenLogin", ws=WS_PROD, ua="Go-http-client/1.1")
    # INCIDENT 91.240.118.172: low-profile spraying in the morning rush, 07:20-08:15
    victims = list(rng.choice(real, size=12, replace=False))
    for k in range(48):
        a.login(w + 7 * H + dt.timedelta(minutes=20) + dt.timedelta(seconds=float(rng.uniform(0, 55 * 60))),
                str(victims[k % 12]), "91.240.118.172", ok=False, ua=BROWSER_UAS[k % 4])
    # DECOY Dublin NAT: quarterly password rotation, one typo per person then success, 08:00-09:00
    people = list(rng.choice(staff_ie, size=22, replace=False)) + ["fionn.reilly@harbourline.ie",
                                                                    "grainne.oconnor@harbourline.ie"]
    for k in range(26):
        e = str(people[k % len(people)])
        t = w + 8 * H + dt.timedelta(seconds=float(rng.uniform(0, 55 * 60)))
        a.login(t, e, DUBLIN_NAT, ok=False)
        a.login(t + dt.timedelta(minutes=float(rng.uniform(1, 4))), e, DUBLIN_NAT)
    # DECOY CI runner: expired PAT retried every 20 min 09:00-14:40, then a new token
    for k in range(18):
        a.login(w + 9 * H + dt.timedelta(minutes=20 * k, seconds=float(rng.uniform(0, 30))), SVC_GITHUB,
                "34.241.88.16", ok=False, action="tokenLogin", ws=WS_PROD, ua="databricks-cli/0.218 github-actions")
    # DECOY one user's home broadband: stale saved password, 14 failures in 8 min, then success
    for _ in range(14):
        a.login(w + 19 * H + dt.timedelta(minutes=2, seconds=float(rng.uniform(0, 8 * 60))),
                "roisin.doyle@harbourline.ie", "86.44.170.205", ok=False, ua=BROWSER_UAS[1])
    a.login(w + 19 * H + dt.timedelta(minutes=14), "roisin.doyle@harbourline.ie", "86.44.170.205", ua=BROWSER_UAS[1])

    # INCIDENT ciaran.obrien: compromised account, bulk reads from a VPS at night
    bad_ip = "45.142.212.61"
    a.login(w + 1 * H + dt.timedelta(minutes=22), "ciaran.obrien@harbourline.ie", bad_ip, ua="python-requests/2.31.0")
    a.reads("ciaran.obrien@harbourline.ie", bad_ip, [str(x) for x in rng.choice(ALL_TABLES, size=165, replace=False)],
            WS_ANALYTICS, w + 1 * H + dt.timedelta(minutes=25), 1.75, reps=(1, 1), ua="databricks-sql-python/3.1.0")
    # INCIDENT tomasz.kowalski: contractor harvesting far beyond partner/customs tables
    pool = _tables("hr", "finance", "logistics", "telematics.curated")
    tk = [str(x) for x in rng.choice(pool, size=95, replace=False)]
    a.reads("tomasz.kowalski@partner-logix.com", "31.179.88.42", tk, WS_PROD, w + 16 * H, 2.0, reps=(1, 1))
    for table in [t for t in tk if t.startswith("hr.")][:8]:
        a.read(w + 17 * H + dt.timedelta(minutes=float(rng.uniform(0, 50))), "tomasz.kowalski@partner-logix.com",
               "31.179.88.42", table, WS_PROD, status=403)
    # INCIDENT svc-powerbi: leaked credential enumerating the catalog from a new IP
    a.reads(SVC_POWERBI, "193.32.162.70", [str(x) for x in rng.choice(ALL_TABLES, size=230, replace=False)],
            WS_ANALYTICS, w + 11 * H, 1.5, reps=(1, 1), ua="python-requests/2.31.0")
    # INCIDENT maeve.fitzgerald: leaver pulling HR, finance and logistics data in bulk
    pool = _tables("hr", "finance", "logistics")
    a.reads("maeve.fitzgerald@harbourline.ie", DUBLIN_NAT, [str(x) for x in rng.choice(pool, size=180, replace=False)],
            WS_PROD, w + 13 * H, 3.5, reps=(1, 1))


# --------------------------------------------------------------------------------------------
# Model serving
# --------------------------------------------------------------------------------------------


@dataclass
class Endpoint:
    name: str
    ws: str
    entity_name: str
    entity_type: str
    versions: list  # [(change_time, entity_version, config_version)]
    shape: str
    weekday: float
    weekend: float
    sigma: float = 0.08
    history_days: int = 45
    requester: str = "svc-routing-app@harbourline.ie"
    delete_time: dt.datetime | None = None
    task: str | None = None
    endpoint_id: str = ""
    ids: list = field(default_factory=list)


ENDPOINTS = [
    Endpoint("eta-predictor-prod", WS_PROD, "ml.eta.eta_gbm", "CUSTOM_MODEL",
             [(_t(9, 2, 10, year=2025), "11", 6), (_t(3, 20, 9, 30), "12", 7)], "ops", 240, 90),
    Endpoint("fuel-anomaly-scorer", WS_PROD, "ml.features.fuel_anomaly_iforest", "CUSTOM_MODEL",
             [(_t(11, 12, 14, year=2025), "4", 3)], "ops", 110, 110, requester="svc-fuelcard-gateway@harbourline.ie"),
    Endpoint("load-planning-assistant", WS_ML, "openai-gpt-4o", "EXTERNAL_MODEL",
             [(_t(1, 14, 11), "1", 2)], "business", 80, 12, sigma=0.15, task="llm/v1/chat",
             requester="svc-load-planner-agent@harbourline.ie"),
    Endpoint("depot-camera-damage-detector", WS_PROD, "ml.features.damage_vit", "CUSTOM_MODEL",
             [(_t(10, 1, 9, year=2025), "7", 5)], "flat", 100, 100, requester="svc-camera-gateway@harbourline.ie"),
    Endpoint("route-risk-scorer-v1", WS_PROD, "ml.features.route_risk_xgb", "CUSTOM_MODEL",
             [(_t(9, 15, 9, year=2025), "3", 4)], "ops", 140, 140, delete_time=_t(3, 31, 10, 0)),
    Endpoint("route-risk-scorer-v2", WS_PROD, "ml.features.route_risk_gnn", "CUSTOM_MODEL",
             [(_t(3, 24, 9, 0), "1", 1)], "ops", 140, 140),
    Endpoint("tyre-wear-estimator", WS_ML, "ml.features.tyre_wear_lgbm", "CUSTOM_MODEL",
             [(_t(12, 5, 10, year=2025), "2", 2)], "business", 6, 6, sigma=0.0,
             requester="orla.kavanagh@harbourline.ie"),
    Endpoint("pallet-label-ocr", WS_PROD, "ml.features.pallet_label_ocr", "CUSTOM_MODEL",
             [(_t(11, 20, 10, year=2025), "4", 4), (_t(4, 1, 10, 0), "5", 5)], "ops", 70, 40,
             requester="svc-wms-scanner@harbourline.ie"),
    Endpoint("invoice-line-classifier", WS_PROD, "ml.features.invoice_line_bert", "CUSTOM_MODEL",
             [(_t(10, 14, 10, year=2025), "3", 3)], "business", 35, 8, history_days=63,
             requester="svc-ap-automation@harbourline.ie"),
    Endpoint("dispatch-copilot", WS_ML, "databricks-meta-llama-3-3-70b-instruct", "FOUNDATION_MODEL",
             [(_t(1, 26, 12), "1", 3)], "strict_business", 160, 20, sigma=0.1, task="llm/v1/chat",
             requester="dispatch-app@harbourline.ie"),
    Endpoint("customer-chatbot-intent", WS_ML, "ml.features.intent_distilbert", "CUSTOM_MODEL",
             [(_t(8, 1, 10, year=2025), "9", 9)], "ops", 80, 80, sigma=0.4,
             requester="svc-customer-portal@harbourline.ie"),
]


def _ep_shape(kind: str, day: dt.date) -> np.ndarray:
    off = _offset(day)
    w = np.empty(24)
    for h in range(24):
        lh = (h + off) % 24
        if kind == "ops":
            w[h] = 1.0 if 6 <= lh <= 20 else (0.5 if lh in (5, 21, 22) else 0.08)
        elif kind == "business":
            w[h] = 1.0 if 8 <= lh <= 18 else (0.4 if lh in (7, 19) else 0.02)
        elif kind == "strict_business":
            w[h] = 1.0 if 8 <= lh <= 18 else (0.4 if lh in (7, 19) else 0.0)
        else:
            w[h] = 1.0 + 0.2 * math.sin((lh - 9) / 24 * 2 * math.pi)
    return w / w.sum()


def _serving_rows(ctx: _Ctx) -> tuple[list[dict], list[dict]]:
    rng = ctx.rng
    entities, usage = [], []
    for ep in ENDPOINTS:
        ep.endpoint_id = ctx.uid().replace("-", "")
        ep.ids = []
        for change_time, version, cfg in ep.versions:
            sid = ctx.uid()
            ep.ids.append((change_time, sid))
            row = {
                "served_entity_id": sid, "account_id": ACCOUNT_ID, "workspace_id": ep.ws,
                "created_by": "padraig.quinn@harbourline.ie", "endpoint_name": ep.name,
                "endpoint_id": ep.endpoint_id, "served_entity_name": f"{ep.entity_name.split('.')[-1]}-{version}",
                "entity_type": ep.entity_type, "entity_name": ep.entity_name, "entity_version": version,
                "endpoint_config_version": cfg, "task": ep.task, "change_time": change_time,
                "endpoint_delete_time": None,
            }
            if ep.entity_type == "CUSTOM_MODEL":
                row["custom_model_config"] = {"min_concurrency": 0, "max_concurrency": 8, "compute_type": "CPU"}
            elif ep.entity_type == "EXTERNAL_MODEL":
                row["external_model_config"] = {"provider": "openai"}
            else:
                row["foundation_model_config"] = {"min_provisioned_throughput": 0, "max_provisioned_throughput": 9500}
            entities.append(row)
            if ep.delete_time is not None:
                entities.append(dict(row, change_time=ep.delete_time, endpoint_delete_time=ep.delete_time))

        v2_share = {dt.date(2026, 3, 24): 0.1, dt.date(2026, 3, 25): 0.25, dt.date(2026, 3, 26): 0.5,
                    dt.date(2026, 3, 27): 0.75}
        for day in _days(AS_OF.date() - dt.timedelta(days=ep.history_days), AS_OF.date()):
            m0 = _midnight(day)
            base = ep.weekday if _business_day(day) else ep.weekend
            noise = float(np.exp(rng.normal(0, ep.sigma) - ep.sigma**2 / 2)) if ep.sigma else 1.0
            if ep.name == "customer-chatbot-intent" and day == WINDOW_DAY:
                noise = 1.65
            total = base * noise
            if ep.name.startswith("route-risk-scorer"):
                share = v2_share.get(day, 0.0 if day < dt.date(2026, 3, 24) else 1.0)
                total *= share if ep.name.endswith("v2") else 1.0 - share
            shape = _ep_shape(ep.shape, day)
            for h in range(24):
                hs = m0 + h * H
                if hs < ep.versions[0][0] or (ep.delete_time and hs >= ep.delete_time):
                    continue
                rate = total * shape[h]
                if day.day == 1 and ep.name == "invoice-line-classifier" and 2 <= h < 6:
                    rate += 150 / 4
                if day == WINDOW_DAY:
                    if ep.name == "eta-predictor-prod" and h >= 5:
                        rate *= 0.04
                    elif ep.name == "fuel-anomaly-scorer" and h >= 3:
                        rate *= 12
                    elif ep.name == "load-planning-assistant" and h >= 15:
                        rate += 55
                    elif ep.name == "depot-camera-damage-detector":
                        rate = 0.0
                    elif ep.name == "tyre-wear-estimator":
                        rate = 0.0
                n = int(rng.poisson(rate))
                if day == WINDOW_DAY and ep.name == "tyre-wear-estimator" and 9 <= h <= 15:
                    n = 3
                for _ in range(n):
                    t = hs + dt.timedelta(seconds=float(rng.uniform(0, 3600)))
                    sid = [s for ct, s in ep.ids if ct <= t][-1] if t >= ep.ids[0][0] else ep.ids[0][1]
                    status = 200 if rng.random() > 0.006 else int(rng.choice([400, 429, 500]))
                    llm = ep.task is not None
                    usage.append({
                        "workspace_id": ep.ws, "account_id": ACCOUNT_ID, "client_request_id": None,
                        "databricks_request_id": ctx.uid(), "requester": ep.requester, "status_code": status,
                        "request_time": t,
                        "input_token_count": int(rng.integers(400, 3000)) if llm else None,
                        "output_token_count": int(rng.integers(80, 700)) if llm else None,
                        "input_character_count": None, "output_character_count": None,
                        "usage_context": None, "request_streaming": bool(llm), "served_entity_id": sid,
                    })
    return entities, [u for u in usage if u["request_time"] < AS_OF]


# --------------------------------------------------------------------------------------------
# Build
# --------------------------------------------------------------------------------------------


def _write(root: Path, full_name: str, rows: list[dict]) -> None:
    schema = system_table_schema(full_name)
    write_table(root, full_name, pa.Table.from_pylist(rows, schema=schema), schema)


def build(root: Path) -> Path:
    """Write Harbourline's system tables as Delta tables under `root` and return `root`."""
    root = Path(root)
    ctx = _Ctx()
    _write(root, "system.billing.list_prices", _price_rows())
    _write(root, "system.billing.usage", _billing_rows(ctx))
    _write(root, "system.lakeflow.jobs", _job_rows())
    runs, lineage = _runs_and_lineage(ctx)
    _write(root, "system.lakeflow.job_run_timeline", runs)
    _write(root, "system.access.table_lineage", lineage)
    _write(root, "system.access.audit", _audit_rows(ctx))
    entities, usage = _serving_rows(ctx)
    _write(root, "system.serving.served_entities", entities)
    _write(root, "system.serving.endpoint_usage", usage)
    return root
