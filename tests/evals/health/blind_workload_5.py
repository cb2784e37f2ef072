"""Blind evaluation workload 5: Cascadia Pacific Airways, the Sunday after Thanksgiving.

Company
-------
Cascadia Pacific Airways (CPA) is a fictitious Seattle-based regional airline (~140 aircraft) running
Databricks on AWS us-east-1, account ``c7a1e0d2-5b3f-4e8a-9d21-6f0b8c3e4a57``, four workspaces:

* ``4182937465019283`` cpa-ops-prod        flight operations: schedules, crew, baggage, fleet, weather, fuel
* ``5520194837261047`` cpa-commercial-prod bookings, pricing, loyalty, distribution (Amadeus), finance close
* ``7391046258173920`` cpa-ml-prod         data science, model serving, forecasting
* ``2847561930475816`` cpa-analytics-dev   sandbox / development

Operational workloads run 24/7 (an airline never closes); office workloads (interactive clusters,
SQL warehouses, analysts) run on weekdays 15:00-24:00 UTC (07:00-16:00 Pacific) and are quiet at
weekends. History starts Monday 2026-09-21 (10 weeks), so two month starts (Oct 1, Nov 1) and the
Thanksgiving holiday (Thu 2026-11-26, Fri 2026-11-27 at weekend levels for office work) are visible.

Monitored day
-------------
``AS_OF = 2026-11-30 00:00 UTC``; the monitored day is **Sunday 2026-11-29 (UTC)**, the Sunday after
Thanksgiving, the busiest travel day of the US year. Office workloads are at Sunday levels; ops
workloads are slightly busier (passenger volume ~+25 %). The next day is the last day of November
(not in the window).

Incidents (should be flagged, medium+) -- 37
-------------------------------------------
cost / sku_spike (entity ``workspace_id/sku``):
* C1 ``7391046258173920/PREMIUM_ALL_PURPOSE_COMPUTE``: a g5.12xlarge GPU interactive cluster
  ("gpu-exploration-lb", auto-termination disabled) left running all Sunday: +1,080 DBU (~$594) on top of
  a normal Sunday of ~60 DBU (~$33); ~18x a normal Sunday, ~2.7x a normal weekday.
* C2 ``5520194837261047/PREMIUM_SERVERLESS_SQL_COMPUTE_US_EAST_N_VIRGINIA``: a dashboard auto-refresh
  loop on the serverless warehouse: ~2,650 DBU (~$1,855) vs ~240 DBU (~$170) on normal Sundays (~11x).
* C3 ``4182937465019283/PREMIUM_JOBS_COMPUTE``: a retrying job on an oversized cluster doubles ops job
  spend: ~11,000 DBU (~$1,650) vs 5,000 +/- 7 % (~$750) every day (2.2x; borderline but real).
* C4 ``2847561930475816/PREMIUM_JOBS_SERVERLESS_COMPUTE_US_EAST_N_VIRGINIA``: a serverless notebook job
  stuck in a loop: ~2,600 DBU (~$910) vs ~20 DBU (~$7) on Sundays and ~100 DBU on weekdays.
* C5 ``5520194837261047/PREMIUM_DLT_ADVANCED_COMPUTE``: an accidental full refresh of the bookings DLT
  pipeline: ~2,700 DBU (~$970) vs 900 +/- 6 % DBU (~$325) every day (3x).

security / failed_login_burst (entity: source IP):
* L1 ``185.220.101.47``: password spray 02:10-02:50, 420 failed logins against 85 user names, no success.
* L2 ``45.134.26.113``: 160 failed ``tokenLogin`` calls (invalid token) 13:00-13:25, python-requests.
* L3 ``103.75.190.12``: 60 failed logins against ``ops.admin@cascadiaair.com`` in 20 minutes, then one
  success (likely compromise).
* L4 ``91.240.118.22``: low-and-slow: 45 failures spread over the whole day against 15 users (borderline).

security / unusual_read_volume (entity: user e-mail):
* R1 ``priya.raman@cascadiaair.com``: reads ~100 distinct tables (03:00-07:30 UTC, new home IP) on Sunday (normal 5-8 on weekdays, never
  works Sundays), incl. crew PII and loyalty member tables.
* R2 ``d.kowalczyk@cascadiaair.com``: 55 distinct tables vs 6-10 normally.
* R3 ``m.alvarez@cascadiaair.com``: 28 distinct tables vs 4-7 normally (~5x; borderline).
* R4 ``r.haddad@cascadiaair.com``: dormant since 2026-10-09 (4-6 tables/day before), suddenly reads 22
  distinct tables at 02:00-03:00 UTC.

performance / job_duration_regression (entity: job_id):
* P1 ``402118736451840`` crew_legality_check (daily 05:00): 75 min vs 18 min +/- 8 %.
* P2 ``771203948571388`` fare_filing_ingest (every 6 h): all 4 runs 92-98 min vs 40 +/- 3 min.
* P3 ``402118736451502`` bag_tracking_compaction (daily 04:00): 38 min vs 22 min +/- 5 % (1.7x; borderline).
* P4 ``402118736451655`` aircraft_telemetry_hourly (hourly :20): all 24 runs 15-19 min vs 6 min.
* P5 ``913374650128901`` demand_forecast_training (daily 01:00): 5.5 h vs 2 h +/- 7 %.

reliability / failure_streak (entity: job_id):
* F1 ``771203948571811`` amadeus_schedule_push (hourly :15): the last 9 runs (15:15-23:15) FAILED
  (UNAUTHORIZED_ERROR, expired Amadeus credential).
* F2 ``402118736452260`` crew_roster_export (daily 04:45): Fri, Sat and Sun runs all FAILED.
* F3 ``771203948571903`` loyalty_campaign_dispatch (every 4 h): the last 5 runs FAILED
  (LIBRARY_INSTALLATION_ERROR).
* F4 ``402118736452371`` maintenance_logbook_dq_checks (every 30 min): the last 4 runs FAILED (borderline).

reliability / job_not_running (entity: job_id; all scheduled and unpaused):
* N1 ``402118736452702`` fuel_price_ingest (hourly): last run 03:00 on the monitored day (20 missed runs).
* N2 ``402118736452815`` daily_ops_report (daily 05:30): last run Thu 2026-11-26 (3 missed runs).
* N3 ``402118736452930`` weather_feed_15min (every 15 min): last run 18:30 (22 missed runs).
* N4 ``402118736453047`` aircraft_utilization_6h (every 6 h): last run Sat 12:00 (4 missed runs).

data_quality / stale_table (entity: table):
* S1 ``ops_prod.weather.metar_observations``: written every 15 min, none since 18:30 (writer N3).
* S2 ``ops_prod.fuel.jet_fuel_prices``: written hourly, none since 03:05 (writer N1).
* S3 ``ops_prod.fleet.aircraft_utilization``: written every 6 h, none since Sat 12:xx (writer N4).
* S4 ``commercial_prod.bookings.pnr_daily_snapshot``: written daily; the writer job
  (771203948572458 pnr_snapshot_build) still runs and succeeds but stopped writing it after Thu 11-26.
* S5 ``ml_prod.features.customer_propensity_features``: written hourly by a DLT pipeline, none since 14:xx.
* S6 ``commercial_prod.ancillary.ancillary_sales``: written every 2 h by a scheduled DBSQL query, none
  since Sat 20:xx (~28 h).

mlops / endpoint_traffic (entity: endpoint name):
* E1 ``flight-delay-predictor``: client integration broke at 09:00; day total ~1/4 of normal (~500/day).
* E2 ``fare-recommender``: scraping/retry surge, ~7x normal (~600/day), many 429s from one requester.
* E3 ``crew-fatigue-score``: zero requests on the monitored day (normally ~200/day every day).
* E4 ``baggage-mishandling-risk``: ~45 % of its very stable ~300/day (drop of 55 %; borderline).
* E5 ``ancillary-upsell-ranker``: ~2.6x normal (~400/day) from one requester stuck in a retry loop.

Decoys (should NOT be flagged) -- 46
-----------------------------------
cost / sku_spike:
* CD1 ``5520194837261047/PREMIUM_JOBS_COMPUTE``: every Sunday ~3x weekday (weekly revenue-accounting
  rebuild); the monitored Sunday is at its usual Sunday level.
* CD2 ``2847561930475816/PREMIUM_SQL_PRO_COMPUTE``: very noisy (CV ~45 %) dev warehouse; monitored day
  ~1.5x median, below several historical days.
* CD3 ``4182937465019283/PREMIUM_SERVERLESS_SQL_COMPUTE_US_EAST_N_VIRGINIA``: tiny SKU ($2-5/day) at
  ~$24: ~8x but immaterial.
* CD4 ``7391046258173920/PREMIUM_JOBS_COMPUTE``: a 9,000 DBU metering glitch on the monitored day that is
  RETRACTED and RESTATED in the same table; net spend normal (~1,500 DBU).
* CD5 ``7391046258173920/PREMIUM_VECTOR_SEARCH_ENDPOINT_US_EAST_N_VIRGINIA``: new since 2026-11-23
  (1 unit, 2 units from 11-26); monitored day equals the last 3 days.
* CD6 ``4182937465019283/PREMIUM_DLT_ADVANCED_COMPUTE``: holiday passenger volume, +18 % (~$50), within
  the range of its noisier days (CV ~8 %).

security / failed_login_burst:
* LD1 ``198.51.100.14`` corporate egress NAT: ~9 failures among ~100 successes (typical: 2-12/day).
* LD2 ``34.201.77.10`` legacy integration with an expired PAT: 96 failed tokenLogin/day, steady since 11-06.
* LD3 ``77.83.36.200``: a 300-failure burst on Fri 11-27 (outside the window), nothing on the monitored day.
* LD4 ``52.23.144.9``: new VDI egress for airport agents: ~450 successful logins, 2 failures.
* LD5 ``73.162.88.41``: employee's home IP: 5 failures then success (post-holiday password).
* LD6 ``24.18.203.77``: employee's home IP: 3 failures then success.

security / unusual_read_volume:
* RD1 ``s.obrien@cascadiaair.com``: platform engineer who always reads 60-90 tables/day (all days); 82.
* RD2 ``a.mensah@cascadiaair.com``: new hire since Wed 11-25 (onboarding), 12-20 tables/day; 17.
* RD3 ``l.chen@cascadiaair.com``: revenue manager, every Sunday ~35 tables (weekly yield review),
  5-7 on weekdays; 36.
* RD4 ``t.nguyen@cascadiaair.com``: normal 4 direct reads; one new view ``ops_360`` expands to 26 base
  tables via view expansion (direct_access = false).

performance / job_duration_regression:
* PD1 ``771203948571519`` loyalty_points_snapshot: 12 min weekdays, 55 min every Sunday (full snapshot).
* PD2 ``771203948571630`` partner_feed_reconcile: noisy (lognormal, 10-60 min); 41 min is within range.
* PD3 ``402118736451901`` passenger_manifest_build: +25 % with holiday passenger volume.
* PD4 ``402118736452144`` fuel_burn_analytics: scheduled run normal (30 min); a manual ONETIME backfill run
  (run_name "fuel_burn_analytics backfill 2026-Q3") takes 6.2 h.
* PD5 ``771203948571777`` new_route_profitability: created 11-25, runs 20/31/26/29 min, today 34 min.

reliability / failure_streak:
* FD1 ``402118736452488`` gate_feed_sync (every 30 min): flaky (~8 % random failures); only the last run failed.
* FD2 ``771203948572014`` seat_map_refresh (hourly): 3 failures 03:00-05:00 (CLOUD_FAILURE), then 18 successes.
* FD3 ``913374650129015`` model_monitoring_batch (daily): failed Fri/Sat/Sun 06:00, repaired by an
  ONETIME_RETRY run at 09:10 that SUCCEEDED.
* FD4 ``260947182736512`` legacy_sabre_extract: failing since Sat 18:00, job deleted 09:40 Sunday.
* FD5 ``402118736452599`` ops_kpi_refresh (hourly): 4 failures 05:00-08:00, then paused by its owner at 08:40.

reliability / job_not_running:
* ND1 ``771203948572125`` ticket_fraud_rescoring: paused since 11-20.
* ND2 ``260947182736623`` old_dashboard_refresh: deleted 11-24.
* ND3 ``771203948572236`` corporate_accounts_sync: cron MON-FRI 06:00; no weekend runs.
* ND4 ``402118736453158`` airport_slot_report: changed on 11-22 from daily to weekly (Mondays); last run 11-23.
* ND5 ``771203948572347`` month_end_close_prep: monthly (1st of month 04:00); last run 11-01.
* ND6 ``402118736453269`` adhoc_airport_reference_reload: no schedule (manual), last run 10-29.
* ND7 ``913374650129126`` embedding_index_sync: created 20:00 on the monitored day; first run due 02:00.
* ND8 ``771203948572569`` interline_settlement_load: file-arrival trigger (no schedule); partner files arrive
  every 1-5 days, last run Thu 11-26 14:20 (3 days ago, gaps of up to 5 days in history).

data_quality / stale_table:
* SD1 ``commercial_prod.b2b.corporate_accounts``: written weekdays only (ND3).
* SD2 ``commercial_prod.finance.monthly_revenue_close``: written monthly (ND5).
* SD3 ``ops_prod.reference.airports``: ad-hoc reference data (ND6), written every few weeks.
* SD4 ``ops_prod.legacy.gate_events``: writer job moved to ``ops_prod.flight_ops.gate_events_v2`` on 11-18.
* SD5 ``commercial_prod.partners.interline_settlements``: partner files arrive irregularly (1-5 days); 3 days.
* SD6 ``commercial_prod.revenue.weekly_yield_summary``: written Mondays only; last 11-23.

mlops / endpoint_traffic:
* ED1 ``crew-scheduling-copilot``: office tool, ~80/weekday, ~8 on Sundays; 8-ish today.
* ED2 ``customer-service-assistant``: every Sunday ~1.6x weekdays; today ~1.1x the average Sunday.
* ED3 ``doc-embeddings``: new since 11-23, ramping up steadily; today continues the ramp.
* ED4 ``legacy-fare-model-v1``: endpoint deleted 11-27; no traffic.
* ED5 ``sandbox-llm-eval``: 0-20 requests/day, 45 today (immaterial).
* ED6 ``partner-fraud-score``: bursty (CV ~45 %); today within historical range.
"""

from __future__ import annotations

import math
import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pyarrow as pa

from include.lakehouse.delta_store import write_table
from include.lakehouse.schema import system_table_schema

AS_OF = datetime(2026, 11, 30, tzinfo=UTC)
DAY0 = AS_OF - timedelta(days=1)  # monitored day start (Sunday 2026-11-29)
START = datetime(2026, 9, 21, tzinfo=UTC)  # Monday, 10 weeks of history
THANKSGIVING = {date(2026, 11, 26), date(2026, 11, 27)}

ACCOUNT = "c7a1e0d2-5b3f-4e8a-9d21-6f0b8c3e4a57"
METASTORE = "5e2c81f4-90ab-4d37-b6a1-3c9f27d80e15"
CLOUD = "AWS"
DOMAIN = "cascadiaair.com"

WS_OPS = "4182937465019283"
WS_COM = "5520194837261047"
WS_ML = "7391046258173920"
WS_DEV = "2847561930475816"

SKU_JOBS = "PREMIUM_JOBS_COMPUTE"
SKU_AP = "PREMIUM_ALL_PURPOSE_COMPUTE"
SKU_SQLPRO = "PREMIUM_SQL_PRO_COMPUTE"
SKU_SSQL = "PREMIUM_SERVERLESS_SQL_COMPUTE_US_EAST_N_VIRGINIA"
SKU_SJOBS = "PREMIUM_JOBS_SERVERLESS_COMPUTE_US_EAST_N_VIRGINIA"
SKU_DLT = "PREMIUM_DLT_ADVANCED_COMPUTE"
SKU_SERVE = "PREMIUM_SERVERLESS_REAL_TIME_INFERENCE_US_EAST_N_VIRGINIA"
SKU_VS = "PREMIUM_VECTOR_SEARCH_ENDPOINT_US_EAST_N_VIRGINIA"

PRICES: dict[str, str] = {
    SKU_JOBS: "0.15", SKU_AP: "0.55", SKU_SQLPRO: "0.55", SKU_SSQL: "0.70", SKU_SJOBS: "0.35",
    SKU_DLT: "0.36", SKU_SERVE: "0.07", SKU_VS: "0.07",
}

INCIDENTS: set[tuple[str, str, str]] = {
    ("cost", "sku_spike", f"{WS_ML}/{SKU_AP}"),
    ("cost", "sku_spike", f"{WS_COM}/{SKU_SSQL}"),
    ("cost", "sku_spike", f"{WS_OPS}/{SKU_JOBS}"),
    ("cost", "sku_spike", f"{WS_DEV}/{SKU_SJOBS}"),
    ("cost", "sku_spike", f"{WS_COM}/{SKU_DLT}"),
    ("security", "failed_login_burst", "185.220.101.47"),
    ("security", "failed_login_burst", "45.134.26.113"),
    ("security", "failed_login_burst", "103.75.190.12"),
    ("security", "failed_login_burst", "91.240.118.22"),
    ("security", "unusual_read_volume", f"priya.raman@{DOMAIN}"),
    ("security", "unusual_read_volume", f"d.kowalczyk@{DOMAIN}"),
    ("security", "unusual_read_volume", f"m.alvarez@{DOMAIN}"),
    ("security", "unusual_read_volume", f"r.haddad@{DOMAIN}"),
    ("performance", "job_duration_regression", "402118736451840"),
    ("performance", "job_duration_regression", "771203948571388"),
    ("performance", "job_duration_regression", "402118736451502"),
    ("performance", "job_duration_regression", "402118736451655"),
    ("performance", "job_duration_regression", "913374650128901"),
    ("reliability", "failure_streak", "771203948571811"),
    ("reliability", "failure_streak", "402118736452260"),
    ("reliability", "failure_streak", "771203948571903"),
    ("reliability", "failure_streak", "402118736452371"),
    ("reliability", "job_not_running", "402118736452702"),
    ("reliability", "job_not_running", "402118736452815"),
    ("reliability", "job_not_running", "402118736452930"),
    ("reliability", "job_not_running", "402118736453047"),
    ("data_quality", "stale_table", "ops_prod.weather.metar_observations"),
    ("data_quality", "stale_table", "ops_prod.fuel.jet_fuel_prices"),
    ("data_quality", "stale_table", "ops_prod.fleet.aircraft_utilization"),
    ("data_quality", "stale_table", "commercial_prod.bookings.pnr_daily_snapshot"),
    ("data_quality", "stale_table", "ml_prod.features.customer_propensity_features"),
    ("data_quality", "stale_table", "commercial_prod.ancillary.ancillary_sales"),
    ("mlops", "endpoint_traffic", "flight-delay-predictor"),
    ("mlops", "endpoint_traffic", "fare-recommender"),
    ("mlops", "endpoint_traffic", "crew-fatigue-score"),
    ("mlops", "endpoint_traffic", "baggage-mishandling-risk"),
    ("mlops", "endpoint_traffic", "ancillary-upsell-ranker"),
}

DECOYS: set[tuple[str, str, str]] = {
    ("cost", "sku_spike", f"{WS_COM}/{SKU_JOBS}"),
    ("cost", "sku_spike", f"{WS_DEV}/{SKU_SQLPRO}"),
    ("cost", "sku_spike", f"{WS_OPS}/{SKU_SSQL}"),
    ("cost", "sku_spike", f"{WS_ML}/{SKU_JOBS}"),
    ("cost", "sku_spike", f"{WS_ML}/{SKU_VS}"),
    ("cost", "sku_spike", f"{WS_OPS}/{SKU_DLT}"),
    ("security", "failed_login_burst", "198.51.100.14"),
    ("security", "failed_login_burst", "34.201.77.10"),
    ("security", "failed_login_burst", "77.83.36.200"),
    ("security", "failed_login_burst", "52.23.144.9"),
    ("security", "failed_login_burst", "73.162.88.41"),
    ("security", "failed_login_burst", "24.18.203.77"),
    ("security", "unusual_read_volume", f"s.obrien@{DOMAIN}"),
    ("security", "unusual_read_volume", f"a.mensah@{DOMAIN}"),
    ("security", "unusual_read_volume", f"l.chen@{DOMAIN}"),
    ("security", "unusual_read_volume", f"t.nguyen@{DOMAIN}"),
    ("performance", "job_duration_regression", "771203948571519"),
    ("performance", "job_duration_regression", "771203948571630"),
    ("performance", "job_duration_regression", "402118736451901"),
    ("performance", "job_duration_regression", "402118736452144"),
    ("performance", "job_duration_regression", "771203948571777"),
    ("reliability", "failure_streak", "402118736452488"),
    ("reliability", "failure_streak", "771203948572014"),
    ("reliability", "failure_streak", "913374650129015"),
    ("reliability", "failure_streak", "260947182736512"),
    ("reliability", "failure_streak", "402118736452599"),
    ("reliability", "job_not_running", "771203948572125"),
    ("reliability", "job_not_running", "260947182736623"),
    ("reliability", "job_not_running", "771203948572236"),
    ("reliability", "job_not_running", "402118736453158"),
    ("reliability", "job_not_running", "771203948572347"),
    ("reliability", "job_not_running", "402118736453269"),
    ("reliability", "job_not_running", "913374650129126"),
    ("reliability", "job_not_running", "771203948572569"),
    ("data_quality", "stale_table", "commercial_prod.b2b.corporate_accounts"),
    ("data_quality", "stale_table", "commercial_prod.finance.monthly_revenue_close"),
    ("data_quality", "stale_table", "ops_prod.reference.airports"),
    ("data_quality", "stale_table", "ops_prod.legacy.gate_events"),
    ("data_quality", "stale_table", "commercial_prod.partners.interline_settlements"),
    ("data_quality", "stale_table", "commercial_prod.revenue.weekly_yield_summary"),
    ("mlops", "endpoint_traffic", "crew-scheduling-copilot"),
    ("mlops", "endpoint_traffic", "customer-service-assistant"),
    ("mlops", "endpoint_traffic", "doc-embeddings"),
    ("mlops", "endpoint_traffic", "legacy-fare-model-v1"),
    ("mlops", "endpoint_traffic", "sandbox-llm-eval"),
    ("mlops", "endpoint_traffic", "partner-fraud-score"),
}

# Service principals (application ids) that jobs run as.
SP_OPS = "3f9d2a61-7c4e-4b8a-a1d5-0e6c9b2f7a14"
SP_COM = "8b1e5c27-2d9f-4a63-b0c8-5f7a1e3d9c62"
SP_ML = "d4a7f0b3-9e21-4c5d-8f6a-2b3c1d0e9f87"
SP_DEV = "61c0b9e8-4f2a-4d71-93b5-7a8e6f1c2d30"
SP_BY_WS = {WS_OPS: SP_OPS, WS_COM: SP_COM, WS_ML: SP_ML, WS_DEV: SP_DEV}


def _uid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _day(d: date) -> datetime:
    return datetime(d.year, d.month, d.day, tzinfo=UTC)


def _days() -> list[date]:
    out: list[date] = []
    d = START.date()
    while d < AS_OF.date():
        out.append(d)
        d += timedelta(days=1)
    return out


MON_DAY = DAY0.date()


def _office(d: date) -> bool:
    """A normal office working day (Mon-Fri, not Thanksgiving Thu/Fri)."""
    return d.weekday() < 5 and d not in THANKSGIVING


# ---------------------------------------------------------------------------------------------
# list prices
# ---------------------------------------------------------------------------------------------


def _list_prices() -> list[dict]:
    rows: list[dict] = []
    for sku, price in PRICES.items():
        unit = "DBU"
        p = Decimal(price)
        if sku == SKU_SJOBS:
            # Launch promotion (50 % off) ended before the history starts.
            rows.append(dict(account_id=ACCOUNT, price_start_time=datetime(2025, 6, 1, tzinfo=UTC),
                             price_end_time=datetime(2026, 5, 1, tzinfo=UTC), sku_name=sku, cloud=CLOUD,
                             currency_code="USD", usage_unit=unit,
                             pricing={"default": p, "promotional": {"default": p / 2},
                                      "effective_list": {"default": p / 2}}))
            rows.append(dict(account_id=ACCOUNT, price_start_time=datetime(2026, 5, 1, tzinfo=UTC),
                             price_end_time=None, sku_name=sku, cloud=CLOUD, currency_code="USD",
                             usage_unit=unit, pricing={"default": p, "promotional": {"default": p},
                                                       "effective_list": {"default": p}}))
        else:
            rows.append(dict(account_id=ACCOUNT, price_start_time=datetime(2024, 3, 1, tzinfo=UTC),
                             price_end_time=None, sku_name=sku, cloud=CLOUD, currency_code="USD",
                             usage_unit=unit, pricing={"default": p, "promotional": {"default": p},
                                                       "effective_list": {"default": p}}))
    return rows


# ---------------------------------------------------------------------------------------------
# billing usage
# ---------------------------------------------------------------------------------------------


@dataclass
class SkuProfile:
    ws: str
    sku: str
    base: float  # DBU per weekday
    sat: float = 1.0
    sun: float = 1.0
    cv: float = 0.07
    office_hours: bool = False  # spend only 15:00-24:00 UTC
    holiday_as_weekend: bool = False
    month_start: float = 1.0
    start: date | None = None
    workloads: int = 2
    override: Callable[[date, float], float] | None = None


def _usage_meta(sku: str, ws: str, wl: int) -> tuple[dict, dict, str, str]:
    """usage_metadata, product_features, billing_origin_product, node_type-ish for a workload."""
    meta: dict = {}
    feats: dict = {"is_serverless": False, "is_photon": False}
    seed = f"{ws}{sku}{wl}"
    key = sum(ord(c) for c in seed) * 7919 + wl
    if sku == SKU_JOBS:
        meta.update(cluster_id=f"1129-{key % 1000000:06d}-job{wl}x", node_type="r6id.2xlarge")
        feats.update(jobs_tier="CLASSIC", is_photon=wl % 2 == 0)
        origin = "JOBS"
    elif sku == SKU_AP:
        meta.update(cluster_id=f"0917-{key % 1000000:06d}-ap{wl}ab", node_type="m6id.2xlarge")
        origin = "ALL_PURPOSE"
    elif sku == SKU_SQLPRO:
        meta.update(warehouse_id=f"{key % 10**16:016x}"[:16])
        feats.update(sql_tier="PRO")
        origin = "SQL"
    elif sku == SKU_SSQL:
        meta.update(warehouse_id=f"{(key * 31) % 10**16:016x}"[:16])
        feats.update(sql_tier="PRO", is_serverless=True, is_photon=True)
        origin = "SQL"
    elif sku == SKU_SJOBS:
        feats.update(jobs_tier="CLASSIC", is_serverless=True, is_photon=True, performance_target="STANDARD")
        origin = "JOBS"
    elif sku == SKU_DLT:
        meta.update(dlt_pipeline_id=str(uuid.UUID(int=key * 104729 % (1 << 128))),
                    cluster_id=f"1001-{key % 1000000:06d}-dlt{wl}q")
        feats.update(dlt_tier="ADVANCED", is_photon=True)
        origin = "DLT"
    elif sku == SKU_SERVE:
        feats.update(is_serverless=True, serving_type="MODEL", model_serving={"offering_type": "CPU_MODEL_SERVING"})
        origin = "MODEL_SERVING"
    else:  # vector search
        meta.update(endpoint_name="vs-doc-embeddings", endpoint_id=str(uuid.UUID(int=key * 7 % (1 << 128))))
        feats.update(is_serverless=True)
        origin = "VECTOR_SEARCH"
    return meta, feats, origin, meta.get("node_type", "")


SERVE_ENDPOINTS_BY_WS: dict[str, list[str]] = {}


def _billing(rng: random.Random, job_ids_by_ws: dict[str, list[str]]) -> list[dict]:
    def ops_jobs(d: date, q: float) -> float:
        return 11000.0 * rng.uniform(0.98, 1.02) if d == MON_DAY else q

    def com_ssql(d: date, q: float) -> float:
        return q + 2400.0 if d == MON_DAY else q

    def com_dlt(d: date, q: float) -> float:
        return 2700.0 * rng.uniform(0.98, 1.02) if d == MON_DAY else q

    def dev_sjobs(d: date, q: float) -> float:
        return 2600.0 if d == MON_DAY else q

    def ops_ssql(d: date, q: float) -> float:
        return 34.0 if d == MON_DAY else q

    def ops_dlt(d: date, q: float) -> float:
        return 800.0 * 1.18 if d == MON_DAY else q

    noisy_hist: dict[date, float] = {}

    def dev_sqlpro(d: date, q: float) -> float:
        if d == MON_DAY:
            return 250.0 * 1.5
        noisy_hist[d] = q
        return q

    def vs_ramp(d: date, q: float) -> float:
        if d < date(2026, 11, 23):
            return 0.0
        units = 1 if d < date(2026, 11, 26) else 2
        return 96.0 * units * rng.uniform(0.995, 1.005)

    profiles = [
        SkuProfile(WS_OPS, SKU_JOBS, 5000, cv=0.07, workloads=4, override=ops_jobs),
        SkuProfile(WS_OPS, SKU_SQLPRO, 700, sat=0.4, sun=0.35, cv=0.1, office_hours=True, holiday_as_weekend=True),
        SkuProfile(WS_OPS, SKU_SSQL, 5, sat=0.8, sun=0.8, cv=0.3, workloads=1, override=ops_ssql),
        SkuProfile(WS_OPS, SKU_DLT, 800, cv=0.08, workloads=1, override=ops_dlt),
        SkuProfile(WS_OPS, SKU_AP, 300, sat=0.2, sun=0.15, cv=0.15, office_hours=True, holiday_as_weekend=True),
        SkuProfile(WS_COM, SKU_JOBS, 3000, sat=1.0, sun=3.0, cv=0.06, workloads=3),
        SkuProfile(WS_COM, SKU_SSQL, 600, sat=0.45, sun=0.4, cv=0.1, office_hours=True, holiday_as_weekend=True,
                   month_start=1.6, override=com_ssql),
        SkuProfile(WS_COM, SKU_DLT, 900, cv=0.06, workloads=1, override=com_dlt),
        SkuProfile(WS_COM, SKU_AP, 500, sat=0.2, sun=0.15, cv=0.15, office_hours=True, holiday_as_weekend=True),
        SkuProfile(WS_COM, SKU_SERVE, 400, cv=0.05, workloads=3),
        SkuProfile(WS_ML, SKU_AP, 400, sat=0.2, sun=0.15, cv=0.12, office_hours=True, holiday_as_weekend=True),
        SkuProfile(WS_ML, SKU_JOBS, 1500, cv=0.08, workloads=3),
        SkuProfile(WS_ML, SKU_SERVE, 600, cv=0.05, workloads=3),
        SkuProfile(WS_ML, SKU_VS, 0, workloads=1, override=vs_ramp, start=date(2026, 11, 23)),
        SkuProfile(WS_DEV, SKU_AP, 800, sat=0.1, sun=0.05, cv=0.15, office_hours=True, holiday_as_weekend=True),
        SkuProfile(WS_DEV, SKU_SQLPRO, 250, cv=0.45, workloads=1, override=dev_sqlpro),
        SkuProfile(WS_DEV, SKU_SJOBS, 100, sat=0.3, sun=0.2, cv=0.15, workloads=1, override=dev_sjobs),
        SkuProfile(WS_DEV, SKU_JOBS, 400, cv=0.1, workloads=2),
    ]
    rows: list[dict] = []
    teams = {WS_OPS: "flight-ops-data", WS_COM: "commercial-data", WS_ML: "data-science", WS_DEV: "analytics"}
    for prof in profiles:
        for d in _days():
            if prof.start and d < prof.start:
                continue
            factor = 1.0
            weekend_like = d.weekday() >= 5 or (prof.holiday_as_weekend and d in THANKSGIVING)
            if d.weekday() == 5 or (weekend_like and d.weekday() < 5):
                factor = prof.sat
            if d.weekday() == 6:
                factor = prof.sun
            if d.day <= 2 and prof.month_start != 1.0 and not weekend_like:
                factor *= prof.month_start
            q = prof.base * factor * max(0.2, rng.gauss(1.0, prof.cv))
            if prof.override:
                q = prof.override(d, q)
            if q <= 0:
                continue
            hours = list(range(15, 24)) if prof.office_hours else list(range(24))
            weights = [rng.uniform(0.7, 1.3) for _ in hours]
            tw = sum(weights)
            for wl in range(prof.workloads):
                share = 1.0 / prof.workloads
                meta, feats, origin, _ = _usage_meta(prof.sku, prof.ws, wl)
                if prof.sku in (SKU_JOBS, SKU_SJOBS) and job_ids_by_ws.get(prof.ws):
                    jid = job_ids_by_ws[prof.ws][wl % len(job_ids_by_ws[prof.ws])]
                    meta = dict(meta, job_id=jid)
                if prof.sku == SKU_SERVE and SERVE_ENDPOINTS_BY_WS.get(prof.ws):
                    eps = SERVE_ENDPOINTS_BY_WS[prof.ws]
                    meta = dict(meta, endpoint_name=eps[wl % len(eps)])
                for h, w in zip(hours, weights, strict=True):
                    qty = q * share * w / tw
                    start = _day(d) + timedelta(hours=h)
                    rows.append(_usage_row(rng, prof.ws, prof.sku, start, qty, meta, feats, origin,
                                           {"team": teams[prof.ws], "cost_center": f"CC-{prof.ws[-4:]}"}))
    # C1: GPU interactive cluster left running all Sunday in ml-prod.
    gpu_meta = {"cluster_id": "1127-201455-gpu9lb3x", "node_type": "g5.12xlarge"}
    for h in range(24):
        rows.append(_usage_row(rng, WS_ML, SKU_AP, DAY0 + timedelta(hours=h), 45.0, gpu_meta,
                               {"is_serverless": False, "is_photon": False}, "ALL_PURPOSE",
                               {"team": "data-science", "cost_center": "CC-3920", "owner": f"v.ivanova@{DOMAIN}"}))
    # CD4: metering glitch retracted and restated (ml-prod jobs compute, 10:00 hour).
    meta, feats, origin, _ = _usage_meta(SKU_JOBS, WS_ML, 0)
    glitch_start = DAY0 + timedelta(hours=10)
    orig = _usage_row(rng, WS_ML, SKU_JOBS, glitch_start, 9000.0, meta, feats, origin,
                      {"team": "data-science", "cost_center": "CC-3920"})
    retr = dict(orig, record_id=_uid(rng), usage_quantity=Decimal("-9000"), record_type="RETRACTION",
                ingestion_date=MON_DAY)
    rest = dict(orig, record_id=_uid(rng), usage_quantity=Decimal("21.4"), record_type="RESTATEMENT",
                ingestion_date=MON_DAY)
    rows += [orig, retr, rest]
    return rows


def _usage_row(rng: random.Random, ws: str, sku: str, start: datetime, qty: float, meta: dict, feats: dict,
               origin: str, tags: dict) -> dict:
    return dict(
        account_id=ACCOUNT, workspace_id=ws, record_id=_uid(rng), sku_name=sku, cloud=CLOUD,
        usage_start_time=start, usage_end_time=start + timedelta(hours=1), usage_date=start.date(),
        custom_tags=tags, usage_unit="DBU", usage_quantity=Decimal(f"{qty:.6f}"),
        usage_metadata=meta, identity_metadata={"run_as": SP_BY_WS[ws] if origin == "JOBS" else None,
                                                "created_by": None, "owned_by": None, "run_by": None},
        record_type="ORIGINAL", ingestion_date=min(start + timedelta(hours=rng.randint(3, 20)), AS_OF - timedelta(minutes=1)).date(),
        billing_origin_product=origin, product_features=feats, usage_type="COMPUTE_TIME",
    )


# ---------------------------------------------------------------------------------------------
# tables (Unity Catalog)
# ---------------------------------------------------------------------------------------------

_TABLES: dict[str, list[str]] = {
    "ops_prod.flight_ops": ["flight_schedule", "flight_legs", "passenger_manifests", "gate_events_v2", "delays",
                            "diversions", "turnarounds", "irregular_ops", "otp_daily"],
    "ops_prod.crew": ["crew_pairings", "crew_rosters", "legality_results", "crew_members_pii", "duty_time",
                      "qualifications", "reserve_calls", "training_records"],
    "ops_prod.baggage": ["bag_scan_events", "bag_mishandled", "bag_tags", "bag_claims"],
    "ops_prod.fleet": ["acars_telemetry", "aircraft_utilization", "aircraft_registry", "mel_items",
                       "maintenance_logbook", "engine_trend", "parts_inventory"],
    "ops_prod.weather": ["metar_observations", "taf_forecasts", "sigmets"],
    "ops_prod.fuel": ["jet_fuel_prices", "fuel_burn_daily", "fuel_uplift", "fuel_hedges"],
    "ops_prod.reference": ["airports", "airlines", "aircraft_types", "city_pairs"],
    "ops_prod.network": ["slot_utilization", "route_plan", "seasonal_schedule"],
    "ops_prod.airport": ["gate_assignments", "stand_plan", "ground_handling", "deicing_events"],
    "ops_prod.safety": ["incident_reports", "fatigue_reports", "asap_reports", "audit_findings"],
    "ops_prod.raw": ["oag_schedule_feed", "acars_raw", "sita_bag_messages", "noaa_metar_raw", "platts_fuel_feed",
                     "amos_maintenance_raw"],
    "ops_prod.legacy": ["gate_events"],
    "commercial_prod.bookings": ["pnr_segments", "pnr_daily_snapshot", "pnr_events", "tickets", "emds",
                                 "cancellations", "waitlist", "group_bookings"],
    "commercial_prod.pricing": ["atpco_fares", "fare_rules", "booking_classes", "competitor_fares",
                                "price_tests"],
    "commercial_prod.loyalty": ["members_pii", "points_ledger", "points_snapshot", "member_tiers", "redemptions",
                                "partner_accruals", "campaign_audience"],
    "commercial_prod.digital": ["web_sessions", "app_events", "search_requests", "checkout_funnel"],
    "commercial_prod.ancillary": ["ancillary_sales", "seat_upsells", "bag_fees", "wifi_sales"],
    "commercial_prod.partners": ["reconciliation", "interline_settlements", "codeshare_flights"],
    "commercial_prod.b2b": ["corporate_accounts", "corporate_contracts", "travel_agencies"],
    "commercial_prod.finance": ["monthly_revenue_close", "revenue_recognition", "refunds", "chargebacks",
                                "fx_rates"],
    "commercial_prod.revenue": ["weekly_yield_summary", "od_revenue", "yield_daily", "forecast_vs_actual"],
    "commercial_prod.network": ["route_profitability"],
    "commercial_prod.customer": ["customer_profiles_pii", "contact_history", "complaints", "nps_surveys",
                                 "payment_tokens_pii", "travel_documents_pii"],
    "commercial_prod.raw": ["amadeus_pnr_feed", "atpco_raw", "clickstream_raw", "esp_events_raw"],
    "commercial_prod.archive": [f"pnr_segments_{y}" for y in range(2018, 2026)]
    + [f"tickets_{y}" for y in range(2018, 2026)],
    "ops_prod.archive": [f"flight_legs_{y}" for y in range(2018, 2026)]
    + [f"crew_rosters_{y}" for y in range(2018, 2026)],
    "ml_prod.features": ["flight_delay_features", "customer_propensity_features", "crew_fatigue_features",
                         "bag_risk_features"],
    "ml_prod.forecasting": ["demand_forecast_daily", "holiday_demand", "no_show_rates"],
    "ml_prod.scoring": ["churn_scores", "upsell_scores", "fraud_scores"],
    "ml_prod.monitoring": ["inference_logs", "drift_metrics"],
    "hr_prod.people": ["employees_pii", "payroll", "benefits_enrollment", "performance_reviews", "org_chart"],
    "analytics_dev.sandbox": ["test_bookings", "tmp_analysis", "scratch_delay_model"],
}
ALL_TABLES: list[str] = [f"{s}.{t}" for s, ts in _TABLES.items() for t in ts]


def _split(full: str) -> tuple[str, str, str]:
    c, s, t = full.split(".")
    return c, s, t


# ---------------------------------------------------------------------------------------------
# jobs
# ---------------------------------------------------------------------------------------------


@dataclass
class Job:
    ws: str
    job_id: str
    name: str
    sched: tuple  # ("every", minutes, offset) | ("daily", h, m, dows|None) | ("weekly", dow, h, m)
    # | ("monthly", dom, h) | ("manual", [datetimes]) | ("file", [datetimes])
    cron: str | None
    dur_min: float
    cv: float = 0.08
    reads: list[str] = field(default_factory=list)
    writes: list[str] = field(default_factory=list)
    fail_rate: float = 0.0
    created: datetime = datetime(2025, 3, 10, 17, 4, tzinfo=UTC)
    owner: str = ""
    sun_factor: float = 1.0
    description: str = ""


def _starts(job: Job, sched: tuple, lo: datetime, hi: datetime) -> list[datetime]:
    out: list[datetime] = []
    kind = sched[0]
    if kind == "every":
        step, off = sched[1], sched[2]
        t = _day(lo.date()) + timedelta(minutes=off)
        while t < hi:
            if t >= lo:
                out.append(t)
            t += timedelta(minutes=step)
    elif kind in {"daily", "weekly", "monthly"}:
        d = lo.date()
        while d <= hi.date():
            if kind == "daily":
                ok = sched[3] is None or d.weekday() in sched[3]
                t = _day(d) + timedelta(hours=sched[1], minutes=sched[2])
            elif kind == "weekly":
                ok = d.weekday() == sched[1]
                t = _day(d) + timedelta(hours=sched[2], minutes=sched[3])
            else:
                ok = d.day == sched[1]
                t = _day(d) + timedelta(hours=sched[2])
            if ok and lo <= t < hi:
                out.append(t)
            d += timedelta(days=1)
    elif kind in {"manual", "file"}:
        out = [t for t in sched[1] if lo <= t < hi]
    return out


def _o(email: str) -> str:
    return f"{email}@{DOMAIN}"


def _jobs() -> list[Job]:
    J = Job
    dly = "daily"
    return [
        # --- background -------------------------------------------------------------------
        J(WS_OPS, "402118736451209", "flight_schedule_ingest", ("every", 30, 2), "0 2/30 * * * ?", 6,
          reads=["ops_prod.raw.oag_schedule_feed"], writes=["ops_prod.flight_ops.flight_schedule"], fail_rate=0.004),
        J(WS_OPS, "402118736451377", "bag_scan_events_load", ("every", 15, 1), "0 1/15 * * * ?", 4,
          reads=["ops_prod.raw.sita_bag_messages"], writes=["ops_prod.baggage.bag_scan_events"], fail_rate=0.003),
        J(WS_COM, "771203948571102", "bookings_hourly_merge", ("every", 60, 5), "0 5 * * * ?", 11,
          reads=["commercial_prod.raw.amadeus_pnr_feed"], writes=["commercial_prod.bookings.pnr_segments",
                                                                  "commercial_prod.bookings.pnr_events"]),
        J(WS_COM, "771203948571245", "web_clickstream_sessionize", (dly, 3, 0, None), "0 0 3 * * ?", 35, cv=0.1,
          reads=["commercial_prod.raw.clickstream_raw"], writes=["commercial_prod.digital.web_sessions"]),
        J(WS_ML, "913374650128834", "feature_refresh_daily", (dly, 4, 30, None), "0 30 4 * * ?", 25,
          reads=["ops_prod.flight_ops.flight_legs", "ops_prod.weather.taf_forecasts"],
          writes=["ml_prod.features.flight_delay_features"]),
        J(WS_DEV, "260947182736455", "nightly_test_data_refresh", (dly, 1, 0, None), "0 0 1 * * ?", 15,
          reads=["commercial_prod.bookings.pnr_segments"], writes=["analytics_dev.sandbox.test_bookings"]),
        J(WS_OPS, "402118736452018", "crew_pairings_load", (dly, 2, 30, None), "0 30 2 * * ?", 28,
          reads=["ops_prod.crew.crew_rosters"], writes=["ops_prod.crew.crew_pairings"]),
        J(WS_OPS, "402118736453481", "flight_legs_build", ("every", 30, 10), "0 10/30 * * * ?", 7,
          reads=["ops_prod.flight_ops.flight_schedule", "ops_prod.raw.acars_raw"],
          writes=["ops_prod.flight_ops.flight_legs"]),
        # --- duration incidents -----------------------------------------------------------
        J(WS_OPS, "402118736451840", "crew_legality_check", (dly, 5, 0, None), "0 0 5 * * ?", 18,
          reads=["ops_prod.crew.crew_pairings", "ops_prod.crew.duty_time"],
          writes=["ops_prod.crew.legality_results"]),
        J(WS_COM, "771203948571388", "fare_filing_ingest", ("every", 360, 0), "0 0 0/6 * * ?", 40, cv=0.075,
          reads=["commercial_prod.raw.atpco_raw"], writes=["commercial_prod.pricing.atpco_fares"]),
        J(WS_OPS, "402118736451502", "bag_tracking_compaction", (dly, 4, 0, None), "0 0 4 * * ?", 22, cv=0.05,
          reads=["ops_prod.baggage.bag_scan_events"]),
        J(WS_OPS, "402118736451655", "aircraft_telemetry_hourly", ("every", 60, 20), "0 20 * * * ?", 6, cv=0.1,
          reads=["ops_prod.raw.acars_raw"], writes=["ops_prod.fleet.acars_telemetry"]),
        J(WS_ML, "913374650128901", "demand_forecast_training", (dly, 1, 0, None), "0 0 1 * * ?", 120, cv=0.07,
          reads=["commercial_prod.bookings.pnr_segments", "ml_prod.forecasting.holiday_demand"],
          writes=["ml_prod.forecasting.demand_forecast_daily"]),
        # --- duration decoys --------------------------------------------------------------
        J(WS_COM, "771203948571519", "loyalty_points_snapshot", (dly, 2, 0, None), "0 0 2 * * ?", 12,
          sun_factor=55 / 12, reads=["commercial_prod.loyalty.points_ledger"],
          writes=["commercial_prod.loyalty.points_snapshot"],
          description="Daily incremental snapshot; full snapshot on Sundays."),
        J(WS_COM, "771203948571630", "partner_feed_reconcile", (dly, 7, 0, None), "0 0 7 * * ?", 22, cv=0.55,
          reads=["commercial_prod.partners.codeshare_flights"], writes=["commercial_prod.partners.reconciliation"]),
        J(WS_OPS, "402118736451901", "passenger_manifest_build", ("every", 180, 45), "0 45 0/3 * * ?", 14, cv=0.05,
          reads=["commercial_prod.bookings.pnr_segments"], writes=["ops_prod.flight_ops.passenger_manifests"]),
        J(WS_OPS, "402118736452144", "fuel_burn_analytics", (dly, 8, 0, None), "0 0 8 * * ?", 30, cv=0.07,
          reads=["ops_prod.fleet.acars_telemetry", "ops_prod.fuel.fuel_uplift"],
          writes=["ops_prod.fuel.fuel_burn_daily"]),
        J(WS_COM, "771203948571777", "new_route_profitability", (dly, 9, 0, None), "0 0 9 * * ?", 26,
          created=datetime(2026, 11, 25, 8, 12, tzinfo=UTC), reads=["commercial_prod.revenue.od_revenue"],
          writes=["commercial_prod.network.route_profitability"]),
        # --- failure streak incidents ----------------------------------------------------------
        J(WS_COM, "771203948571811", "amadeus_schedule_push", ("every", 60, 15), "0 15 * * * ?", 3,
          reads=["ops_prod.flight_ops.flight_schedule"], description="Pushes schedule changes to Amadeus Altea."),
        J(WS_OPS, "402118736452260", "crew_roster_export", (dly, 4, 45, None), "0 45 4 * * ?", 9,
          reads=["ops_prod.crew.crew_rosters", "ops_prod.crew.crew_pairings"],
          description="Exports rosters to the crew mobile app (SFTP)."),
        J(WS_COM, "771203948571903", "loyalty_campaign_dispatch", ("every", 240, 120), "0 0 2/4 * * ?", 4,
          reads=["commercial_prod.loyalty.campaign_audience"], description="Sends campaign audiences to the ESP."),
        J(WS_OPS, "402118736452371", "maintenance_logbook_dq_checks", ("every", 30, 0), "0 0/30 * * * ?", 3,
          reads=["ops_prod.fleet.maintenance_logbook"]),
        # --- failure streak decoys -----------------------------------------------------------
        J(WS_OPS, "402118736452488", "gate_feed_sync", ("every", 30, 0), "0 0/30 * * * ?", 2, cv=0.2,
          fail_rate=0.08, reads=["ops_prod.airport.gate_assignments"]),
        J(WS_COM, "771203948572014", "seat_map_refresh", ("every", 60, 0), "0 0 * * * ?", 5,
          reads=["commercial_prod.bookings.pnr_segments"]),
        J(WS_ML, "913374650129015", "model_monitoring_batch", (dly, 6, 0, None), "0 0 6 * * ?", 16,
          reads=["ml_prod.monitoring.inference_logs"], writes=["ml_prod.monitoring.drift_metrics"]),
        J(WS_DEV, "260947182736512", "legacy_sabre_extract", ("every", 120, 0), "0 0 0/2 * * ?", 6,
          reads=["analytics_dev.sandbox.tmp_analysis"]),
        J(WS_OPS, "402118736452599", "ops_kpi_refresh", ("every", 60, 0), "0 0 * * * ?", 4,
          reads=["ops_prod.flight_ops.otp_daily"]),
        # --- job_not_running incidents -----------------------------------------------------------
        J(WS_OPS, "402118736452702", "fuel_price_ingest", ("every", 60, 0), "0 0 * * * ?", 3,
          reads=["ops_prod.raw.platts_fuel_feed"], writes=["ops_prod.fuel.jet_fuel_prices"]),
        J(WS_OPS, "402118736452815", "daily_ops_report", (dly, 5, 30, None), "0 30 5 * * ?", 12,
          reads=["ops_prod.flight_ops.otp_daily", "ops_prod.flight_ops.delays"]),
        J(WS_OPS, "402118736452930", "weather_feed_15min", ("every", 15, 0), "0 0/15 * * * ?", 2, cv=0.1,
          reads=["ops_prod.raw.noaa_metar_raw"], writes=["ops_prod.weather.metar_observations"]),
        J(WS_OPS, "402118736453047", "aircraft_utilization_6h", ("every", 360, 0), "0 0 0/6 * * ?", 10,
          reads=["ops_prod.flight_ops.flight_legs"], writes=["ops_prod.fleet.aircraft_utilization"]),
        # --- job_not_running decoys -------------------------------------------------------------
        J(WS_COM, "771203948572125", "ticket_fraud_rescoring", ("every", 60, 30), "0 30 * * * ?", 5,
          reads=["commercial_prod.bookings.tickets"]),
        J(WS_DEV, "260947182736623", "old_dashboard_refresh", (dly, 12, 0, None), "0 0 12 * * ?", 8,
          reads=["analytics_dev.sandbox.tmp_analysis"]),
        J(WS_COM, "771203948572236", "corporate_accounts_sync", (dly, 6, 0, {0, 1, 2, 3, 4}),
          "0 0 6 ? * MON-FRI", 9, reads=["commercial_prod.b2b.corporate_contracts"],
          writes=["commercial_prod.b2b.corporate_accounts"], description="Salesforce sync, business days."),
        J(WS_OPS, "402118736453158", "airport_slot_report", (dly, 7, 0, None), "0 0 7 * * ?", 14,
          reads=["ops_prod.network.slot_utilization"]),
        J(WS_COM, "771203948572347", "month_end_close_prep", ("monthly", 1, 4), "0 0 4 1 * ?", 95,
          reads=["commercial_prod.finance.revenue_recognition"],
          writes=["commercial_prod.finance.monthly_revenue_close"]),
        J(WS_OPS, "402118736453269", "adhoc_airport_reference_reload",
          ("manual", [datetime(2026, 9, 24, 18, 2, tzinfo=UTC), datetime(2026, 10, 2, 21, 40, tzinfo=UTC),
                      datetime(2026, 10, 29, 17, 15, tzinfo=UTC)]), None, 6,
          reads=["ops_prod.raw.oag_schedule_feed"], writes=["ops_prod.reference.airports"]),
        J(WS_ML, "913374650129126", "embedding_index_sync", (dly, 2, 0, None), "0 0 2 * * ?", 20,
          created=datetime(2026, 11, 29, 20, 3, tzinfo=UTC), reads=["ml_prod.monitoring.inference_logs"]),
        J(WS_COM, "771203948572569", "interline_settlement_load", ("file", _file_arrivals()), None, 8,
          reads=["commercial_prod.raw.esp_events_raw"], writes=["commercial_prod.partners.interline_settlements"]),
        # --- stale-table writers --------------------------------------------------------------------
        J(WS_COM, "771203948572458", "pnr_snapshot_build", (dly, 1, 30, None), "0 30 1 * * ?", 20,
          reads=["commercial_prod.bookings.pnr_segments"], writes=["commercial_prod.bookings.pnr_daily_snapshot"]),
        J(WS_OPS, "402118736453370", "gate_events_load", ("every", 30, 5), "0 5/30 * * * ?", 3,
          reads=["ops_prod.airport.gate_assignments"], writes=["ops_prod.legacy.gate_events"]),
        J(WS_COM, "771203948572670", "weekly_yield_summary", ("weekly", 0, 5, 0), "0 0 5 ? * MON", 40,
          reads=["commercial_prod.revenue.yield_daily"], writes=["commercial_prod.revenue.weekly_yield_summary"]),
    ]


def _file_arrivals() -> list[datetime]:
    r = random.Random(77)
    out: list[datetime] = []
    d = START.date() + timedelta(days=1)
    gaps = [1, 2, 4, 1, 3, 5, 2, 1, 2, 4, 3, 1, 5, 2, 2, 3, 1, 4, 2, 3, 1, 2, 5, 1, 3]
    i = 0
    while d <= date(2026, 11, 26):
        out.append(_day(d) + timedelta(hours=14, minutes=r.randint(0, 50)))
        d += timedelta(days=gaps[i % len(gaps)])
        i += 1
    if out[-1].date() != date(2026, 11, 26):
        out.append(datetime(2026, 11, 26, 14, 20, tzinfo=UTC))
    return out


@dataclass
class Run:
    job: Job
    start: datetime
    dur_s: float
    state: str = "SUCCEEDED"
    code: str = "SUCCESS"
    trigger: str = "CRON"
    run_name: str = ""
    params: dict | None = None
    writes: list[str] | None = None


def _dur(rng: random.Random, job: Job, t: datetime) -> float:
    base = job.dur_min * 60 * (job.sun_factor if t.weekday() == 6 else 1.0)
    if job.cv > 0.3:
        return base * math.exp(rng.gauss(0, job.cv))
    return base * max(0.5, rng.gauss(1.0, job.cv))


FAIL_CODES = ["RUN_EXECUTION_ERROR", "DRIVER_ERROR", "CLUSTER_ERROR", "STORAGE_ACCESS_ERROR"]


def _fail(run: Run, code: str = "RUN_EXECUTION_ERROR", frac: float = 0.3) -> None:
    run.state = "FAILED"
    run.code = code
    run.dur_s = max(45.0, run.dur_s * frac)


def _runs(rng: random.Random, jobs: list[Job]) -> list[Run]:
    runs: list[Run] = []
    d0 = DAY0
    for job in jobs:
        lo = max(START, job.created)
        sched = job.sched
        starts = _starts(job, sched, lo, AS_OF)
        if job.name == "airport_slot_report":
            cut = datetime(2026, 11, 22, 10, tzinfo=UTC)
            starts = [t for t in starts if t < cut] + _starts(job, ("weekly", 0, 7, 0), cut, AS_OF)
        jr: list[Run] = []
        for t in starts:
            delay = rng.uniform(3, 75)
            trig = "FILE_ARRIVAL" if sched[0] == "file" else ("ONETIME" if sched[0] == "manual" else "CRON")
            r = Run(job, t + timedelta(seconds=delay), _dur(rng, job, t), trigger=trig, run_name=job.name,
                    writes=list(job.writes))
            if job.fail_rate and rng.random() < job.fail_rate:
                _fail(r, rng.choice(FAIL_CODES))
            jr.append(r)
        jr = _adjust(rng, job, jr, d0)
        runs.extend(r for r in jr if r.start + timedelta(seconds=r.dur_s) < AS_OF)
    return runs


def _adjust(rng: random.Random, job: Job, jr: list[Run], d0: datetime) -> list[Run]:  # noqa: C901, PLR0912
    n = job.name
    today = [r for r in jr if r.start >= d0]
    if n == "crew_legality_check":
        for r in today:
            r.dur_s = 75 * 60 * rng.uniform(0.98, 1.02)
    elif n == "fare_filing_ingest":
        for r in today:
            r.dur_s = rng.uniform(92, 98) * 60
    elif n == "bag_tracking_compaction":
        for r in today:
            r.dur_s = 38 * 60 * rng.uniform(0.99, 1.01)
    elif n == "aircraft_telemetry_hourly":
        for r in today:
            r.dur_s = rng.uniform(15, 19) * 60
    elif n == "demand_forecast_training":
        for r in today:
            r.dur_s = 5.5 * 3600 * rng.uniform(0.99, 1.01)
    elif n == "loyalty_points_snapshot":
        for r in today:
            r.dur_s = 54 * 60 * rng.uniform(0.99, 1.01)
    elif n == "partner_feed_reconcile":
        forced = {date(2026, 10, 6): 48, date(2026, 10, 22): 55, date(2026, 11, 10): 39, date(2026, 11, 17): 52,
                  date(2026, 9, 29): 44}
        for r in jr:
            if r.start.date() in forced:
                r.dur_s = forced[r.start.date()] * 60
            r.dur_s = min(max(r.dur_s, 9 * 60), 62 * 60)
        for r in today:
            r.dur_s = 41 * 60
    elif n == "passenger_manifest_build":
        for r in jr:
            d = r.start.date()
            if d.weekday() in (4, 6):
                r.dur_s *= 1.15
            if d in THANKSGIVING or d == date(2026, 11, 25):
                r.dur_s *= 1.2
        for r in today:
            r.dur_s = 14 * 60 * 1.25 * rng.uniform(0.97, 1.03)
    elif n == "fuel_burn_analytics":
        jr.append(Run(job, d0 + timedelta(hours=10, minutes=4), 6.2 * 3600, trigger="ONETIME",
                      run_name="fuel_burn_analytics backfill 2026-Q3",
                      params={"start_date": {"value": "2026-07-01"}, "end_date": {"value": "2026-09-30"},
                              "mode": {"value": "backfill"}},
                      writes=list(job.writes)))
    elif n == "new_route_profitability":
        fixed = [20, 31, 26, 29, 34]
        for r, m in zip(jr, fixed, strict=False):
            r.dur_s = m * 60 + rng.uniform(-20, 20)
    elif n == "amadeus_schedule_push":
        for r in today:
            if r.start.hour >= 15:
                _fail(r, "UNAUTHORIZED_ERROR", 0.2)
    elif n == "crew_roster_export":
        for r in jr:
            if r.start.date() >= date(2026, 11, 27):
                _fail(r, "RUN_EXECUTION_ERROR", 0.6)
    elif n == "loyalty_campaign_dispatch":
        for r in today:
            if r.start.hour >= 6:
                _fail(r, "LIBRARY_INSTALLATION_ERROR", 0.5)
    elif n == "maintenance_logbook_dq_checks":
        for r in today:
            if r.start.hour >= 22:
                _fail(r, "RUN_EXECUTION_ERROR", 0.8)
    elif n == "gate_feed_sync":
        for r in today:
            r.state, r.code = "SUCCEEDED", "SUCCESS"
        for h in (4, 13):
            idx = h * 2
            if idx < len(today):
                _fail(today[idx], "DRIVER_ERROR")
        _fail(today[-1], "DRIVER_ERROR")
    elif n == "seat_map_refresh":
        for r in today:
            if 3 <= r.start.hour <= 5:
                _fail(r, "CLOUD_FAILURE", 0.4)
    elif n == "model_monitoring_batch":
        for r in jr:
            if r.start.date() >= date(2026, 11, 27):
                _fail(r, "STORAGE_ACCESS_ERROR", 0.3)
                r.writes = []
        jr.append(Run(job, d0 + timedelta(hours=9, minutes=10), 17 * 60, trigger="ONETIME_RETRY",
                      run_name="model_monitoring_batch (repair)", writes=list(job.writes)))
    elif n == "legacy_sabre_extract":
        cut = datetime(2026, 11, 29, 9, 40, tzinfo=UTC)
        jr = [r for r in jr if r.start < cut]
        for r in jr:
            if r.start >= datetime(2026, 11, 28, 18, tzinfo=UTC):
                _fail(r, "RESOURCE_NOT_FOUND", 0.3)
    elif n == "ops_kpi_refresh":
        cut = d0 + timedelta(hours=8, minutes=40)
        jr = [r for r in jr if r.start < cut]
        for r in jr:
            if r.start >= d0 + timedelta(hours=5):
                _fail(r, "STORAGE_ACCESS_ERROR", 0.5)
    elif n == "fuel_price_ingest":
        jr = [r for r in jr if r.start < d0 + timedelta(hours=3, minutes=30)]
    elif n == "daily_ops_report":
        jr = [r for r in jr if r.start.date() <= date(2026, 11, 26)]
    elif n == "weather_feed_15min":
        jr = [r for r in jr if r.start < d0 + timedelta(hours=18, minutes=40)]
    elif n == "aircraft_utilization_6h":
        jr = [r for r in jr if r.start < datetime(2026, 11, 28, 13, tzinfo=UTC)]
    elif n == "ticket_fraud_rescoring":
        jr = [r for r in jr if r.start < datetime(2026, 11, 20, 10, tzinfo=UTC)]
    elif n == "old_dashboard_refresh":
        jr = [r for r in jr if r.start < datetime(2026, 11, 24, 15, tzinfo=UTC)]
    elif n == "pnr_snapshot_build":
        for r in jr:
            if r.start.date() >= date(2026, 11, 27):
                r.writes = []
    elif n == "gate_events_load":
        for r in jr:
            if r.start >= datetime(2026, 11, 18, 10, tzinfo=UTC):
                r.writes = ["ops_prod.flight_ops.gate_events_v2"]
    # a failed run never writes its targets
    for r in jr:
        if r.state != "SUCCEEDED":
            r.writes = []
    return jr


def _job_rows(rng: random.Random, jobs: list[Job]) -> list[dict]:
    rows: list[dict] = []
    owners = {WS_OPS: "k.tanaka", WS_COM: "e.rossi", WS_ML: "v.ivanova", WS_DEV: "c.silva"}

    def row(job: Job, change: datetime, *, cron: str | None, paused: bool = False,
            deleted: datetime | None = None, description: str | None = None) -> dict:
        owner = _o(owners[job.ws])
        sched = {"quartz_cron_expression": cron, "timezone_id": "UTC"} if cron else None
        trig: dict | None = None
        ttype: str | None = None
        if job.sched[0] == "file":
            trig = {"file_arrival": {"url": "s3://cpa-partner-drop/interline/", "min_time_between_triggers_seconds": 60,
                                     "wait_after_last_change_seconds": 120}}
            ttype = "FILE_ARRIVAL"
        elif sched:
            trig = {"schedule": sched}
            ttype = "CRON"
        return dict(
            account_id=ACCOUNT, workspace_id=job.ws, job_id=job.job_id, name=job.name,
            creator_id=str(7_300_000_000_000 + sum(ord(c) for c in owner) * 1_000_003),
            tags={"team": {WS_OPS: "flight-ops-data", WS_COM: "commercial-data", WS_ML: "data-science",
                           WS_DEV: "analytics"}[job.ws], "env": "dev" if job.ws == WS_DEV else "prod"},
            run_as=SP_BY_WS[job.ws], change_time=change, delete_time=deleted,
            description=description if description is not None else (job.description or None),
            trigger=trig, trigger_type=ttype, run_as_user_name=SP_BY_WS[job.ws], creator_user_name=owner,
            paused=paused, timeout_seconds=0 if job.dur_min < 60 else 4 * 3600,
            health_rules=None, deployment={"kind": "BUNDLE", "metadata_file_path":
                                           f"/Workspace/Users/{owner}/.bundle/cpa/prod/state/metadata.json"},
            create_time=job.created,
        )

    for job in jobs:
        rows.append(row(job, job.created, cron=job.cron))
        # a harmless metadata edit for some jobs
        if job.created < START and int(job.job_id) % 3 == 0:
            rows.append(row(job, datetime(2026, 10, 14, 16, 31, tzinfo=UTC) + timedelta(minutes=int(job.job_id) % 500),
                            cron=job.cron))
        n = job.name
        if n == "ticket_fraud_rescoring":
            rows.append(row(job, datetime(2026, 11, 20, 9, 52, tzinfo=UTC), cron=job.cron, paused=True,
                            description="Paused: replaced by real-time fraud scoring (CPA-4412)."))
        elif n == "old_dashboard_refresh":
            rows.append(row(job, datetime(2026, 11, 24, 14, 47, tzinfo=UTC), cron=job.cron,
                            deleted=datetime(2026, 11, 24, 14, 47, tzinfo=UTC)))
        elif n == "airport_slot_report":
            rows.append(row(job, datetime(2026, 11, 22, 10, 0, tzinfo=UTC), cron="0 0 7 ? * MON",
                            description="Weekly slot utilisation report (was daily until 2026-11-22)."))
        elif n == "legacy_sabre_extract":
            rows.append(row(job, datetime(2026, 11, 29, 9, 40, tzinfo=UTC), cron=job.cron,
                            deleted=datetime(2026, 11, 29, 9, 40, tzinfo=UTC)))
        elif n == "ops_kpi_refresh":
            rows.append(row(job, DAY0 + timedelta(hours=8, minutes=40), cron=job.cron, paused=True,
                            description="Paused while the OTP source is migrated (INC-20931)."))
        elif n == "gate_events_load":
            rows.append(row(job, datetime(2026, 11, 18, 9, 55, tzinfo=UTC), cron=job.cron,
                            description="Writes ops_prod.flight_ops.gate_events_v2 (legacy table retired)."))
    return rows


def _timeline_rows(rng: random.Random, runs: list[Run]) -> list[dict]:
    rows: list[dict] = []
    for r in runs:
        run_id = str(rng.randint(10**14, 10**15 - 1))
        r.run_id = run_id  # type: ignore[attr-defined]
        end = r.start + timedelta(seconds=r.dur_s)
        setup = int(min(r.dur_s * 0.3, rng.uniform(40, 240)))
        cleanup = int(rng.uniform(2, 20))
        cluster = f"{r.start:%m%d}-{r.start:%H%M%S}-{run_id[-8:]}"
        t = r.start
        while t < end:
            nxt = min(end, _day(t.date()) + timedelta(hours=t.hour + 1))
            final = nxt >= end
            rows.append(dict(
                account_id=ACCOUNT, workspace_id=r.job.ws, job_id=r.job.job_id, run_id=run_id,
                period_start_time=t, period_end_time=nxt, trigger_type=r.trigger,
                result_state=r.state if final else None, run_type="JOB_RUN", run_name=r.run_name,
                compute_ids=[cluster], termination_code=r.code if final else None,
                job_parameters=r.params, source_task_run_id=None, root_task_run_id=None,
                compute=[{"type": "JOBS_COMPUTE", "cluster_id": cluster, "warehouse_id": None}],
                termination_type=({"SUCCEEDED": "SUCCESS", "FAILED": "CLIENT_ERROR"}.get(r.state, "INTERNAL_ERROR")
                                  if final else None),
                setup_duration_seconds=setup if final else None,
                queue_duration_seconds=0 if final else None,
                run_duration_seconds=int(r.dur_s) if final else None,
                cleanup_duration_seconds=cleanup if final else None,
                execution_duration_seconds=max(1, int(r.dur_s) - setup - cleanup) if final else None,
            ))
            t = nxt
    return rows


def _lineage_row(rng: random.Random, ws: str, when: datetime, created_by: str, entity_type: str | None,
                 entity_id: str | None, entity_run_id: str | None, source: str | None, target: str | None,
                 meta: dict | None, *, direct: bool = True, event_id: str | None = None,
                 statement_id: str | None = None) -> dict:
    sc, ss, st = _split(source) if source else (None, None, None)
    tc, ts, tt = _split(target) if target else (None, None, None)
    return dict(
        account_id=ACCOUNT, metastore_id=METASTORE, workspace_id=ws, entity_type=entity_type,
        entity_id=entity_id, entity_run_id=entity_run_id,
        source_table_full_name=source, source_table_catalog=sc, source_table_schema=ss, source_table_name=st,
        source_path=None, source_type="TABLE" if source else None,
        target_table_full_name=target, target_table_catalog=tc, target_table_schema=ts, target_table_name=tt,
        target_path=None, target_type="TABLE" if target else None,
        created_by=created_by, event_time=when, event_date=when.date(), record_id=_uid(rng),
        event_id=event_id or _uid(rng), statement_id=statement_id, entity_metadata=meta, direct_access=direct,
    )


def _job_lineage(rng: random.Random, runs: list[Run]) -> list[dict]:
    rows: list[dict] = []
    for r in runs:
        run_id = r.run_id  # type: ignore[attr-defined]
        meta = {"job_info": {"job_id": r.job.job_id, "job_run_id": run_id}}
        sp = SP_BY_WS[r.job.ws]
        t_read = r.start + timedelta(seconds=min(r.dur_s * 0.3, 90))
        ev = _uid(rng)
        for src in r.job.reads:
            rows.append(_lineage_row(rng, r.job.ws, t_read, sp, "JOB", r.job.job_id, run_id, src, None, meta,
                                     event_id=ev))
        t_write = r.start + timedelta(seconds=r.dur_s * 0.95)
        for tgt in r.writes or []:
            ev = _uid(rng)
            for src in r.job.reads or [None]:
                rows.append(_lineage_row(rng, r.job.ws, t_write, sp, "JOB", r.job.job_id, run_id, src, tgt, meta,
                                         event_id=ev))
    return rows


def _other_writers(rng: random.Random) -> list[dict]:
    """Tables written by a DLT pipeline and a scheduled DBSQL query (not jobs)."""
    rows: list[dict] = []
    # S5: DLT pipeline writes customer_propensity_features hourly; stops after 14:xx on the monitored day.
    pid = "2f6b8e14-0c3a-4d9e-b7f1-8a5c2e90d3b6"
    t = START + timedelta(minutes=12)
    while t < AS_OF:
        if t >= DAY0 + timedelta(hours=15):
            break
        upd = _uid(rng)
        when = t + timedelta(seconds=rng.uniform(200, 420))
        meta = {"dlt_pipeline_info": {"dlt_pipeline_id": pid, "dlt_update_id": upd}}
        ev = _uid(rng)
        for src in ("commercial_prod.bookings.pnr_segments", "commercial_prod.digital.web_sessions"):
            rows.append(_lineage_row(rng, WS_ML, when, SP_ML, "PIPELINE", pid, upd, src,
                                     "ml_prod.features.customer_propensity_features", meta, event_id=ev))
        t += timedelta(hours=1)
    # S6: scheduled DBSQL query refreshes ancillary_sales every 2 h; last refresh Sat 20:xx.
    qid = "9c4e2a71-5b08-4f3d-a6e2-d17b3f58c904"
    t = START + timedelta(minutes=40)
    while t < datetime(2026, 11, 28, 21, tzinfo=UTC):
        st = _uid(rng)
        when = t + timedelta(seconds=rng.uniform(30, 150))
        meta = {"sql_query_id": qid}
        ev = _uid(rng)
        for src in ("commercial_prod.bookings.emds", "commercial_prod.ancillary.seat_upsells"):
            rows.append(_lineage_row(rng, WS_COM, when, _o("e.rossi"), "DBSQL_QUERY", qid, st, src,
                                     "commercial_prod.ancillary.ancillary_sales", meta, event_id=ev, statement_id=st))
        t += timedelta(hours=2)
    return rows


# ---------------------------------------------------------------------------------------------
# users: reads (lineage + audit getTable) and logins
# ---------------------------------------------------------------------------------------------

CORP_IP = "198.51.100.14"
OPS_IP = "198.51.100.40"
VDI_IP = "52.23.144.9"
UA_BROWSER = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
              "Chrome/131.0.0.0 Safari/537.36")
UA_MAC = ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
          "Version/18.1 Safari/605.1.15")


@dataclass
class User:
    email: str
    ws: str
    kind: str  # office | every
    kmin: int
    kmax: int
    ip: str
    usual: list[str] = field(default_factory=list)
    until: date | None = None
    since: date | None = None


def _users(rng: random.Random) -> list[User]:
    def pool(prefixes: tuple[str, ...], n: int) -> list[str]:
        cands = [t for t in ALL_TABLES if t.startswith(prefixes) and ".archive." not in t
                 and not t.startswith("hr_prod")]
        return rng.sample(cands, min(n, len(cands)))

    ops = ("ops_prod.",)
    com = ("commercial_prod.",)
    ml = ("ml_prod.", "commercial_prod.bookings", "ops_prod.flight_ops")
    users = [
        User(_o("j.whitfield"), WS_COM, "office", 3, 7, CORP_IP, pool(com, 12)),
        User(_o("k.tanaka"), WS_OPS, "every", 3, 6, OPS_IP, pool(ops, 10)),
        User(_o("e.rossi"), WS_COM, "office", 4, 8, CORP_IP, pool(com, 14)),
        User(_o("b.adeyemi"), WS_COM, "office", 2, 5, CORP_IP, pool(com, 9)),
        User(_o("f.lindqvist"), WS_OPS, "every", 4, 7, OPS_IP, pool(ops, 11)),
        User(_o("g.moreau"), WS_OPS, "office", 3, 6, CORP_IP, pool(ops, 10)),
        User(_o("h.patel"), WS_ML, "office", 4, 9, CORP_IP, pool(ml, 14)),
        User(_o("i.novak"), WS_OPS, "every", 2, 5, OPS_IP, pool(ops, 8)),
        User(_o("c.silva"), WS_DEV, "office", 3, 6, CORP_IP, pool(com + ops, 12)),
        User(_o("n.fischer"), WS_COM, "office", 3, 7, CORP_IP, pool(com, 12)),
        User(_o("o.kim"), WS_OPS, "every", 3, 6, OPS_IP, pool(ops, 10)),
        User(_o("v.ivanova"), WS_ML, "office", 4, 8, CORP_IP, pool(ml, 13)),
        # specials
        User(_o("priya.raman"), WS_COM, "office", 5, 8, CORP_IP, pool(com, 12)),
        User(_o("d.kowalczyk"), WS_OPS, "office", 6, 10, CORP_IP, pool(ops, 14)),
        User(_o("m.alvarez"), WS_OPS, "every", 4, 7, OPS_IP, pool(ops, 10)),
        User(_o("r.haddad"), WS_COM, "office", 4, 6, CORP_IP, pool(com, 9), until=date(2026, 10, 9)),
        User(_o("s.obrien"), WS_DEV, "every", 60, 90, CORP_IP, pool(com + ops + ("ml_prod.",), 110)),
        User(_o("a.mensah"), WS_OPS, "every", 12, 20, OPS_IP, pool(ops, 26), since=date(2026, 11, 25)),
        User(_o("l.chen"), WS_COM, "office", 5, 7, "24.18.203.77", pool(("commercial_prod.revenue",
                                                                          "commercial_prod.pricing",
                                                                          "commercial_prod.bookings"), 12)),
        User(_o("t.nguyen"), WS_OPS, "every", 3, 5, "73.162.88.41", pool(ops, 7)),
    ]
    return users


def _read_events(rng: random.Random, u: User, tables: list[str], day: date, hours: tuple[int, int],
                 ip: str, lineage: list[dict], audit: list[dict], ua: str = UA_BROWSER) -> None:
    nb = str(rng.randint(10**15, 10**16 - 1))
    session = _uid(rng)
    for tbl in tables:
        for _ in range(rng.choice((1, 1, 2, 3))):
            when = _day(day) + timedelta(hours=rng.uniform(hours[0], hours[1]))
            if when >= AS_OF:
                when = AS_OF - timedelta(seconds=rng.uniform(60, 3000))
            if rng.random() < 0.6:
                st = _uid(rng)
                lineage.append(_lineage_row(rng, u.ws, when, u.email, "NOTEBOOK", nb, st, tbl, None,
                                            {"notebook_id": nb}, statement_id=st))
            else:
                st = _uid(rng)
                q = _uid(rng)
                lineage.append(_lineage_row(rng, u.ws, when, u.email, "DBSQL_QUERY", q, st, tbl, None,
                                            {"sql_query_id": q}, statement_id=st))
            audit.append(_audit(rng, u.ws, when, ip, u.email, "unityCatalog", "getTable",
                                 {"full_name_arg": tbl, "workspace_id": u.ws}, 200, ua=ua, session=session))


def _audit(rng: random.Random, ws: str, when: datetime, ip: str, email: str, service: str, action: str,
           params: dict, status: int, *, error: str | None = None, ua: str = UA_BROWSER,
           session: str | None = None, level: str = "WORKSPACE_LEVEL") -> dict:
    return dict(
        account_id=ACCOUNT, workspace_id=ws if level == "WORKSPACE_LEVEL" else "0", version="2.0",
        event_time=when, event_date=when.date(), source_ip_address=ip, user_agent=ua,
        session_id=session, user_identity={"email": email, "subject_name": None}, service_name=service,
        action_name=action, request_id=_uid(rng), request_params=params,
        response={"status_code": status, "error_message": error, "result": None},
        audit_level=level, event_id=_uid(rng),
        identity_metadata={"run_by": email, "run_as": email, "acting_resource": None,
                           "run_by_display_name": None, "run_as_display_name": None},
    )


def _login(rng: random.Random, ws: str, when: datetime, ip: str, email: str, ok: bool, *,
           action: str = "oidcBrowserLogin", ua: str = UA_BROWSER) -> dict:
    if ok:
        return _audit(rng, ws, when, ip, email, "accounts", action, {"user": email, "authenticationMethod":
                      "OIDC" if action != "tokenLogin" else "PAT"}, 200, ua=ua, session=_uid(rng))
    err = "Invalid access token" if action == "tokenLogin" else "Authentication failed: invalid credentials"
    return _audit(rng, ws, when, ip, email, "accounts", action, {"user": email, "authenticationMethod":
                  "OIDC" if action != "tokenLogin" else "PAT"}, 401, error=err, ua=ua)


def _user_activity(rng: random.Random) -> tuple[list[dict], list[dict]]:
    lineage: list[dict] = []
    audit: list[dict] = []
    users = _users(rng)
    by = {u.email: u for u in users}
    for u in users:
        for d in _days():
            if u.until and d > u.until:
                continue
            if u.since and d < u.since:
                continue
            works = _office(d) if u.kind == "office" else True
            k = rng.randint(u.kmin, u.kmax)
            if u.email == _o("l.chen") and d.weekday() == 6 and d not in THANKSGIVING:
                works, k = True, rng.randint(33, 38)
            if d == MON_DAY:
                if u.email in {_o("priya.raman"), _o("d.kowalczyk"), _o("m.alvarez"), _o("r.haddad")}:
                    continue  # handled below
                if u.email == _o("s.obrien"):
                    k = 82
                if u.email == _o("a.mensah"):
                    k = 17
                if u.email == _o("l.chen"):
                    k = 36
                if u.email == _o("t.nguyen"):
                    k = 4
            if not works:
                continue
            hours = (15.0, 23.9) if u.kind == "office" else (1.0, 23.5)
            if u.email == _o("l.chen") and d.weekday() == 6:
                hours = (16.0, 21.0)
            pool = u.usual
            if u.email == _o("l.chen") and d.weekday() == 6:
                pool = [t for t in ALL_TABLES if t.startswith(("commercial_prod.revenue", "commercial_prod.pricing",
                                                               "commercial_prod.bookings", "commercial_prod.ancillary",
                                                               "commercial_prod.loyalty", "commercial_prod.digital",
                                                               "commercial_prod.network", "commercial_prod.finance"))]
            tables = rng.sample(pool, min(k, len(pool)))
            audit.append(_login(rng, u.ws, _day(d) + timedelta(hours=hours[0] - 0.1), u.ip, u.email, True))
            _read_events(rng, u, tables, d, hours, u.ip, lineage, audit)
    # --- read-volume incidents on the monitored day -----------------------------------------------
    sensitive = [t for t in ALL_TABLES if t.startswith(("commercial_prod.", "ops_prod.crew", "hr_prod.",
                                                        "ops_prod.archive", "ops_prod.safety"))]
    pr = by[_o("priya.raman")]
    home = "98.232.17.5"
    audit.append(_login(rng, pr.ws, DAY0 + timedelta(hours=3, minutes=2), home, pr.email, True, ua=UA_MAC))
    _read_events(rng, pr, rng.sample(sensitive, min(140, len(sensitive))), MON_DAY, (3.1, 7.5), home,
                 lineage, audit, UA_MAC)
    dk = by[_o("d.kowalczyk")]
    ops_tables = [t for t in ALL_TABLES if t.startswith("ops_prod.")]
    audit.append(_login(rng, dk.ws, DAY0 + timedelta(hours=16), CORP_IP, dk.email, True))
    _read_events(rng, dk, rng.sample(ops_tables, 55), MON_DAY, (16.0, 22.0), CORP_IP, lineage, audit)
    ma = by[_o("m.alvarez")]
    mix = list(ma.usual) + rng.sample([t for t in ops_tables if t not in ma.usual], 18)
    audit.append(_login(rng, ma.ws, DAY0 + timedelta(hours=6), OPS_IP, ma.email, True))
    _read_events(rng, ma, mix[:28], MON_DAY, (6.0, 20.0), OPS_IP, lineage, audit)
    rh = by[_o("r.haddad")]
    vpn = "146.70.88.19"
    com_tables = [t for t in ALL_TABLES if t.startswith(("commercial_prod.loyalty", "commercial_prod.customer",
                                                         "commercial_prod.bookings", "commercial_prod.finance"))]
    audit.append(_login(rng, rh.ws, DAY0 + timedelta(hours=1, minutes=58), vpn, rh.email, True))
    _read_events(rng, rh, rng.sample(com_tables, min(22, len(com_tables))), MON_DAY, (2.0, 3.0), vpn,
                 lineage, audit)
    # RD4: t.nguyen's new view ops_360 expands to 26 base tables (direct_access = false).
    tn = by[_o("t.nguyen")]
    when = DAY0 + timedelta(hours=17, minutes=21)
    st = _uid(rng)
    q = _uid(rng)
    ev = _uid(rng)
    lineage.append(_lineage_row(rng, tn.ws, when, tn.email, "DBSQL_QUERY", q, st, "ops_prod.flight_ops.ops_360",
                                None, {"sql_query_id": q}, event_id=ev, statement_id=st))
    audit.append(_audit(rng, tn.ws, when, tn.ip, tn.email, "unityCatalog", "getTable",
                        {"full_name_arg": "ops_prod.flight_ops.ops_360", "workspace_id": tn.ws}, 200))
    base = rng.sample([t for t in ops_tables if ".archive." not in t], 26)
    for tbl in base:
        lineage.append(_lineage_row(rng, tn.ws, when, tn.email, "DBSQL_QUERY", q, st, tbl, None,
                                    {"sql_query_id": q}, direct=False, event_id=ev, statement_id=st))
    return lineage, audit


def _login_traffic(rng: random.Random) -> list[dict]:
    rows: list[dict] = []
    staff = [_o(f"{n}.{s}") for n in ("ana", "ben", "carla", "dev", "eli", "fay", "gus", "hana", "ivan", "jo",
                                       "kai", "lea", "max", "nia", "omar", "pia", "raj", "sue", "tom", "uma")
             for s in ("ops", "rev", "fin")]
    agents = [_o(f"ops.agent{i:03d}") for i in range(1, 151)]
    for d in _days():
        # LD1: corporate egress NAT: staff logins + a few typos every day.
        n_ok = rng.randint(60, 100) if _office(d) else rng.randint(20, 35)
        fails = rng.randint(3, 12)
        if d == MON_DAY:
            n_ok, fails = 100, 9
        for _ in range(n_ok):
            rows.append(_login(rng, WS_COM, _day(d) + timedelta(hours=rng.uniform(13, 24)), CORP_IP,
                               rng.choice(staff), True))
        for _ in range(fails):
            who = rng.choice(staff)
            t = _day(d) + timedelta(hours=rng.uniform(13, 23.9))
            rows.append(_login(rng, WS_COM, t, CORP_IP, who, False))
            rows.append(_login(rng, WS_COM, t + timedelta(seconds=rng.uniform(20, 90)), CORP_IP, who, True))
        # ops control centre egress
        for _ in range(rng.randint(25, 40)):
            rows.append(_login(rng, WS_OPS, _day(d) + timedelta(hours=rng.uniform(0, 24)), OPS_IP,
                               rng.choice(staff), True))
        # LD2: legacy crew-tracking integration, token every 15 min; expired on 2026-11-06.
        for i in range(96):
            t = _day(d) + timedelta(minutes=15 * i, seconds=rng.uniform(0, 20))
            ok = d < date(2026, 11, 6)
            rows.append(_login(rng, WS_OPS, t, "34.201.77.10", _o("svc-crewtrac"), ok, action="tokenLogin",
                               ua="Apache-HttpClient/4.5.13 (Java/1.8.0_392)"))
        # LD4: VDI egress for airport agents since 2026-11-16.
        if d >= date(2026, 11, 16):
            n = 450 if d == MON_DAY else rng.randint(300, 460)
            f = 2 if d == MON_DAY else rng.randint(0, 3)
            for _ in range(n):
                rows.append(_login(rng, WS_OPS, _day(d) + timedelta(hours=rng.uniform(0, 24)), VDI_IP,
                                   rng.choice(agents), True))
            for _ in range(f):
                who = rng.choice(agents)
                t = _day(d) + timedelta(hours=rng.uniform(0, 23.9))
                rows.append(_login(rng, WS_OPS, t, VDI_IP, who, False))
    # LD3: burst on Fri 2026-11-27 (outside the monitored window).
    t0 = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)
    for i in range(300):
        rows.append(_login(rng, WS_COM, t0 + timedelta(seconds=i * 6 + rng.uniform(0, 5)), "77.83.36.200",
                           rng.choice(staff), False, ua="python-requests/2.31.0"))
    # LD5 / LD6: employees' home IPs, failed a few times then succeeded.
    for ip, email, n, hour in (("73.162.88.41", _o("t.nguyen"), 5, 16.9), ("24.18.203.77", _o("l.chen"), 3, 15.8)):
        t = DAY0 + timedelta(hours=hour)
        ws = WS_OPS if "nguyen" in email else WS_COM
        for i in range(n):
            rows.append(_login(rng, ws, t + timedelta(seconds=25 * i), ip, email, False))
        rows.append(_login(rng, ws, t + timedelta(seconds=25 * n + 30), ip, email, True))
    # L1: password spray.
    names = staff[:40] + [_o(x) for x in ("admin", "administrator", "test", "root", "databricks", "it.support",
                                            "helpdesk", "backup", "svc-etl", "guest")] + agents[:35]
    t0 = DAY0 + timedelta(hours=2, minutes=10)
    for i in range(420):
        rows.append(_login(rng, WS_COM, t0 + timedelta(seconds=i * 5.7), "185.220.101.47", names[i % len(names)],
                           False, ua="Mozilla/5.0 (X11; Linux x86_64; rv:109.0) Gecko/20100101 Firefox/115.0"))
    # L2: invalid-token brute force.
    t0 = DAY0 + timedelta(hours=13)
    for i in range(160):
        rows.append(_login(rng, WS_ML, t0 + timedelta(seconds=i * 9.3), "45.134.26.113", _o("svc-mlflow"), False,
                           action="tokenLogin", ua="python-requests/2.32.3"))
    # L3: targeted brute force ending in a success.
    t0 = DAY0 + timedelta(hours=11, minutes=5)
    for i in range(60):
        rows.append(_login(rng, WS_OPS, t0 + timedelta(seconds=i * 20), "103.75.190.12", _o("ops.admin"), False))
    rows.append(_login(rng, WS_OPS, t0 + timedelta(seconds=60 * 20 + 15), "103.75.190.12", _o("ops.admin"), True))
    # L4: low-and-slow spray over the whole day.
    targets = rng.sample(staff, 15)
    for i in range(45):
        rows.append(_login(rng, WS_COM, DAY0 + timedelta(minutes=i * 32 + rng.uniform(0, 10)), "91.240.118.22",
                           targets[i % 15], False))
    return rows


def _job_admin_audit(rng: random.Random, runs: list[Run]) -> list[dict]:
    rows: list[dict] = []
    for r in runs:
        if r.trigger in {"ONETIME", "ONETIME_RETRY"}:
            who = _o("k.tanaka") if r.job.ws == WS_OPS else _o("v.ivanova")
            action = "repairRun" if r.trigger == "ONETIME_RETRY" else "runNow"
            rows.append(_audit(rng, r.job.ws, r.start - timedelta(seconds=5), CORP_IP, who, "jobs", action,
                               {"job_id": r.job.job_id}, 200))
    return rows


# ---------------------------------------------------------------------------------------------
# model serving
# ---------------------------------------------------------------------------------------------


@dataclass
class Endpoint:
    name: str
    ws: str
    kind: str  # CUSTOM_MODEL | FOUNDATION_MODEL | EXTERNAL_MODEL
    entity: str
    base: float  # requests per weekday
    sat: float = 1.0
    sun: float = 1.0
    cv: float = 0.06
    created: datetime = datetime(2025, 11, 3, 18, 0, tzinfo=UTC)
    deleted: datetime | None = None
    task: str | None = None
    requesters: list[str] = field(default_factory=list)
    versions: list[tuple[datetime, str]] = field(default_factory=list)  # (change_time, entity_version)
    office_hours: bool = False


def _endpoints() -> list[Endpoint]:
    E = Endpoint
    return [
        E("flight-delay-predictor", WS_ML, "CUSTOM_MODEL", "ml_prod.models.flight_delay_gbm", 500,
          requesters=[SP_OPS, "ops-dashboard-app"], versions=[(datetime(2026, 10, 20, 17, tzinfo=UTC), "14")]),
        E("fare-recommender", WS_COM, "CUSTOM_MODEL", "ml_prod.models.fare_recommender", 600, sat=1.05, sun=1.1,
          requesters=["web-booking-api", "mobile-booking-api"],
          versions=[(datetime(2026, 11, 10, 18, tzinfo=UTC), "22")]),
        E("crew-fatigue-score", WS_ML, "CUSTOM_MODEL", "ml_prod.models.crew_fatigue_risk", 200, cv=0.05,
          requesters=[SP_OPS]),
        E("baggage-mishandling-risk", WS_ML, "CUSTOM_MODEL", "ml_prod.models.bag_mishandling_risk", 300, cv=0.05,
          requesters=[SP_OPS]),
        E("ancillary-upsell-ranker", WS_COM, "CUSTOM_MODEL", "ml_prod.models.ancillary_ranker", 400, cv=0.07,
          requesters=["web-booking-api", "mobile-booking-api", "checkin-kiosk-api"]),
        E("ops-turnaround-eta", WS_ML, "CUSTOM_MODEL", "ml_prod.models.turnaround_eta", 250, cv=0.06,
          requesters=[SP_OPS]),
        E("crew-scheduling-copilot", WS_ML, "FOUNDATION_MODEL", "system.ai.databricks-meta-llama-3-3-70b-instruct",
          80, sat=0.12, sun=0.1, cv=0.15, task="llm/v1/chat", office_hours=True,
          requesters=[_o("g.moreau"), _o("k.tanaka"), _o("i.novak"), _o("f.lindqvist")]),
        E("customer-service-assistant", WS_COM, "EXTERNAL_MODEL", "gpt-4o", 500, sat=1.2, sun=1.6, cv=0.08,
          task="llm/v1/chat", requesters=["contact-centre-app"]),
        E("doc-embeddings", WS_ML, "FOUNDATION_MODEL", "system.ai.databricks-gte-large-en", 0, task="llm/v1/embeddings",
          created=datetime(2026, 11, 23, 16, 0, tzinfo=UTC), requesters=[SP_ML]),
        E("legacy-fare-model-v1", WS_COM, "CUSTOM_MODEL", "ml_prod.models.fare_model_legacy", 150, cv=0.08,
          deleted=datetime(2026, 11, 27, 17, 30, tzinfo=UTC), requesters=["partner-gds-adapter"]),
        E("sandbox-llm-eval", WS_DEV, "FOUNDATION_MODEL", "system.ai.databricks-claude-sonnet-4", 10, cv=0.6,
          task="llm/v1/chat", requesters=[_o("c.silva"), _o("h.patel")]),
        E("partner-fraud-score", WS_COM, "CUSTOM_MODEL", "ml_prod.models.partner_fraud", 150, cv=0.45,
          requesters=["partner-gds-adapter"]),
    ]


def _serving(rng: random.Random) -> tuple[list[dict], pa.Table]:
    se_rows: list[dict] = []
    cols: dict[str, list] = {k: [] for k in ("workspace_id", "account_id", "client_request_id",
                                             "databricks_request_id", "requester", "status_code", "request_time",
                                             "input_token_count", "output_token_count", "input_character_count",
                                             "output_character_count", "usage_context", "request_streaming",
                                             "served_entity_id")}
    diurnal = [0.45, 0.4, 0.35, 0.3, 0.3, 0.35, 0.5, 0.7, 0.85, 0.9, 0.95, 1.0, 1.05, 1.15, 1.3, 1.4, 1.45, 1.5,
               1.5, 1.45, 1.35, 1.2, 0.95, 0.7]
    office = [0.0] * 15 + [1.0] * 9
    for ep in _endpoints():
        ep_id = _uid(rng)
        SERVE_ENDPOINTS_BY_WS.setdefault(ep.ws, [])
        if ep.kind == "CUSTOM_MODEL":
            SERVE_ENDPOINTS_BY_WS[ep.ws].append(ep.name)
        versions = [(ep.created, "7")] + ep.versions
        entity_ids: list[tuple[datetime, str]] = []
        for cfg, (t, ver) in enumerate(versions, start=1):
            sid = _uid(rng).replace("-", "")
            entity_ids.append((t, sid))
            se_rows.append(dict(
                served_entity_id=sid, account_id=ACCOUNT, workspace_id=ep.ws, created_by=_o("v.ivanova"),
                endpoint_name=ep.name, endpoint_id=ep_id, served_entity_name=f"{ep.name.replace('-', '_')}-{ver}",
                entity_type=ep.kind, entity_name=ep.entity,
                entity_version=ver if ep.kind == "CUSTOM_MODEL" else ("1" if ep.kind == "FOUNDATION_MODEL" else None),
                endpoint_config_version=cfg, task=ep.task,
                external_model_config={"provider": "openai"} if ep.kind == "EXTERNAL_MODEL" else None,
                foundation_model_config=None,
                custom_model_config=({"min_concurrency": 4, "max_concurrency": 16, "compute_type": "CPU"}
                                     if ep.kind == "CUSTOM_MODEL" else None),
                feature_spec_config=None, change_time=t, endpoint_delete_time=None,
            ))
        if ep.deleted:
            last = dict(se_rows[-1], change_time=ep.deleted, endpoint_delete_time=ep.deleted)
            se_rows.append(last)
        llm = ep.task is not None
        for d in _days():
            ds = _day(d)
            if ds + timedelta(days=1) <= ep.created:
                continue
            if ep.deleted and ds >= ep.deleted:
                continue
            f = ep.sat if d.weekday() == 5 else ep.sun if d.weekday() == 6 else 1.0
            if ep.office_hours and d in THANKSGIVING:
                f = ep.sat
            if ep.cv > 0.3:
                n = ep.base * f * math.exp(rng.gauss(0, ep.cv))
            else:
                n = ep.base * f * max(0.3, rng.gauss(1.0, ep.cv))
            hour_w = list(office if ep.office_hours else diurnal)
            if ep.office_hours and d.weekday() >= 5:
                hour_w = [0.0] * 16 + [1.0] * 6 + [0.0] * 2
            extra_req: str | None = None
            extra_n = 0
            code429 = 0.0
            if ep.name == "doc-embeddings":
                k = (d - date(2026, 11, 23)).days
                n = 40 + 30 * k + rng.uniform(-5, 5)
            if ep.name == "partner-fraud-score" and d == MON_DAY:
                n = 255
            if ep.name == "sandbox-llm-eval":
                n = min(20, max(0, n)) if d != MON_DAY else 45
            if ep.name == "legacy-fare-model-v1" and d >= date(2026, 11, 27):
                hour_w = [w if h < 17 else 0.0 for h, w in enumerate(hour_w)]
            if d == MON_DAY:
                if ep.name == "flight-delay-predictor":
                    hour_w = [w if h < 9 else w * 0.03 for h, w in enumerate(hour_w)]
                elif ep.name == "fare-recommender":
                    extra_req, extra_n, code429 = "web-booking-api", int(n * 5), 0.35
                elif ep.name == "crew-fatigue-score":
                    n = 0
                elif ep.name == "baggage-mishandling-risk":
                    n *= 0.45
                elif ep.name == "ancillary-upsell-ranker":
                    extra_req, extra_n = "checkin-kiosk-api", int(n * 1.6)
                elif ep.name == "customer-service-assistant":
                    n = ep.base * ep.sun * 1.1
            if ep.name == "crew-fatigue-score" and d == date(2026, 11, 28):
                hour_w = [w if h < 23 else w * 0.6 for h, w in enumerate(hour_w)]
            tw = sum(diurnal if not ep.office_hours else office) / 24 * 24
            scale = n / tw if tw else 0
            reqs: list[tuple[datetime, str, int]] = []
            for h, w in enumerate(hour_w):
                cnt = int(scale * w + rng.random())
                for _ in range(cnt):
                    t = ds + timedelta(hours=h, seconds=rng.uniform(0, 3600))
                    if t < ep.created:
                        continue
                    code = 200 if rng.random() > 0.004 else rng.choice((400, 500, 503))
                    reqs.append((t, rng.choice(ep.requesters), code))
            for _ in range(extra_n):
                h = rng.choices(range(24), weights=diurnal)[0]
                t = ds + timedelta(hours=h, seconds=rng.uniform(0, 3600))
                reqs.append((t, extra_req or "", 429 if rng.random() < code429 else 200))
            sid = entity_ids[0][1]
            for t, who, code in reqs:
                for ct, s in entity_ids:
                    if t >= ct:
                        sid = s
                cols["workspace_id"].append(ep.ws)
                cols["account_id"].append(ACCOUNT)
                cols["client_request_id"].append(None)
                cols["databricks_request_id"].append(_uid(rng))
                cols["requester"].append(who)
                cols["status_code"].append(code)
                cols["request_time"].append(t)
                if llm and code == 200:
                    it = rng.randint(80, 1800)
                    ot = 0 if ep.task == "llm/v1/embeddings" else rng.randint(40, 600)
                    cols["input_token_count"].append(it)
                    cols["output_token_count"].append(ot)
                    cols["input_character_count"].append(it * 4)
                    cols["output_character_count"].append(ot * 4)
                else:
                    for c in ("input_token_count", "output_token_count", "input_character_count",
                              "output_character_count"):
                        cols[c].append(None)
                cols["usage_context"].append(None)
                cols["request_streaming"].append(bool(llm and ep.task == "llm/v1/chat" and rng.random() < 0.5))
                cols["served_entity_id"].append(sid)
    schema = system_table_schema("system.serving.endpoint_usage")
    table = pa.table({f.name: pa.array(cols[f.name], type=f.type) for f in schema}, schema=schema)
    return se_rows, table


# ---------------------------------------------------------------------------------------------
# build
# ---------------------------------------------------------------------------------------------


def _write(root: Path, name: str, rows: list[dict] | pa.Table) -> None:
    schema = system_table_schema(name)
    table = rows if isinstance(rows, pa.Table) else pa.Table.from_pylist(rows, schema=schema)
    write_table(root, name, table, schema)


def build(root: Path) -> Path:
    """Write the eight system tables for Cascadia Pacific Airways under `root` and return `root`."""
    root = Path(root)
    rng = random.Random(20261129)
    SERVE_ENDPOINTS_BY_WS.clear()
    se_rows, usage_tbl = _serving(random.Random(5005))
    jobs = _jobs()
    runs = _runs(random.Random(5001), jobs)
    job_ids_by_ws: dict[str, list[str]] = {}
    for j in jobs:
        if j.sched[0] != "manual" and j.created < START:
            job_ids_by_ws.setdefault(j.ws, []).append(j.job_id)
    timeline = _timeline_rows(random.Random(5002), runs)
    lineage = _job_lineage(random.Random(5003), runs) + _other_writers(random.Random(5004))
    user_lineage, user_audit = _user_activity(random.Random(5006))
    lineage += user_lineage
    audit = user_audit + _login_traffic(random.Random(5007)) + _job_admin_audit(rng, runs)
    lineage.sort(key=lambda r: r["event_time"])
    audit.sort(key=lambda r: r["event_time"])
    _write(root, "system.billing.list_prices", _list_prices())
    _write(root, "system.billing.usage", _billing(random.Random(5008), job_ids_by_ws))
    _write(root, "system.lakeflow.jobs", _job_rows(random.Random(5009), jobs))
    _write(root, "system.lakeflow.job_run_timeline", timeline)
    _write(root, "system.access.table_lineage", lineage)
    _write(root, "system.access.audit", audit)
    _write(root, "system.serving.served_entities", se_rows)
    _write(root, "system.serving.endpoint_usage", usage_tbl)
    return root
