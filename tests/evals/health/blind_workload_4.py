"""Blind workload 4: Meridian Freight Lines, a US/EU truckload, LTL and ocean-freight logistics company.

Company: Meridian Freight Lines (HQ Memphis TN, EU ocean-freight desk in Rotterdam, cross-dock in
Chicago) runs Databricks on AWS us-east-1 with four workspaces:
  2207814466130825 mf-prod-platform  (telematics / EDI / shipment ETL, jobs run as svc-etl-prod)
  2207814466131177 mf-ops-analytics  (dispatch & pricing analytics, SQL dashboards, LLM copilots)
  2207814466131593 mf-ml             (ETA, route-anomaly, pricing models; model serving)
  2207814466132048 mf-finance        (AR/AP, payroll prep, month-end close)
Job schedules are Quartz crons in America/Chicago, UTC or Europe/Amsterdam.

Calendar: the monitored day is Monday 2025-09-01 (UTC), AS_OF = 2025-09-02T00:00Z. It is at once
US Labor Day (federal holiday: human-driven usage looks like a Sunday while automated pipelines
and the 24/7 truck fleet keep going), the 1st of the month (month-start / month-end-close jobs run,
monthly reconciliations read many finance tables, doc-classification batch doubles), and a Monday
(weekly Monday scans/refreshes). The preceding Friday began the long weekend. History: billing,
audit and serving from 2025-06-30 (9 weeks; it contains the July 4 holiday and the Jul 1 / Aug 1
month starts); job runs and lineage over the same window.

INCIDENTS (domain/check/entity — what happened, how big):
cost/sku_spike
  mf-prod-platform/PREMIUM_ALL_PURPOSE_COMPUTE: large interactive cluster left running through the
    holiday, ~3.2x a normal weekday's spend (~20x a normal holiday).
  mf-prod-platform/PREMIUM_JOBS_SERVERLESS_COMPUTE_US_EAST_N_VIRGINIA: serverless job stuck in a retry
    loop, ~1.9x its very stable daily spend.
  mf-ops-analytics/PREMIUM_SERVERLESS_SQL_COMPUTE_US_EAST_N_VIRGINIA: dashboard set to 1-minute
    auto-refresh, ~2.3x a normal weekday (and far above a holiday).
  mf-ml/PREMIUM_SERVERLESS_REAL_TIME_INFERENCE_US_EAST_N_VIRGINIA: provisioned concurrency raised
    by mistake, ~2.1x.
  mf-finance/PREMIUM_SQL_PRO_COMPUTE: SQL warehouse auto-stop disabled, ran 24 h, ~2.6x a weekday.
security/failed_login_burst
  185.220.101.47: password spray, 240 failed logins over ~25 min against ~120 user names.
  45.134.26.118: 60 failed tokenLogin in ~10 min (stolen/guessed PATs).
  73.158.44.201: contractor's home IP (normally 1-3 clean logins), 22 failures in ~8 min then a success.
  103.77.192.12: never-seen IP, 18 failures over ~40 min across 3 accounts (slow spray).
security/unusual_read_volume
  d.kowalski@meridianfreight.com: contractor who reads ~4 shipment tables/day read 95 tables in all
    catalogs (customers, finance, payroll) within 2 h on the holiday.
  j.okafor@meridianfreight.com: ~7 tables/day normally; 30 on the day, 22 never read before.
  svc-carrier-portal@meridianfreight.com: integration identity reading the same 3 tables daily;
    on the day +19 never-read tables (finance AR, customer contracts).
  m.fischer@meridianfreight.com: Rotterdam analyst, ~8/day; 24 on the day, 14 new (moderate).
performance/job_duration_regression
  telematics_gps_ingest_hourly: 12 min -> ~26 min from 10:00 UTC (2.2x for ~half the day).
  dispatch_kpi_daily: 35 min -> 110 min (3x).
  carrier_rate_refresh (4-hourly): 18 min -> ~34 min all day (1.9x).
  customs_docs_parse (hourly, Rotterdam): 8 min -> 40 min all day (5x).
reliability/failure_streak
  edi_214_status_ingest (hourly): last 9 runs failed (since 15:20 UTC).
  port_congestion_scraper (4-hourly): last 4 runs failed (storage access error).
  invoice_export_sap (daily): failed on Aug 31 and Sep 1 (2 in a row, daily job).
  driver_payroll_prep (weekdays): failed Fri Aug 29 and Mon Sep 1 (2 in a row).
reliability/job_not_running
  hos_eld_logs_ingest (hourly): last run 06:15 UTC on the day, nothing after (~17 h, 1 h interval).
  daily_shipment_snapshot (daily 01:00 Chicago): missed the day's run once (~42 h since last).
  yard_gate_events (every 30 min): stopped after 20:30 UTC (~3.5 h, 7 intervals).
  carrier_invoice_match (4-hourly): last run 08:00 UTC (~16 h, 4 intervals missed).
  cold_chain_alert_digest (daily 05:00 UTC): missed Aug 31 and Sep 1 (~67 h since last).
data_quality/stale_table
  freight_prod.telematics.eld_hos_logs: writer stopped at 06:15 UTC (hourly table, ~17 h stale).
  freight_prod.shipments.daily_snapshot: daily table not written on the day (~41 h stale).
  freight_prod.shipments.edi_214_status: hourly table, writer failing since 15:20 UTC (~10 h stale).
  freight_prod.network.port_congestion: 4-hourly table, writer failing (~20 h stale).
  freight_prod.network.yard_gate_events: 30-min table, ~3.5 h stale.
  ml_prod.features.lane_eta_features: writer job still succeeds but silently stopped writing this
    table after Aug 29 (daily table, ~3 days stale).
mlops/endpoint_traffic
  eta-predictor-prod: tracking-page client retry storm, ~3.5x normal requests.
  route-anomaly-detector: telematics consumer stalled at 02:00 UTC, day volume ~30% of normal.
  fraud-carrier-screen: partner integration looping, ~2.4x a normal Monday (far above a holiday).
  customs-hs-code-embed: EU caller broken from 09:00 UTC on a normal (non-holiday) EU workday, ~30%.

DECOYS (unusual-looking but not page-worthy):
cost/sku_spike
  mf-prod-platform/PREMIUM_DLT_CORE_COMPUTE: noisy series (cv~35%); the day is ~1.45x mean, within
    its historical range.
  mf-prod-platform/PREMIUM_JOBS_COMPUTE: weekly Monday full refreshes, every Monday ~1.8x (day-over-day jump).
  mf-ops-analytics/PREMIUM_JOBS_SERVERLESS_COMPUTE_US_EAST_N_VIRGINIA: DBUs flat; promotional price
    ended 2025-09-01, list-price spend +43%.
  mf-ops-analytics/PREMIUM_DLT_ADVANCED_COMPUTE_(PHOTON): new pipeline since Aug 28, 4 days history.
  mf-ml/PREMIUM_JOBS_COMPUTE: steady growth (+~70% over 9 weeks), the day on trend.
  mf-finance/PREMIUM_JOBS_COMPUTE: month-start close jobs, every 1st ~3.5x (Jul 1, Aug 1 alike).
security/failed_login_burst
  12.166.84.10: Memphis HQ NAT, many logins, ordinary ~3% failures spread over the day.
  34.232.18.77: corporate VPN egress, ordinary ~4% failures.
  145.131.8.22: Rotterdam office NAT, normal EU workday, ordinary failures.
  3.91.204.15: CI runner, monthly secret rotation on the 1st: 9 failed tokenLogin in 4 min then OK
    (same on Jul 1 and Aug 1).
  67.220.5.130: Chicago cross-dock office; IdP brown-out, 30 attempts answered 502/503 (not 4xx).
security/unusual_read_volume
  t.nguyen@meridianfreight.com: new joiner since Aug 27, exploring ~10 tables/day.
  svc-close-recon@meridianfreight.com: month-end close job reads ~30 finance tables every 1st.
  svc-dbt-prod@meridianfreight.com: reads ~47 tables every day, stable.
  a.patel@meridianfreight.com: noisy (2-25 tables/day); 21 on the day, all known.
  svc-uc-catalog-scan@meridianfreight.com: weekly Monday catalog scan of ~110 tables.
performance/job_duration_regression
  ar_aging_snapshot: daily, 20 min; every 1st ~65 min (full-month aging), as on Jul 1 / Aug 1.
  route_optimizer_batch: noisy durations 20-70 min; 62 min on the day.
  ltl_pricing_model_score: new job since Aug 28 (4 runs); the day 1.6x its first runs.
  shipment_events_silver: scheduled runs normal; one manual (ONETIME) backfill run of ~4 h.
reliability/failure_streak
  weather_feed_pull: flaky (~15% isolated failures); last run succeeded.
  customs_filing_sync: failed, then repaired by a retry run that succeeded.
  tms_v1_nightly_export: failed 3 nights then deleted on Aug 22.
  carrier_scorecard_v1: failed, then paused on Aug 14.
  fuel_card_txn_load: only the last run failed (single failure).
reliability/job_not_running
  q2_rate_study_refresh: paused on Aug 18.
  tms_v1_nightly_export: deleted on Aug 22.
  lane_profitability: schedule changed from daily to weekly (Wednesdays) on Aug 27.
  carrier_compliance_weekly: weekly Tuesday job, last ran Aug 26 as scheduled.
  broker_claims_upload: file-arrival trigger (no cron), irregular 1-5 day gaps.
  carrier_scorecard_v1: paused on Aug 14.
data_quality/stale_table
  ops_analytics.pricing.q2_rate_study: its job was paused.
  freight_prod.legacy.tms_v1_export: its job was deleted.
  freight_prod.customers.customer_360: migrated; the same job writes customer_profile since Aug 26.
  ops_analytics.finance.lane_profitability: writer moved to weekly (Wednesdays).
  freight_prod.fleet.carrier_compliance_weekly: weekly table, written last Tuesday.
  finance_prod.ap.vendor_payment_batches: weekday table, not written on US holidays (as Jul 4).
  ops_analytics.claims.broker_claims: written on file arrival, irregular gaps.
  ops_analytics.kpi.empty_miles: its writer carrier_scorecard_v1 was paused on Aug 14.
mlops/endpoint_traffic
  dispatch-copilot: US business-hours LLM; holiday volume ~30% (July 4 alike).
  lane-rate-quote: broker pricing; holiday ~25% (July 4 alike).
  load-match-recsys-v2: new endpoint since Aug 28, ramping up.
  eta-predictor-staging: deleted on Aug 20, no traffic.
  sandbox-llama-eval: tiny (0-5 req/day -> 14).
  freight-doc-classifier: month-start batch, ~2.3x every 1st (Jul 1, Aug 1 alike).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pyarrow as pa

from include.lakehouse.delta_store import write_table
from include.lakehouse.schema import system_table_schema

UTC = UTC
AS_OF = datetime(2025, 9, 2, tzinfo=UTC)
DAY = date(2025, 9, 1)
START = date(2025, 6, 30)
DAYS = [START + timedelta(days=i) for i in range((DAY - START).days + 1)]
US_HOLIDAYS = {date(2025, 7, 4), date(2025, 9, 1)}
SEED = 20250901

ACCOUNT_ID = "7b1e3c52-9a4d-4f1e-b0c8-5d2a61e8f903"
METASTORE_ID = "c41f8e2a-6d3b-4a77-9e15-0b9d2f6a3c18"
CLOUD = "AWS"
DOMAIN = "meridianfreight.com"

WS_PLAT = "2207814466130825"
WS_OPS = "2207814466131177"
WS_ML = "2207814466131593"
WS_FIN = "2207814466132048"

CHI = "America/Chicago"
AMS = "Europe/Amsterdam"

SKU_AP = "PREMIUM_ALL_PURPOSE_COMPUTE"
SKU_AP_PH = "PREMIUM_ALL_PURPOSE_COMPUTE_(PHOTON)"
SKU_JOBS = "PREMIUM_JOBS_COMPUTE"
SKU_JOBS_PH = "PREMIUM_JOBS_COMPUTE_(PHOTON)"
SKU_JOBS_SL = "PREMIUM_JOBS_SERVERLESS_COMPUTE_US_EAST_N_VIRGINIA"
SKU_SQL_PRO = "PREMIUM_SQL_PRO_COMPUTE"
SKU_SQL_SL = "PREMIUM_SERVERLESS_SQL_COMPUTE_US_EAST_N_VIRGINIA"
SKU_DLT_CORE = "PREMIUM_DLT_CORE_COMPUTE"
SKU_DLT_ADV = "PREMIUM_DLT_ADVANCED_COMPUTE_(PHOTON)"
SKU_RTI = "PREMIUM_SERVERLESS_REAL_TIME_INFERENCE_US_EAST_N_VIRGINIA"

PRICES = {
    SKU_AP: "0.55", SKU_AP_PH: "0.55", SKU_JOBS: "0.15", SKU_JOBS_PH: "0.15", SKU_JOBS_SL: "0.35",
    SKU_SQL_PRO: "0.55", SKU_SQL_SL: "0.70", SKU_DLT_CORE: "0.20", SKU_DLT_ADV: "0.36", SKU_RTI: "0.07",
}


def _u(name: str) -> str:
    return f"{name}@{DOMAIN}"


def _rng(*key: object) -> random.Random:
    return random.Random(f"{SEED}:" + ":".join(str(k) for k in key))


def _write(root, full_name, rows):
    schema = system_table_schema(full_name)
    write_table(root, full_name, pa.Table.from_pylist(rows, schema=schema), schema)


def _dt(d: date, hh: int = 0, mm: int = 0, ss: int = 0) -> datetime:
    return datetime(d.year, d.month, d.day, hh, mm, ss, tzinfo=UTC)


def _weekend(d: date) -> bool:
    return d.weekday() >= 5


def _human_factor(d: date, weekend: float, holiday: float) -> float:
    if d in US_HOLIDAYS:
        return holiday
    return weekend if _weekend(d) else 1.0


def _uuid(r: random.Random) -> str:
    h = f"{r.getrandbits(128):032x}"
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:32]}"


# ----------------------------------------------------------------------------------------------
# Entity sets
# ----------------------------------------------------------------------------------------------

INCIDENTS: set[tuple[str, str, str]] = {
    ("cost", "sku_spike", f"{WS_PLAT}/{SKU_AP}"),
    ("cost", "sku_spike", f"{WS_PLAT}/{SKU_JOBS_SL}"),
    ("cost", "sku_spike", f"{WS_OPS}/{SKU_SQL_SL}"),
    ("cost", "sku_spike", f"{WS_ML}/{SKU_RTI}"),
    ("cost", "sku_spike", f"{WS_FIN}/{SKU_SQL_PRO}"),
    ("security", "failed_login_burst", "185.220.101.47"),
    ("security", "failed_login_burst", "45.134.26.118"),
    ("security", "failed_login_burst", "73.158.44.201"),
    ("security", "failed_login_burst", "103.77.192.12"),
    ("security", "unusual_read_volume", _u("d.kowalski")),
    ("security", "unusual_read_volume", _u("j.okafor")),
    ("security", "unusual_read_volume", _u("svc-carrier-portal")),
    ("security", "unusual_read_volume", _u("m.fischer")),
}
DECOYS: set[tuple[str, str, str]] = {
    ("cost", "sku_spike", f"{WS_PLAT}/{SKU_DLT_CORE}"),
    ("cost", "sku_spike", f"{WS_PLAT}/{SKU_JOBS}"),
    ("cost", "sku_spike", f"{WS_OPS}/{SKU_JOBS_SL}"),
    ("cost", "sku_spike", f"{WS_OPS}/{SKU_DLT_ADV}"),
    ("cost", "sku_spike", f"{WS_ML}/{SKU_JOBS}"),
    ("cost", "sku_spike", f"{WS_FIN}/{SKU_JOBS}"),
    ("security", "failed_login_burst", "12.166.84.10"),
    ("security", "failed_login_burst", "34.232.18.77"),
    ("security", "failed_login_burst", "145.131.8.22"),
    ("security", "failed_login_burst", "3.91.204.15"),
    ("security", "failed_login_burst", "67.220.5.130"),
    ("security", "unusual_read_volume", _u("t.nguyen")),
    ("security", "unusual_read_volume", _u("svc-close-recon")),
    ("security", "unusual_read_volume", _u("svc-dbt-prod")),
    ("security", "unusual_read_volume", _u("a.patel")),
    ("security", "unusual_read_volume", _u("svc-uc-catalog-scan")),
}
# job, table and endpoint entries are added below, once their ids exist.

# ----------------------------------------------------------------------------------------------
# Tables
# ----------------------------------------------------------------------------------------------

_SCHEMAS = {
    "freight_prod.landing": ["edi_214_raw", "eld_raw", "gps_pings_raw", "customs_docs_raw", "rate_feeds_raw",
                             "yard_gate_raw", "port_feeds_raw", "reefer_raw", "fuel_card_raw", "edi_210_raw"],
    "freight_prod.shipments": ["shipment_events_silver", "edi_214_status", "daily_snapshot", "shipments_gold",
                               "loads", "stops", "proof_of_delivery", "exceptions", "appointments",
                               "accessorials", "loads_2023", "loads_2024", "bills_of_lading", "tenders"],
    "freight_prod.telematics": ["gps_pings_silver", "eld_hos_logs", "reefer_readings", "truck_health",
                                "fault_codes", "geofence_events", "idle_events"],
    "freight_prod.network": ["port_congestion", "yard_gate_events", "lanes", "terminals", "carrier_rates",
                             "docks", "lane_volumes", "port_calls"],
    "freight_prod.customers": ["customer_360", "customer_profile", "contacts", "contracts", "credit_limits",
                               "shipper_accounts", "consignee_addresses", "portal_users", "rate_agreements",
                               "claims_history"],
    "freight_prod.fleet": ["trucks", "trailers", "drivers", "maintenance_orders", "carrier_compliance_weekly",
                           "driver_licenses", "inspections", "tire_events"],
    "freight_prod.legacy": ["tms_v1_export", "tms_v1_loads", "tms_v1_customers"],
    "finance_prod.gl": ["journal_entries", "month_end_balances", "accounts", "cost_centers", "fx_rates",
                        "trial_balance", "intercompany"],
    "finance_prod.ar": ["invoices", "ar_open_items", "ar_aging", "payments_received", "credit_memos",
                        "dunning_notices", "collections"],
    "finance_prod.ap": ["vendor_payment_batches", "vendor_invoices", "carrier_settlements", "fuel_card_txn",
                        "vendors", "remittances"],
    "finance_prod.payroll": ["driver_pay_stubs", "driver_payroll_prep", "bank_accounts", "deductions",
                             "tax_withholding"],
    "ml_prod.features": ["lane_eta_features", "lane_dwell_stats", "driver_features", "shipper_features",
                         "weather_features", "carrier_features"],
    "ml_prod.eta": ["predictions", "training_set", "model_metrics"],
    "ml_prod.fraud": ["carrier_risk_scores", "screening_results"],
    "ml_prod.pricing": ["ltl_price_scores", "quote_features"],
    "ops_analytics.kpi": ["on_time_delivery", "dispatch_kpi_daily", "dwell_time", "empty_miles",
                          "driver_utilization", "warehouse_inventory"],
    "ops_analytics.pricing": ["q2_rate_study", "lane_rate_quotes", "carrier_rate_index", "route_plans"],
    "ops_analytics.finance": ["lane_profitability", "customer_margin"],
    "ops_analytics.claims": ["broker_claims", "damage_claims"],
    "ops_analytics.customs": ["hs_code_assignments", "customs_filings", "customs_docs_parsed"],
}
ALL_TABLES = [f"{s}.{t}" for s, ts in _SCHEMAS.items() for t in ts]


def _schema_tables(*schemas: str) -> list[str]:
    return [f"{s}.{t}" for s in schemas for t in _SCHEMAS[s]]


# ----------------------------------------------------------------------------------------------
# Billing
# ----------------------------------------------------------------------------------------------

@dataclass
class Stream:
    ws: str
    sku: str
    base: float                    # DBU per normal weekday
    weekend: float = 1.0
    holiday: float | None = None   # None: same as weekend
    cv: float = 0.08
    monday: float = 1.0
    month_start: float = 1.0
    growth: float = 0.0            # total relative growth over the window
    start: date = START
    day_mult: float = 1.0          # multiplier on the monitored day
    day_abs: float | None = None   # absolute DBU on the monitored day
    product: str = "JOBS"
    high_days: dict = field(default_factory=dict)


STREAMS = [
    Stream(WS_PLAT, SKU_JOBS_PH, 1800, 0.85, cv=0.07),
    Stream(WS_PLAT, SKU_JOBS, 900, 0.9, cv=0.08, monday=1.8),
    Stream(WS_PLAT, SKU_AP, 420, 0.15, cv=0.15, day_abs=420 * 3.2, product="ALL_PURPOSE"),
    Stream(WS_PLAT, SKU_JOBS_SL, 300, 1.0, cv=0.05, day_mult=1.9),
    Stream(WS_PLAT, SKU_DLT_CORE, 260, 1.0, cv=0.30, day_abs=260 * 1.45, product="DLT",
           high_days={date(2025, 7, 15): 1.62, date(2025, 7, 29): 1.55, date(2025, 8, 12): 1.7,
                      date(2025, 8, 21): 1.5}),
    Stream(WS_OPS, SKU_SQL_SL, 520, 0.2, cv=0.12, day_abs=520 * 2.3, product="SQL"),
    Stream(WS_OPS, SKU_AP, 300, 0.2, cv=0.15, product="ALL_PURPOSE"),
    Stream(WS_OPS, SKU_JOBS_SL, 400, 1.0, cv=0.05),
    Stream(WS_OPS, SKU_DLT_ADV, 150, 1.0, cv=0.06, start=date(2025, 8, 28), product="DLT"),
    Stream(WS_OPS, SKU_JOBS, 350, 0.9, cv=0.08),
    Stream(WS_ML, SKU_RTI, 700, 0.85, 0.8, cv=0.06, day_mult=2.1, product="MODEL_SERVING"),
    Stream(WS_ML, SKU_JOBS, 300, 0.9, cv=0.07, growth=0.7),
    Stream(WS_ML, SKU_AP_PH, 600, 0.3, cv=0.2, product="ALL_PURPOSE"),
    Stream(WS_FIN, SKU_JOBS, 120, 0.6, 1.0, cv=0.08, month_start=3.5),
    Stream(WS_FIN, SKU_SQL_PRO, 200, 0.1, cv=0.15, day_abs=200 * 2.6, product="SQL"),
    Stream(WS_FIN, SKU_AP, 150, 0.1, cv=0.15, product="ALL_PURPOSE"),
]


def _daily_dbu(s: Stream, d: date) -> float:
    if d < s.start:
        return 0.0
    r = _rng("bill", s.ws, s.sku, d)
    hol = s.holiday if s.holiday is not None else s.weekend
    q = s.base * _human_factor(d, s.weekend, hol)
    if d.weekday() == 0:
        q *= s.monday
    if d.day == 1:
        q *= s.month_start
    q *= 1 + s.growth * (d - START).days / (DAY - START).days
    q *= max(0.2, r.lognormvariate(0, s.cv))
    if d in s.high_days:
        q = s.base * s.high_days[d]
    if d == DAY:
        q = s.day_abs if s.day_abs is not None else q * s.day_mult
    return q


def _billing_rows() -> list[dict]:
    rows = []
    wh = {WS_OPS: "7f3a9c1e5b2d4e60", WS_ML: "2c8e41a9d07b3f15", WS_FIN: "a91d03e7c4f25b88"}
    for s in STREAMS:
        for d in DAYS:
            q = _daily_dbu(s, d)
            if q <= 0:
                continue
            r = _rng("billrows", s.ws, s.sku, d)
            shares = [r.uniform(0.8, 1.2) for _ in range(6)]
            tot = sum(shares)
            for i, sh in enumerate(shares):
                qty = Decimal(str(round(q * sh / tot, 6)))
                st = _dt(d, 4 * i)
                meta = {}
                pf = {"is_serverless": "SERVERLESS" in s.sku, "is_photon": "PHOTON" in s.sku}
                if s.product == "SQL":
                    meta["warehouse_id"] = wh[s.ws]
                    pf["sql_tier"] = "PRO"
                elif s.product == "ALL_PURPOSE":
                    meta["cluster_id"] = f"0{s.ws[-3:]}-{s.ws[-9:-3]}-shrd{s.sku[-2:].lower()}"
                elif s.product == "DLT":
                    meta["dlt_pipeline_id"] = f"{s.ws[-6:]}-dlt-{'core' if 'CORE' in s.sku else 'adv'}"
                    pf["dlt_tier"] = "CORE" if "CORE" in s.sku else "ADVANCED"
                elif s.product == "MODEL_SERVING":
                    meta["endpoint_name"] = "eta-predictor-prod" if i % 2 else "fraud-carrier-screen"
                    pf["serving_type"] = "MODEL"
                else:
                    meta["job_id"] = str(r.choice(JOB_IDS_BY_WS.get(s.ws) or ["0"]))
                    pf["jobs_tier"] = "CLASSIC"
                rows.append({
                    "account_id": ACCOUNT_ID, "workspace_id": s.ws,
                    "record_id": _uuid(r), "sku_name": s.sku, "cloud": CLOUD,
                    "usage_start_time": st, "usage_end_time": st + timedelta(hours=4),
                    "usage_date": d, "custom_tags": {"cost_center": COST_CENTER[s.ws], "env": "prod"},
                    "usage_unit": "DBU", "usage_quantity": qty, "usage_metadata": meta,
                    "identity_metadata": {"run_as": RUN_AS[s.ws]}, "record_type": "ORIGINAL",
                    "ingestion_date": d + timedelta(days=1),
                    "billing_origin_product": s.product, "product_features": pf,
                    "usage_type": "COMPUTE_TIME",
                })
    return rows


COST_CENTER = {WS_PLAT: "cc-4100-data-platform", WS_OPS: "cc-4300-ops-analytics",
               WS_ML: "cc-4500-ml", WS_FIN: "cc-2100-finance-systems"}
RUN_AS = {WS_PLAT: _u("svc-etl-prod"), WS_OPS: _u("svc-ops-jobs"), WS_ML: _u("svc-ml-prod"),
          WS_FIN: _u("svc-finance-jobs")}


def _price_rows() -> list[dict]:
    rows = []
    t0 = datetime(2024, 2, 1, tzinfo=UTC)
    promo_end = _dt(DAY)
    for sku, p in PRICES.items():
        price = Decimal(p)
        if sku == SKU_JOBS_SL:
            promo = Decimal("0.245")
            rows.append({"account_id": ACCOUNT_ID, "price_start_time": datetime(2025, 3, 1, tzinfo=UTC),
                         "price_end_time": promo_end, "sku_name": sku, "cloud": CLOUD, "currency_code": "USD",
                         "usage_unit": "DBU", "pricing": {"default": price, "promotional": {"default": promo},
                                                          "effective_list": {"default": promo}}})
            rows.append({"account_id": ACCOUNT_ID, "price_start_time": promo_end, "price_end_time": None,
                         "sku_name": sku, "cloud": CLOUD, "currency_code": "USD", "usage_unit": "DBU",
                         "pricing": {"default": price, "promotional": None, "effective_list": {"default": price}}})
            rows.append({"account_id": ACCOUNT_ID, "price_start_time": t0,
                         "price_end_time": datetime(2025, 3, 1, tzinfo=UTC), "sku_name": sku, "cloud": CLOUD,
                         "currency_code": "USD", "usage_unit": "DBU",
                         "pricing": {"default": price, "promotional": None, "effective_list": {"default": price}}})
            continue
        rows.append({"account_id": ACCOUNT_ID, "price_start_time": t0, "price_end_time": None, "sku_name": sku,
                     "cloud": CLOUD, "currency_code": "USD", "usage_unit": "DBU",
                     "pricing": {"default": price, "promotional": None, "effective_list": {"default": price}}})
    return rows


# ----------------------------------------------------------------------------------------------
# Jobs
# ----------------------------------------------------------------------------------------------

@dataclass
class Job:
    name: str
    ws: str
    cron: str | None          # Quartz
    tz: str
    times: object             # callable(local_date) -> list[(hh, mm)]; or None for file arrival
    dur: float                # minutes
    cv: float = 0.1
    targets: list = field(default_factory=list)
    sources: list = field(default_factory=list)
    created: date = date(2025, 3, 10)
    fail_rate: float = 0.01
    job_id: str = ""
    changes: list = field(default_factory=list)   # (datetime, dict of changed fields)


def _every(minutes: int, offset: int = 0):
    def f(d):
        return [(m // 60, m % 60) for m in range(offset, 24 * 60, minutes)]
    return f


def _daily(hh, mm, dows=None, dom=None):
    def f(d):
        if dows is not None and d.weekday() not in dows:
            return []
        if dom is not None and d.day != dom:
            return []
        return [(hh, mm)]
    return f


WEEKDAYS = {0, 1, 2, 3, 4}

JOBS = [
    # --- mf-prod-platform
    Job("telematics_gps_ingest_hourly", WS_PLAT, "0 5 * * * ?", "UTC", _every(60, 5), 12,
        targets=["freight_prod.telematics.gps_pings_silver"], sources=["freight_prod.landing.gps_pings_raw"]),
    Job("edi_214_status_ingest", WS_PLAT, "0 20 * * * ?", "UTC", _every(60, 20), 7,
        targets=["freight_prod.shipments.edi_214_status"], sources=["freight_prod.landing.edi_214_raw"]),
    Job("hos_eld_logs_ingest", WS_PLAT, "0 15 * * * ?", "UTC", _every(60, 15), 6,
        targets=["freight_prod.telematics.eld_hos_logs"], sources=["freight_prod.landing.eld_raw"]),
    Job("daily_shipment_snapshot", WS_PLAT, "0 0 1 * * ?", CHI, _daily(1, 0), 25,
        targets=["freight_prod.shipments.daily_snapshot"],
        sources=["freight_prod.shipments.shipments_gold", "freight_prod.shipments.loads"]),
    Job("yard_gate_events", WS_PLAT, "0 0/30 * * * ?", "UTC", _every(30, 0), 4,
        targets=["freight_prod.network.yard_gate_events"], sources=["freight_prod.landing.yard_gate_raw"]),
    Job("shipment_events_silver", WS_PLAT, "0 40 * * * ?", "UTC", _every(60, 40), 9,
        targets=["freight_prod.shipments.shipment_events_silver"], sources=["freight_prod.landing.edi_214_raw",
                                                                             "freight_prod.shipments.loads"]),
    Job("customer_360_build", WS_PLAT, "0 0 3 * * ?", CHI, _daily(3, 0), 30,
        targets=["freight_prod.customers.customer_360"],
        sources=["freight_prod.customers.shipper_accounts", "freight_prod.customers.contacts"]),
    Job("tms_v1_nightly_export", WS_PLAT, "0 0 2 * * ?", CHI, _daily(2, 0), 22,
        targets=["freight_prod.legacy.tms_v1_export"], sources=["freight_prod.legacy.tms_v1_loads"],
        created=date(2023, 6, 1)),
    Job("weather_feed_pull", WS_PLAT, "0 50 * * * ?", "UTC", _every(60, 50), 3, fail_rate=0.15,
        targets=["ml_prod.features.weather_features"], sources=[]),
    Job("reefer_temp_alerts", WS_PLAT, "0 10/30 * * * ?", "UTC", _every(30, 10), 5,
        targets=[], sources=["freight_prod.telematics.reefer_readings"]),
    Job("port_congestion_scraper", WS_PLAT, "0 10 0/4 * * ?", "UTC", _every(240, 10), 14,
        targets=["freight_prod.network.port_congestion"], sources=["freight_prod.landing.port_feeds_raw"]),
    Job("cold_chain_alert_digest", WS_PLAT, "0 0 5 * * ?", "UTC", _daily(5, 0), 6,
        targets=[], sources=["freight_prod.telematics.reefer_readings"]),
    Job("customs_docs_parse", WS_PLAT, "0 25 * * * ?", AMS, _every(60, 25), 8,
        targets=["ops_analytics.customs.customs_docs_parsed"], sources=["freight_prod.landing.customs_docs_raw"]),
    Job("fuel_card_txn_load", WS_PLAT, "0 30 0/2 * * ?", "UTC", _every(120, 30), 10,
        targets=["finance_prod.ap.fuel_card_txn"], sources=["freight_prod.landing.fuel_card_raw"]),
    Job("fleet_maintenance_weekly", WS_PLAT, "0 0 3 ? * SUN", CHI, _daily(3, 0, {6}), 40,
        targets=["freight_prod.fleet.maintenance_orders"], sources=["freight_prod.telematics.fault_codes"]),
    Job("carrier_compliance_weekly", WS_PLAT, "0 0 6 ? * TUE", CHI, _daily(6, 0, {1}), 28,
        targets=["freight_prod.fleet.carrier_compliance_weekly"], sources=["freight_prod.fleet.inspections"]),
    Job("truck_health_rollup", WS_PLAT, "0 0 0/2 * * ?", "UTC", _every(120, 0), 15, cv=0.12,
        targets=["freight_prod.telematics.truck_health"], sources=["freight_prod.telematics.fault_codes"]),
    Job("shipments_gold_build", WS_PLAT, "0 30 4 * * ?", CHI, _daily(4, 30), 50,
        targets=["freight_prod.shipments.shipments_gold"],
        sources=["freight_prod.shipments.shipment_events_silver", "freight_prod.shipments.stops"]),
    # --- mf-ops-analytics
    Job("dispatch_kpi_daily", WS_OPS, "0 30 2 * * ?", CHI, _daily(2, 30), 35,
        targets=["ops_analytics.kpi.dispatch_kpi_daily"], sources=["freight_prod.shipments.shipments_gold"]),
    Job("carrier_rate_refresh", WS_OPS, "0 0 1/4 * * ?", "UTC", _every(240, 60), 18,
        targets=["ops_analytics.pricing.carrier_rate_index"], sources=["freight_prod.network.carrier_rates"]),
    Job("route_optimizer_batch", WS_OPS, "0 0 5 * * ?", CHI, _daily(5, 0), 38, cv=0.4,
        targets=["ops_analytics.pricing.route_plans"], sources=["freight_prod.network.lanes"]),
    Job("warehouse_inventory_sync", WS_OPS, "0 45 0/3 * * ?", "UTC", _every(180, 45), 16, cv=0.05,
        targets=["ops_analytics.kpi.warehouse_inventory"], sources=["freight_prod.network.docks"]),
    Job("q2_rate_study_refresh", WS_OPS, "0 0 7 * * ?", CHI, _daily(7, 0), 20,
        targets=["ops_analytics.pricing.q2_rate_study"], sources=["ops_analytics.pricing.lane_rate_quotes"],
        created=date(2025, 4, 2)),
    Job("lane_profitability", WS_OPS, "0 0 7 * * ?", CHI, _daily(7, 0), 24,
        targets=["ops_analytics.finance.lane_profitability"], sources=["freight_prod.shipments.shipments_gold"]),
    Job("broker_claims_upload", WS_OPS, None, "UTC", None, 6,
        targets=["ops_analytics.claims.broker_claims"], sources=[]),
    Job("carrier_scorecard_v1", WS_OPS, "0 0 8 * * ?", CHI, _daily(8, 0), 15,
        targets=["ops_analytics.kpi.empty_miles"], sources=["freight_prod.network.carrier_rates"]),
    Job("customs_filing_sync", WS_OPS, "0 0 0/6 * * ?", AMS, _every(360, 0), 11,
        targets=["ops_analytics.customs.customs_filings"], sources=["ops_analytics.customs.hs_code_assignments"]),
    Job("on_time_delivery_kpi", WS_OPS, "0 15 0/2 * * ?", "UTC", _every(120, 15), 9,
        targets=["ops_analytics.kpi.on_time_delivery"], sources=["freight_prod.shipments.stops"]),
    Job("carrier_invoice_match", WS_OPS, "0 0 0/4 * * ?", "UTC", _every(240, 0), 12,
        targets=[], sources=["finance_prod.ap.carrier_settlements", "freight_prod.shipments.bills_of_lading"]),
    # --- mf-ml
    Job("eta_feature_build", WS_ML, "0 0 6 * * ?", "UTC", _daily(6, 0), 45,
        targets=["ml_prod.eta.training_set"], sources=["freight_prod.telematics.gps_pings_silver"]),
    Job("lane_feature_refresh", WS_ML, "0 0 5 * * ?", "UTC", _daily(5, 0), 30,
        targets=["ml_prod.features.lane_eta_features", "ml_prod.features.lane_dwell_stats"],
        sources=["freight_prod.network.lanes", "freight_prod.shipments.stops"]),
    Job("ltl_pricing_model_score", WS_ML, "0 30 9 * * ?", "UTC", _daily(9, 30), 20,
        targets=["ml_prod.pricing.ltl_price_scores"], sources=["ml_prod.pricing.quote_features"],
        created=date(2025, 8, 28)),
    Job("fraud_feature_daily", WS_ML, "0 0 4 * * ?", "UTC", _daily(4, 0), 26,
        targets=["ml_prod.fraud.carrier_risk_scores"], sources=["ml_prod.features.carrier_features"]),
    # --- mf-finance
    Job("invoice_export_sap", WS_FIN, "0 0 5 * * ?", CHI, _daily(5, 0), 14,
        targets=[], sources=["finance_prod.ar.invoices"]),
    Job("driver_payroll_prep", WS_FIN, "0 0 6 ? * MON-FRI", CHI, _daily(6, 0, WEEKDAYS), 32,
        targets=[], sources=["freight_prod.telematics.eld_hos_logs", "finance_prod.payroll.deductions"]),
    Job("ar_aging_snapshot", WS_FIN, "0 30 3 * * ?", CHI, _daily(3, 30), 20, cv=0.06,
        targets=["finance_prod.ar.ar_aging"], sources=["finance_prod.ar.invoices", "finance_prod.ar.payments_received"]),
    Job("ap_vendor_payments", WS_FIN, "0 0 6 ? * MON-FRI", CHI, _daily(6, 0, WEEKDAYS), 18,
        targets=["finance_prod.ap.vendor_payment_batches"], sources=["finance_prod.ap.vendor_invoices"]),
    Job("gl_month_end_close", WS_FIN, "0 0 4 1 * ?", CHI, _daily(4, 0, dom=1), 150,
        targets=["finance_prod.gl.month_end_balances"], sources=[]),
    Job("fx_rates_daily", WS_FIN, "0 0 23 * * ?", "UTC", _daily(23, 0), 3,
        targets=["finance_prod.gl.fx_rates"], sources=[]),
]
JOB_BY_NAME = {j.name: j for j in JOBS}
_jr = _rng("jobids")
for _j in JOBS:
    _j.job_id = str(_jr.randint(100_000_000_000_000, 999_999_999_999_999))
JOB_IDS_BY_WS: dict[str, list[str]] = {}
for _j in JOBS:
    JOB_IDS_BY_WS.setdefault(_j.ws, []).append(_j.job_id)

# gl_month_end_close runs as its own principal and reads the finance ledger.
CLOSE_READS = _schema_tables("finance_prod.gl", "finance_prod.ar", "finance_prod.ap") + \
    ["finance_prod.payroll.driver_pay_stubs", "finance_prod.payroll.deductions", "freight_prod.shipments.shipments_gold",
     "freight_prod.shipments.accessorials", "ops_analytics.finance.customer_margin",
     "freight_prod.customers.contracts", "freight_prod.customers.rate_agreements", "ml_prod.fraud.carrier_risk_scores",
     "freight_prod.shipments.bills_of_lading", "finance_prod.payroll.tax_withholding"]


def _jid(name: str) -> str:
    return JOB_BY_NAME[name].job_id


def _tz_utc(d: date, hh: int, mm: int, tz: str) -> datetime:
    local = datetime.combine(d, time(hh, mm), tzinfo=ZoneInfo(tz))
    return local.astimezone(UTC)


@dataclass
class Run:
    start: datetime
    minutes: float
    result: str = "SUCCEEDED"
    code: str = "SUCCESS"
    trigger: str = "CRON"
    params: dict | None = None
    writes: list | None = None    # None: the job's targets (on success)


def _schedule_runs(j: Job) -> list[Run]:
    r = _rng("runs", j.name)
    runs: list[Run] = []
    if j.times is None:
        return runs
    lo, hi = _dt(START) , AS_OF
    for d in [START - timedelta(days=1)] + DAYS + [DAY + timedelta(days=1)]:
        for hh, mm in j.times(d):
            st = _tz_utc(d, hh, mm, j.tz) + timedelta(seconds=r.randint(3, 50))
            if not (lo <= st < hi) or st.date() < j.created:
                continue
            mins = j.dur * max(0.3, r.lognormvariate(0, j.cv))
            if r.random() < j.fail_rate:
                runs.append(Run(st, mins * r.uniform(0.2, 0.8), "FAILED", "RUN_EXECUTION_ERROR"))
            else:
                runs.append(Run(st, mins))
    return runs


def _on_day(run: Run) -> bool:
    return run.start.date() == DAY


def _adjust_runs(j: Job, runs: list[Run]) -> list[Run]:
    """Story lines: incidents and decoys on top of the ordinary schedule."""
    n = j.name
    r = _rng("adjust", n)
    if n == "telematics_gps_ingest_hourly":
        for x in runs:
            if _on_day(x) and x.start.hour >= 10:
                x.minutes = j.dur * r.uniform(2.05, 2.35)
    elif n == "dispatch_kpi_daily":
        for x in runs:
            if _on_day(x):
                x.minutes = 110
    elif n == "carrier_rate_refresh":
        for x in runs:
            if _on_day(x):
                x.minutes = j.dur * r.uniform(1.8, 2.0)
    elif n == "customs_docs_parse":
        for x in runs:
            if _on_day(x):
                x.minutes = r.uniform(37, 43)
    elif n == "ar_aging_snapshot":
        for x in runs:
            local = x.start.astimezone(ZoneInfo(CHI)).date()
            if local.day == 1:
                x.minutes = r.uniform(62, 68)
    elif n == "route_optimizer_batch":
        for x in runs:
            x.minutes = min(max(x.minutes, 20), 70)
            if _on_day(x):
                x.minutes = 62
        for k in (5, 17, 33, 48):
            runs[k].minutes = r.uniform(63, 70)
    elif n == "ltl_pricing_model_score":
        for x in runs:
            x.minutes = r.uniform(18, 22)
            if _on_day(x):
                x.minutes = 32
    elif n == "shipment_events_silver":
        runs.append(Run(_dt(DAY, 13, 2, 11), 243, trigger="ONETIME",
                        params={"start_date": "2025-06-01", "end_date": "2025-08-31", "mode": "backfill"}))
    elif n == "edi_214_status_ingest":
        for x in runs:
            if _on_day(x) and x.start.hour >= 15:
                x.result, x.code, x.minutes = "FAILED", "RUN_EXECUTION_ERROR", r.uniform(1.5, 3)
            elif x.result == "FAILED" and x.start.date() >= DAY - timedelta(days=1):
                x.result, x.code = "SUCCEEDED", "SUCCESS"
    elif n == "port_congestion_scraper":
        for x in runs:
            if _on_day(x) and x.start.hour >= 8:
                x.result, x.code, x.minutes = "FAILED", "STORAGE_ACCESS_ERROR", r.uniform(2, 4)
            elif x.result == "FAILED" and _on_day(x):
                x.result, x.code = "SUCCEEDED", "SUCCESS"
    elif n == "invoice_export_sap":
        for x in runs[-2:]:
            x.result, x.code, x.minutes = "FAILED", "RUN_EXECUTION_ERROR", r.uniform(3, 6)
        for x in runs[-6:-2]:
            x.result, x.code = "SUCCEEDED", "SUCCESS"
    elif n == "driver_payroll_prep":
        for x in runs[-2:]:
            x.result, x.code, x.minutes = "FAILED", "DRIVER_ERROR", r.uniform(4, 9)
        for x in runs[-5:-2]:
            x.result, x.code = "SUCCEEDED", "SUCCESS"
    elif n == "hos_eld_logs_ingest":
        runs = [x for x in runs if not (_on_day(x) and x.start.hour > 6)]
        for x in runs[-24:]:
            x.result, x.code = "SUCCEEDED", "SUCCESS"
    elif n == "daily_shipment_snapshot":
        runs = [x for x in runs if not _on_day(x)]
    elif n == "yard_gate_events":
        runs = [x for x in runs if not (_on_day(x) and x.start >= _dt(DAY, 20, 31))]
        for x in runs[-12:]:
            x.result, x.code = "SUCCEEDED", "SUCCESS"
    elif n == "carrier_invoice_match":
        runs = [x for x in runs if not (_on_day(x) and x.start.hour > 8)]
    elif n == "cold_chain_alert_digest":
        runs = [x for x in runs if x.start.date() < DAY - timedelta(days=1)]
        for x in runs[-3:]:
            x.result, x.code = "SUCCEEDED", "SUCCESS"
    elif n == "weather_feed_pull":
        x = runs[-1]
        x.result, x.code = "SUCCEEDED", "SUCCESS"
        day_runs = [x for x in runs if _on_day(x)]
        for k, x in enumerate(day_runs[:-1]):
            if day_runs[k + 1].result == "FAILED" and x.result == "FAILED":
                x.result, x.code = "SUCCEEDED", "SUCCESS"
        day_runs[14].result, day_runs[14].code, day_runs[14].minutes = "FAILED", "RUN_EXECUTION_ERROR", 1.2
        day_runs[15].result, day_runs[15].code = "SUCCEEDED", "SUCCESS"
    elif n == "customs_filing_sync":
        for x in runs:
            if x.result == "FAILED" and x.start.date() >= DAY - timedelta(days=3):
                x.result, x.code = "SUCCEEDED", "SUCCESS"
        last = runs[-1]
        last.result, last.code, last.minutes = "FAILED", "CLOUD_FAILURE", 3.5
        runs.append(Run(last.start + timedelta(minutes=20), 11.5, trigger="ONETIME_RETRY"))
        prev = runs[-3]
        prev.result, prev.code, prev.minutes = "FAILED", "CLOUD_FAILURE", 2.8
        runs.insert(len(runs) - 2, Run(prev.start + timedelta(minutes=15), 10.9, trigger="ONETIME_RETRY"))
    elif n == "tms_v1_nightly_export":
        runs = [x for x in runs if x.start.date() <= date(2025, 8, 22)]
        for x in runs[-3:]:
            x.result, x.code, x.minutes = "FAILED", "RESOURCE_NOT_FOUND", r.uniform(1, 3)
    elif n == "carrier_scorecard_v1":
        runs = [x for x in runs if x.start.date() <= date(2025, 8, 14)]
        for x in runs[-4:]:
            x.result, x.code, x.minutes = "FAILED", "RUN_EXECUTION_ERROR", r.uniform(2, 4)
    elif n == "fuel_card_txn_load":
        for x in runs[-6:]:
            x.result, x.code = "SUCCEEDED", "SUCCESS"
        runs[-1].result, runs[-1].code, runs[-1].minutes = "FAILED", "RUN_EXECUTION_ERROR", 2.5
    elif n == "q2_rate_study_refresh":
        runs = [x for x in runs if x.start < datetime(2025, 8, 18, 15, tzinfo=UTC)]
    elif n == "lane_profitability":
        cut = datetime(2025, 8, 27, 0, tzinfo=UTC)
        runs = [x for x in runs if x.start < cut or
                (x.start.astimezone(ZoneInfo(CHI)).weekday() == 2)]
    elif n == "broker_claims_upload":
        t = _dt(START, 14, 12)
        while t < _dt(DAY - timedelta(days=2)):
            runs.append(Run(t, r.uniform(4, 8), trigger="FILE_ARRIVAL"))
            t += timedelta(days=r.choice([1, 1, 2, 2, 3, 4, 5]), minutes=r.randint(-200, 200))
        runs.append(Run(_dt(date(2025, 8, 29), 16, 41), 6.2, trigger="FILE_ARRIVAL"))
    elif n == "customer_360_build":
        for x in runs:
            if x.start.date() >= date(2025, 8, 26):
                x.writes = ["freight_prod.customers.customer_profile"]
    elif n == "lane_feature_refresh":
        for x in runs:
            if x.start.date() >= date(2025, 8, 30):
                x.writes = ["ml_prod.features.lane_dwell_stats"]
    elif n == "ap_vendor_payments":
        for x in runs:
            local = x.start.astimezone(ZoneInfo(CHI)).date()
            if local in US_HOLIDAYS:
                x.minutes, x.writes = 0.9, []
    # keep every story's recent window clean of random failures it does not tell
    if n in {"telematics_gps_ingest_hourly", "dispatch_kpi_daily", "carrier_rate_refresh", "eta_feature_build",
             "customs_docs_parse", "lane_feature_refresh", "daily_shipment_snapshot", "carrier_invoice_match",
             "shipment_events_silver", "ar_aging_snapshot", "ltl_pricing_model_score",
             "warehouse_inventory_sync", "route_optimizer_batch"}:
        for x in runs:
            if x.result == "FAILED" and x.start.date() >= DAY - timedelta(days=2):
                x.result, x.code = "SUCCEEDED", "SUCCESS"
    # ordinary jobs must not end on an accidental failure
    if runs and runs[-1].result == "FAILED" and n not in {
            "edi_214_status_ingest", "port_congestion_scraper", "invoice_export_sap",
            "driver_payroll_prep", "tms_v1_nightly_export", "carrier_scorecard_v1", "fuel_card_txn_load"}:
        runs[-1].result, runs[-1].code = "SUCCEEDED", "SUCCESS"
    return runs


_JOB_CHANGES = {
    "q2_rate_study_refresh": [(datetime(2025, 8, 18, 15, 4, tzinfo=UTC), {"paused": True})],
    "carrier_scorecard_v1": [(datetime(2025, 8, 14, 16, 30, tzinfo=UTC), {"paused": True})],
    "tms_v1_nightly_export": [(datetime(2025, 8, 22, 18, 2, tzinfo=UTC), {"delete": True})],
    "lane_profitability": [(datetime(2025, 8, 26, 21, 40, tzinfo=UTC), {"cron": "0 0 7 ? * WED"})],
    "customer_360_build": [(datetime(2025, 8, 25, 22, 15, tzinfo=UTC), {"description": "Builds customer_profile "
                                                                          "(replaces customer_360)"})],
}

OWNERS = {WS_PLAT: _u("r.mbeki"), WS_OPS: _u("k.sorensen"), WS_ML: _u("h.ibrahim"), WS_FIN: _u("p.delgado")}


def _job_rows() -> list[dict]:
    rows = []
    for j in JOBS:
        run_as = _u("svc-close-recon") if j.name == "gl_month_end_close" else RUN_AS[j.ws]
        created = datetime.combine(j.created, time(15, 22), tzinfo=UTC)
        state = {"cron": j.cron, "paused": False, "delete": False,
                 "description": f"{j.name.replace('_', ' ')} ({'team ' + COST_CENTER[j.ws][8:]})"}
        versions = [(created, dict(state))]
        for when, ch in _JOB_CHANGES.get(j.name, []):
            state.update(ch)
            versions.append((when, dict(state)))
        for when, st in versions:
            if j.cron is None:
                trig = {"file_arrival": {"url": f"s3://mf-landing-prod/claims/{j.name}/",
                                         "min_time_between_triggers_seconds": 60,
                                         "wait_after_last_change_seconds": 120}}
                ttype = "FILE_ARRIVAL"
            else:
                trig = {"schedule": {"quartz_cron_expression": st["cron"], "timezone_id": j.tz}}
                ttype = "CRON"
            rows.append({
                "account_id": ACCOUNT_ID, "workspace_id": j.ws, "job_id": j.job_id, "name": j.name,
                "creator_id": "5512" + j.job_id[:8], "tags": {"team": COST_CENTER[j.ws][8:], "tier": "prod"},
                "run_as": run_as, "change_time": when, "delete_time": when if st["delete"] else None,
                "description": st["description"], "trigger": trig, "trigger_type": ttype,
                "run_as_user_name": run_as, "creator_user_name": OWNERS[j.ws], "paused": st["paused"],
                "timeout_seconds": 14400, "health_rules": None,
                "deployment": {"kind": "BUNDLE", "metadata_file_path": f"/Workspace/bundles/{j.name}/databricks.yml"},
                "create_time": created,
            })
    return rows


def _runs_and_lineage() -> tuple[list[dict], list[dict]]:
    timeline, lineage = [], []
    for j in JOBS:
        runs = _adjust_runs(j, _schedule_runs(j))
        runs.sort(key=lambda x: x.start)
        r = _rng("tl", j.name)
        run_as = _u("svc-close-recon") if j.name == "gl_month_end_close" else RUN_AS[j.ws]
        for x in runs:
            run_id = str(r.randint(10**14, 10**15 - 1))
            end = x.start + timedelta(minutes=x.minutes)
            cluster = f"{x.start:%m%d}-{r.randint(100000, 999999)}-{j.name[:6]}"
            done = end <= AS_OF
            slices = []
            t = x.start
            while t < min(end, AS_OF):
                slices.append((t, min(t + timedelta(hours=1), end, AS_OF)))
                t += timedelta(hours=1)
            total = int(round(x.minutes * 60))
            setup = min(90, total // 6)
            for k, (a, b) in enumerate(slices):
                final = done and k == len(slices) - 1
                ttype = None
                if final:
                    ttype = {"SUCCESS": "SUCCESS", "CLOUD_FAILURE": "CLOUD_FAILURE",
                             "DRIVER_ERROR": "CLIENT_ERROR"}.get(x.code, "CLIENT_ERROR")
                timeline.append({
                    "account_id": ACCOUNT_ID, "workspace_id": j.ws, "job_id": j.job_id, "run_id": run_id,
                    "period_start_time": a, "period_end_time": b, "trigger_type": x.trigger,
                    "result_state": x.result if final else None, "run_type": "JOB_RUN", "run_name": j.name,
                    "compute_ids": [cluster], "termination_code": x.code if final else None,
                    "job_parameters": {k2: {"value": v} for k2, v in (x.params or {}).items()} or None,
                    "source_task_run_id": None, "root_task_run_id": None,
                    "compute": [{"type": "JOBS_COMPUTE", "cluster_id": cluster, "warehouse_id": None}],
                    "termination_type": ttype,
                    "setup_duration_seconds": setup if final else None,
                    "queue_duration_seconds": 0 if final else None,
                    "run_duration_seconds": total if final else None,
                    "cleanup_duration_seconds": 5 if final else None,
                    "execution_duration_seconds": max(0, total - setup - 5) if final else None,
                })
            if not done:
                continue
            # lineage: reads at start, writes near the end (successful runs only)
            sources = CLOSE_READS if j.name == "gl_month_end_close" else j.sources
            writes = (x.writes if x.writes is not None else j.targets) if x.result == "SUCCEEDED" else []
            ev = x.start + timedelta(minutes=min(2, x.minutes / 3))
            for src in sources:
                lineage.append(_lin(j.ws, "JOB", j.job_id, run_id, src, None, run_as, ev, r))
            for tgt in writes:
                wt = end - timedelta(seconds=min(60, total // 4))
                if sources:
                    for src in sources[:3]:
                        lineage.append(_lin(j.ws, "JOB", j.job_id, run_id, src, tgt, run_as, wt, r))
                else:
                    lineage.append(_lin(j.ws, "JOB", j.job_id, run_id, None, tgt, run_as, wt, r,
                                        src_path=f"s3://mf-landing-prod/{j.name}/"))
    return timeline, lineage


def _lin(ws, etype, eid, erun, src, tgt, who, when, r, src_path=None) -> dict:
    def parts(n):
        return n.split(".") if n else [None, None, None]
    sc, ss, sn = parts(src)
    tc, ts, tn = parts(tgt)
    meta = {"job_info": {"job_id": eid, "job_run_id": erun}} if etype == "JOB" else (
        {"notebook_id": eid} if etype == "NOTEBOOK" else {"sql_query_id": eid})
    return {
        "account_id": ACCOUNT_ID, "metastore_id": METASTORE_ID, "workspace_id": ws,
        "entity_type": etype, "entity_id": eid, "entity_run_id": erun,
        "source_table_full_name": src, "source_table_catalog": sc, "source_table_schema": ss,
        "source_table_name": sn, "source_path": src_path, "source_type": "TABLE" if src else ("PATH" if src_path else None),
        "target_table_full_name": tgt, "target_table_catalog": tc, "target_table_schema": ts,
        "target_table_name": tn, "target_path": None, "target_type": "TABLE" if tgt else None,
        "created_by": who, "event_time": when, "event_date": when.date(),
        "record_id": _uuid(r), "event_id": _uuid(r), "statement_id": _uuid(r) if etype != "JOB" else None,
        "entity_metadata": meta, "direct_access": True,
    }


INCIDENTS |= {("performance", "job_duration_regression", _jid(n)) for n in
              ["telematics_gps_ingest_hourly", "dispatch_kpi_daily", "carrier_rate_refresh", "customs_docs_parse"]}
DECOYS |= {("performance", "job_duration_regression", _jid(n)) for n in
           ["ar_aging_snapshot", "route_optimizer_batch", "ltl_pricing_model_score",
            "shipment_events_silver"]}
INCIDENTS |= {("reliability", "failure_streak", _jid(n)) for n in
              ["edi_214_status_ingest", "port_congestion_scraper", "invoice_export_sap",
               "driver_payroll_prep"]}
DECOYS |= {("reliability", "failure_streak", _jid(n)) for n in
           ["weather_feed_pull", "customs_filing_sync", "tms_v1_nightly_export", "carrier_scorecard_v1",
            "fuel_card_txn_load"]}
INCIDENTS |= {("reliability", "job_not_running", _jid(n)) for n in
              ["hos_eld_logs_ingest", "daily_shipment_snapshot", "yard_gate_events", "carrier_invoice_match",
               "cold_chain_alert_digest"]}
DECOYS |= {("reliability", "job_not_running", _jid(n)) for n in
           ["q2_rate_study_refresh", "tms_v1_nightly_export", "lane_profitability", "carrier_compliance_weekly",
            "broker_claims_upload", "carrier_scorecard_v1"]}
INCIDENTS |= {("data_quality", "stale_table", t) for t in
              ["freight_prod.telematics.eld_hos_logs", "freight_prod.shipments.daily_snapshot",
               "freight_prod.shipments.edi_214_status", "freight_prod.network.port_congestion",
               "freight_prod.network.yard_gate_events", "ml_prod.features.lane_eta_features"]}
DECOYS |= {("data_quality", "stale_table", t) for t in
           ["ops_analytics.pricing.q2_rate_study", "freight_prod.legacy.tms_v1_export",
            "freight_prod.customers.customer_360", "ops_analytics.finance.lane_profitability",
            "freight_prod.fleet.carrier_compliance_weekly", "finance_prod.ap.vendor_payment_batches",
            "ops_analytics.claims.broker_claims", "ops_analytics.kpi.empty_miles"]}

# ----------------------------------------------------------------------------------------------
# Human / service reads (lineage + audit getTable)
# ----------------------------------------------------------------------------------------------

@dataclass
class Reader:
    who: str
    ws: str
    home: list
    mean: float                 # distinct tables per normal weekday
    weekend: float = 0.2
    holiday: float | None = None
    ip: str = "12.166.84.10"
    entity: str = "NOTEBOOK"
    start: date = START
    daily_fixed: bool = False   # reads all of home every active day
    day_tables: list | None = None   # exact set read on the monitored day
    days_only: object = None    # callable(d) -> bool, active days


def _pick(key, pool, k):
    r = _rng("pick", key)
    pool = sorted(set(pool))
    return r.sample(pool, min(k, len(pool)))


_SHIP = _schema_tables("freight_prod.shipments")
_NET = _schema_tables("freight_prod.network")
_KPI = _schema_tables("ops_analytics.kpi", "ops_analytics.pricing")
_FIN = _schema_tables("finance_prod.ar", "finance_prod.ap", "finance_prod.gl")
_ML = _schema_tables("ml_prod.features", "ml_prod.eta", "ml_prod.fraud", "ml_prod.pricing")
_CUST = _schema_tables("freight_prod.customers")
_TEL = _schema_tables("freight_prod.telematics")
_CUSTOMS = _schema_tables("ops_analytics.customs")

_kow_home = _pick("kow", _SHIP, 6)
_oka_home = _pick("oka", _KPI + _NET, 11)
_fis_home = _pick("fis", _CUSTOMS + _NET + _SHIP, 13)
_portal_home = ["freight_prod.shipments.edi_214_status", "freight_prod.shipments.proof_of_delivery",
                "freight_prod.shipments.appointments"]
_nguyen_home = _pick("ngu", _TEL + _ML, 18)
_patel_home = _pick("pat", _KPI + _SHIP + _NET + _schema_tables("ops_analytics.finance"), 35)
_osei_home = ["ops_analytics.kpi.on_time_delivery", "ops_analytics.kpi.dwell_time"]
_dbt_home = _pick("dbt", _SHIP + _NET + _TEL + _KPI + _schema_tables("freight_prod.fleet"), 60)
_scan_home = _pick("scan", ALL_TABLES, 110)


def _day_set(key, home, n_known, new_pool, n_new):
    known = _pick(key + "k", home, n_known)
    fresh = _pick(key + "n", [t for t in new_pool if t not in home], n_new)
    return known + fresh


READERS = [
    # incidents
    Reader(_u("d.kowalski"), WS_OPS, _kow_home, 4, 0.0, 0.0, ip="73.158.44.201",
           day_tables=_day_set("kow", _kow_home, 4, ALL_TABLES, 91)),
    Reader(_u("j.okafor"), WS_OPS, _oka_home, 7, 0.1, 0.1,
           day_tables=_day_set("oka", _oka_home, 8, _FIN + _CUST + _schema_tables("finance_prod.payroll"), 22)),
    Reader(_u("svc-carrier-portal"), WS_PLAT, _portal_home, 3, 1.0, 1.0, ip="52.204.77.31", entity="DBSQL_QUERY",
           daily_fixed=True,
           day_tables=_portal_home + _pick("por", _schema_tables("finance_prod.ar") +
                                           ["freight_prod.customers.contracts", "freight_prod.customers.rate_agreements",
                                            "freight_prod.customers.credit_limits", "freight_prod.customers.contacts",
                                            "freight_prod.customers.shipper_accounts",
                                            "freight_prod.customers.consignee_addresses",
                                            "freight_prod.customers.portal_users"] +
                                           _schema_tables("finance_prod.ap"), 19)),
    Reader(_u("m.fischer"), WS_OPS, _fis_home, 8, 0.1, 1.0, ip="145.131.8.22",
           day_tables=_day_set("fis", _fis_home, 10, _FIN + _CUST + _ML, 14)),
    # decoys
    Reader(_u("t.nguyen"), WS_ML, _nguyen_home, 10, 0.1, 0.9, start=date(2025, 8, 27), ip="34.232.18.77",
           day_tables=_day_set("ngu", _nguyen_home, 9, _ML, 0)),
    Reader(_u("svc-dbt-prod"), WS_PLAT, _dbt_home, 60, 1.0, 1.0, ip="10.40.12.7", entity="DBSQL_QUERY",
           daily_fixed=True),
    Reader(_u("a.patel"), WS_OPS, _patel_home, 12, 0.15, 0.2,
           day_tables=_pick("patday", _patel_home, 21)),
    Reader(_u("svc-uc-catalog-scan"), WS_PLAT, _scan_home, 110, 1.0, 1.0, ip="10.40.12.9", entity="DBSQL_QUERY",
           daily_fixed=True, days_only=lambda d: d.weekday() == 0),
    Reader(_u("b.osei"), WS_OPS, _osei_home + ["ops_analytics.kpi.empty_miles", "ops_analytics.kpi.driver_utilization"],
           1, 0.0, 0.0, ip="100.36.12.9"),
]
# ordinary staff
_STAFF = [("s.whitfield", WS_OPS, _KPI), ("c.romero", WS_OPS, _SHIP + _NET), ("e.haddad", WS_ML, _ML + _TEL),
          ("n.brooks", WS_FIN, _FIN), ("g.tanaka", WS_ML, _ML), ("o.lindqvist", WS_OPS, _CUSTOMS + _NET),
          ("v.kumar", WS_PLAT, _SHIP + _TEL), ("l.chen", WS_FIN, _FIN), ("f.mensah", WS_OPS, _KPI + _CUST[:3]),
          ("w.zhang", WS_ML, _ML + _SHIP[:4]), ("y.petrova", WS_PLAT, _NET + _TEL), ("i.sullivan", WS_FIN, _FIN[:10])]
for _name, _ws, _pool in _STAFF:
    _home = _pick(_name, _pool, 12)
    READERS.append(Reader(_u(_name), _ws, _home, 5, 0.1, 0.15,
                          ip="145.131.8.22" if _name in ("o.lindqvist",) else "12.166.84.10"))



def _reads() -> tuple[list[dict], list[dict]]:
    lineage, audit = [], []
    for rd in READERS:
        for d in DAYS:
            if d < rd.start or (rd.days_only is not None and not rd.days_only(d)):
                continue
            r = _rng("read", rd.who, d)
            hol = rd.holiday if rd.holiday is not None else rd.weekend
            f = _human_factor(d, rd.weekend, hol)
            if d == DAY and rd.day_tables is not None:
                tables = list(rd.day_tables)
            elif rd.daily_fixed:
                tables = list(rd.home) if f > 0 else []
            elif rd.who == _u("a.patel"):
                k = int(r.choice([2, 4, 6, 8, 11, 14, 17, 21, 23, 25]) * (1 if f >= 1 else 0.2))
                tables = r.sample(rd.home, min(k, len(rd.home)))
            else:
                k = max(0, int(round(r.gauss(rd.mean, max(1.0, rd.mean * 0.25)) * f)))
                tables = r.sample(rd.home, min(k, len(rd.home)))
            if rd.who == _u("d.kowalski") and d == DAY:
                t0 = _dt(DAY, 2, 10)
                span = 110
            elif rd.entity == "DBSQL_QUERY":
                t0 = _dt(d, 7 if rd.who != _u("svc-carrier-portal") else 0)
                span = 120 if rd.who != _u("svc-carrier-portal") else 1380
            else:
                t0 = _dt(d, 8 if rd.ip == "145.131.8.22" else 14)
                span = 480
            for tb in tables:
                when = t0 + timedelta(minutes=r.uniform(0, span))
                eid = str(r.randint(10**15, 10**16 - 1))
                for _ in range(r.choice([1, 1, 2])):
                    lineage.append(_lin(rd.ws, rd.entity, eid, _uuid(r), tb, None, rd.who, when, r))
                audit.append(_audit(rd.ws, when, rd.ip, rd.who, "unityCatalog", "getTable",
                                    {"full_name_arg": tb, "workspace_id": rd.ws}, 200, r,
                                    ua="Databricks-Runtime/15.4.x-scala2.12"))
    return lineage, audit


# ----------------------------------------------------------------------------------------------
# Audit: logins
# ----------------------------------------------------------------------------------------------

def _audit(ws, when, ip, who, service, action, params, status, r, ua="Mozilla/5.0 (Windows NT 10.0; Win64; x64) "
           "AppleWebKit/537.36 (KHTML, like Gecko) Chrome/127.0 Safari/537.36", err=None) -> dict:
    return {
        "account_id": ACCOUNT_ID, "workspace_id": ws, "version": "2.0", "event_time": when,
        "event_date": when.date(), "source_ip_address": ip, "user_agent": ua, "session_id": None,
        "user_identity": {"email": who, "subject_name": None}, "service_name": service,
        "action_name": action, "request_id": _uuid(r), "request_params": params,
        "response": {"status_code": status, "error_message": err, "result": None},
        "audit_level": "ACCOUNT_LEVEL" if ws == "0" else "WORKSPACE_LEVEL", "event_id": _uuid(r),
        "identity_metadata": None,
    }


_HQ_USERS = [_u(n) for n in ["s.whitfield", "c.romero", "n.brooks", "l.chen", "f.mensah", "v.kumar", "y.petrova",
                             "i.sullivan", "a.patel", "b.osei", "j.okafor", "r.mbeki", "k.sorensen", "p.delgado",
                             "h.ibrahim", "e.haddad", "g.tanaka", "w.zhang", "d.moore", "t.rivera", "q.adams",
                             "m.santos", "z.greene", "u.hale"]]
_EU_USERS = [_u(n) for n in ["m.fischer", "o.lindqvist", "j.devries", "a.jansen", "l.bakker", "s.mulder"]]
_BAD = {401: "Invalid username or password", 403: "User is not a member of this workspace"}


def _login(ws, when, ip, who, ok, r, action="login", status=None, err=None, ua=None) -> dict:
    st = 200 if ok else (status or r.choice([401, 401, 401, 403]))
    return _audit(ws, when, ip, who, "accounts", action,
                  {"user": who, "authenticationMethod": "PASSWORD" if action == "login" else action}, st, r,
                  err=None if ok else (err or _BAD.get(st, "Authentication failed")),
                  **({"ua": ua} if ua else {}))


def _logins() -> list[dict]:
    out = []
    wss = [WS_PLAT, WS_OPS, WS_ML, WS_FIN]
    for d in DAYS:
        r = _rng("login", d)
        # HQ NAT (human, US business hours)
        n = int(160 * _human_factor(d, 0.12, 0.15))
        for _ in range(n):
            when = _dt(d, 13) + timedelta(minutes=r.uniform(0, 600))
            who = r.choice(_HQ_USERS)
            if r.random() < 0.03:
                out.append(_login(r.choice(wss), when, "12.166.84.10", who, False, r, "oidcBrowserLogin"))
            out.append(_login(r.choice(wss), when + timedelta(seconds=20), "12.166.84.10", who, True, r,
                              "oidcBrowserLogin"))
        # VPN egress, round the clock
        for _ in range(int(80 * _human_factor(d, 0.5, 0.55))):
            when = _dt(d) + timedelta(minutes=r.uniform(0, 1439))
            who = r.choice(_HQ_USERS)
            if r.random() < 0.04:
                out.append(_login(r.choice(wss), when, "34.232.18.77", who, False, r, "oidcBrowserLogin"))
            out.append(_login(r.choice(wss), when + timedelta(seconds=25), "34.232.18.77", who, True, r,
                              "oidcBrowserLogin"))
        # Rotterdam office (EU working days; US holidays do not apply)
        if not _weekend(d):
            for _ in range(60):
                when = _dt(d, 6) + timedelta(minutes=r.uniform(0, 600))
                who = r.choice(_EU_USERS)
                if r.random() < 0.05:
                    out.append(_login(WS_OPS, when, "145.131.8.22", who, False, r, "oidcBrowserLogin"))
                out.append(_login(WS_OPS, when + timedelta(seconds=30), "145.131.8.22", who, True, r,
                                  "oidcBrowserLogin"))
        # Chicago cross-dock (24/7 operations)
        for _ in range(30):
            when = _dt(d) + timedelta(minutes=r.uniform(0, 1439))
            out.append(_login(WS_OPS, when, "67.220.5.130", r.choice(_HQ_USERS[:8]), r.random() > 0.02, r,
                              "oidcBrowserLogin"))
        # CI runner: token logins every 30 minutes; monthly secret rotation on the 1st
        for k in range(48):
            when = _dt(d) + timedelta(minutes=30 * k, seconds=r.randint(0, 40))
            out.append(_login(WS_PLAT, when, "3.91.204.15", _u("svc-ci-deploy"), True, r, "tokenLogin",
                              ua="databricks-cli/0.221.1 go/1.22"))
        if d.day == 1:
            t = _dt(d, 14, 0, 12)
            for k in range(9):
                out.append(_login(WS_PLAT, t + timedelta(seconds=25 * k), "3.91.204.15", _u("svc-ci-deploy"),
                                  False, r, "tokenLogin", status=401, err="Invalid access token",
                                  ua="databricks-cli/0.221.1 go/1.22"))
        # contractor home IP: a few clean logins on weekdays
        if not _weekend(d) and d not in US_HOLIDAYS:
            for _ in range(r.randint(1, 3)):
                out.append(_login(WS_OPS, _dt(d, 14) + timedelta(minutes=r.uniform(0, 400)), "73.158.44.201",
                                  _u("d.kowalski"), True, r, "oidcBrowserLogin"))
        # b.osei home IP
        if not _weekend(d) and r.random() < 0.6:
            out.append(_login(WS_OPS, _dt(d, 23) + timedelta(minutes=r.uniform(0, 50)), "100.36.12.9",
                              _u("b.osei"), True, r))
        # residential / hotel IPs with rare single failures
        for _ in range(6):
            ip = f"{r.choice([24, 68, 71, 98, 108, 172])}.{r.randint(1, 254)}.{r.randint(1, 254)}.{r.randint(1, 254)}"
            who = r.choice(_HQ_USERS)
            when = _dt(d) + timedelta(minutes=r.uniform(0, 1439))
            if r.random() < 0.2:
                out.append(_login(r.choice(wss), when, ip, who, False, r))
            out.append(_login(r.choice(wss), when + timedelta(seconds=40), ip, who, True, r))

    r = _rng("login-story")
    # --- incidents on the monitored day
    t = _dt(DAY, 3, 41)
    sprayed = [f"{n}@{DOMAIN}" for n in ["admin", "it", "dispatch", "billing", "hr", "ops", "support", "test"]] + \
        _HQ_USERS + [f"{a}.{b}@{DOMAIN}" for a in "abcdefghjklmnprstw" for b in ["smith", "jones", "lee", "brown", "garcia"]]
    for k in range(240):
        out.append(_login("0", t + timedelta(seconds=k * 6.2 + r.uniform(0, 3)), "185.220.101.47",
                          sprayed[k % 122], False, r, status=401,
                          ua="python-requests/2.31.0"))
    t = _dt(DAY, 9, 12)
    for k in range(60):
        out.append(_login(WS_PLAT, t + timedelta(seconds=k * 10 + r.uniform(0, 4)), "45.134.26.118",
                          r.choice(_HQ_USERS + [_u("svc-etl-prod"), _u("svc-ci-deploy")]), False, r, "tokenLogin",
                          status=401, err="Invalid access token", ua="curl/8.4.0"))
    t = _dt(DAY, 1, 52)
    for k in range(22):
        out.append(_login(WS_OPS, t + timedelta(seconds=k * 21 + r.uniform(0, 5)), "73.158.44.201",
                          _u("d.kowalski"), False, r, "oidcBrowserLogin", status=401))
    out.append(_login(WS_OPS, t + timedelta(minutes=8, seconds=30), "73.158.44.201", _u("d.kowalski"), True, r,
                      "oidcBrowserLogin"))
    t = _dt(DAY, 11, 5)
    targets = [_u("p.delgado"), _u("n.brooks"), _u("i.sullivan")]
    for k in range(18):
        out.append(_login("0", t + timedelta(seconds=k * 135 + r.uniform(0, 30)), "103.77.192.12",
                          targets[k % 3], False, r, status=401))
    # --- decoys on the monitored day
    t = _dt(DAY, 14, 10)
    for k in range(30):
        out.append(_login(WS_OPS, t + timedelta(seconds=k * 24), "67.220.5.130", r.choice(_HQ_USERS[:8]), False, r,
                          "oidcBrowserLogin", status=r.choice([502, 503, 503]),
                          err="Identity provider temporarily unavailable"))
    t = _dt(DAY, 15, 30)
    for k in range(4):  # someone back from vacation, on the HQ NAT
        out.append(_login(WS_FIN, t + timedelta(seconds=80 * k), "12.166.84.10", _u("l.chen"), False, r,
                          "oidcBrowserLogin", status=401))
    return out


# ----------------------------------------------------------------------------------------------
# Serving
# ----------------------------------------------------------------------------------------------

@dataclass
class Endpoint:
    name: str
    ws: str
    base: float                     # requests per normal weekday
    hours: tuple = (0, 24)          # UTC active window
    weekend: float = 1.0
    holiday: float | None = None
    eu: bool = False                # follows EU, not US, holidays
    kind: str = "CUSTOM_MODEL"
    task: str | None = None
    created: date = date(2025, 2, 3)
    deleted: date | None = None
    cv: float = 0.08
    month_start: float = 1.0
    day_shape: object = None        # callable(hour_fraction) -> keep probability on the monitored day
    day_mult: float = 1.0
    model: str = ""


SCALE = 0.5
ENDPOINTS = [
    Endpoint("eta-predictor-prod", WS_ML, 900, weekend=0.8, holiday=0.85, day_mult=3.5, model="ml_prod.eta.eta_gbm"),
    Endpoint("route-anomaly-detector", WS_ML, 600, day_shape=lambda h: 1.0 if h < 2 else 0.25,
             model="ml_prod.telematics.route_anomaly_iforest"),
    Endpoint("reefer-failure-predict", WS_ML, 300, model="ml_prod.telematics.reefer_failure_xgb"),
    Endpoint("fraud-carrier-screen", WS_OPS, 400, (12, 24), 0.3, 0.3, day_mult=2.4 / 0.3,
             model="ml_prod.fraud.carrier_screen"),
    Endpoint("customs-hs-code-embed", WS_OPS, 500, (6, 16), 0.15, eu=True, kind="FOUNDATION_MODEL",
             task="llm/v1/embeddings", day_shape=lambda h: 1.0 if h < 9 else 0.0, model="system.ai.gte_large_en_v1_5"),
    Endpoint("dispatch-copilot", WS_OPS, 700, (12, 24), 0.25, 0.3, kind="FOUNDATION_MODEL", task="llm/v1/chat",
             model="system.ai.meta_llama_v3_3_70b_instruct"),
    Endpoint("lane-rate-quote", WS_ML, 800, (12, 24), 0.2, 0.25, model="ml_prod.pricing.lane_rate_lgbm"),
    Endpoint("load-match-recsys-v2", WS_ML, 320, (11, 24), 0.5, 0.8, created=date(2025, 8, 28),
             model="ml_prod.pricing.load_match_two_tower"),
    Endpoint("eta-predictor-staging", WS_ML, 150, weekend=0.3, deleted=date(2025, 8, 20),
             model="ml_prod.eta.eta_gbm"),
    Endpoint("sandbox-llama-eval", WS_ML, 4, (14, 22), 0.3, 0.3, kind="FOUNDATION_MODEL", task="llm/v1/chat",
             model="system.ai.meta_llama_v3_1_8b_instruct"),
    Endpoint("damage-photo-triage", WS_OPS, 200, weekend=0.9, cv=0.12, model="ml_prod.claims.damage_vit"),
    Endpoint("freight-doc-classifier", WS_OPS, 300, (3, 9), 1.0, 1.0, month_start=2.3,
             model="ml_prod.docs.freight_doc_layoutlm"),
    Endpoint("driver-chat-assist", WS_OPS, 250, weekend=0.9, holiday=0.95, kind="EXTERNAL_MODEL",
             task="llm/v1/chat", model="gpt-4o-mini"),
]


def _served_entities() -> tuple[list[dict], dict[str, str]]:
    rows, current = [], {}
    for e in ENDPOINTS:
        r = _rng("se", e.name)
        ep_id = f"{r.getrandbits(128):032x}"
        versions = [(datetime.combine(e.created, time(16, 5), tzinfo=UTC), "7")]
        if e.name == "eta-predictor-prod":
            versions.append((datetime(2025, 8, 12, 19, 30, tzinfo=UTC), "8"))
        for cv, (when, ver) in enumerate(versions, start=1):
            se_id = f"{r.getrandbits(128):032x}"
            rows.append({
                "served_entity_id": se_id, "account_id": ACCOUNT_ID, "workspace_id": e.ws,
                "created_by": OWNERS[e.ws], "endpoint_name": e.name, "endpoint_id": ep_id,
                "served_entity_name": f"{e.model.split('.')[-1]}-{ver}"[:60], "entity_type": e.kind,
                "entity_name": e.model, "entity_version": ver if e.kind != "EXTERNAL_MODEL" else None,
                "endpoint_config_version": cv, "task": e.task,
                "external_model_config": {"provider": "openai"} if e.kind == "EXTERNAL_MODEL" else None,
                "foundation_model_config": {"min_provisioned_throughput": 0, "max_provisioned_throughput": 9500}
                if e.kind == "FOUNDATION_MODEL" else None,
                "custom_model_config": {"min_concurrency": 4, "max_concurrency": 16, "compute_type": "CPU"}
                if e.kind == "CUSTOM_MODEL" else None,
                "feature_spec_config": None, "change_time": when,
                "endpoint_delete_time": datetime.combine(e.deleted, time(15, 12), tzinfo=UTC) if e.deleted else None,
            })
            current.setdefault(e.name, [])
            current[e.name].append((when, se_id))
    return rows, current


def _requests(current) -> list[dict]:
    out = []
    for e in ENDPOINTS:
        for d in DAYS:
            if d < e.created or (e.deleted and d >= e.deleted):
                continue
            r = _rng("req", e.name, d)
            if e.eu:
                f = e.weekend if _weekend(d) else 1.0
            else:
                f = _human_factor(d, e.weekend, e.holiday if e.holiday is not None else e.weekend)
            mult = e.month_start if d.day == 1 else 1.0
            if e.name == "load-match-recsys-v2":
                mult *= {0: 0.3, 1: 0.45, 2: 0.6, 3: 0.8, 4: 1.0}.get((d - e.created).days, 1.0)
            if e.name == "sandbox-llama-eval":
                n = 14 if d == DAY else r.randint(0, 5)
            else:
                n = e.base * SCALE * f * mult * max(0.2, r.lognormvariate(0, e.cv))
                if d == DAY:
                    n = e.base * SCALE * f * mult * e.day_mult
                n = int(n)
            lo, hi = e.hours
            for _ in range(n):
                h = r.uniform(lo, hi)
                if d == DAY and e.day_shape is not None and r.random() > e.day_shape(h):
                    continue
                when = _dt(d) + timedelta(hours=h)
                se = ([s for (t, s) in current[e.name] if t <= when] or [current[e.name][0][1]])[-1]
                llm = e.kind != "CUSTOM_MODEL"
                status = 200 if r.random() > 0.01 else r.choice([429, 500, 503])
                out.append({
                    "workspace_id": e.ws, "account_id": ACCOUNT_ID, "client_request_id": None,
                    "databricks_request_id": _uuid(r), "requester": RUN_AS[e.ws] if r.random() < 0.7
                    else r.choice(_HQ_USERS), "status_code": status, "request_time": when,
                    "input_token_count": r.randint(40, 900) if llm else 0,
                    "output_token_count": (r.randint(20, 400) if e.task == "llm/v1/chat" else 0) if llm else 0,
                    "input_character_count": r.randint(200, 4000),
                    "output_character_count": r.randint(20, 1600),
                    "usage_context": None, "request_streaming": False, "served_entity_id": se,
                })
    return out


INCIDENTS |= {("mlops", "endpoint_traffic", n) for n in
              ["eta-predictor-prod", "route-anomaly-detector", "fraud-carrier-screen",
               "customs-hs-code-embed"]}
DECOYS |= {("mlops", "endpoint_traffic", n) for n in
           ["dispatch-copilot", "lane-rate-quote", "load-match-recsys-v2", "eta-predictor-staging",
            "sandbox-llama-eval", "freight-doc-classifier"]}


# ----------------------------------------------------------------------------------------------
# Build
# ----------------------------------------------------------------------------------------------

def build(root: Path) -> Path:
    root = Path(root)
    _write(root, "system.billing.list_prices", _price_rows())
    _write(root, "system.billing.usage", _billing_rows())
    _write(root, "system.lakeflow.jobs", _job_rows())
    timeline, job_lineage = _runs_and_lineage()
    _write(root, "system.lakeflow.job_run_timeline", timeline)
    read_lineage, read_audit = _reads()
    _write(root, "system.access.table_lineage", job_lineage + read_lineage)
    _write(root, "system.access.audit", _logins() + read_audit)
    se_rows, current = _served_entities()
    _write(root, "system.serving.served_entities", se_rows)
    _write(root, "system.serving.endpoint_usage", _requests(current))
    return root
