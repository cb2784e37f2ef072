"""Blind evaluation workload: a small two-workspace Databricks account, written from scratch.

The account ("Acme Corp", AWS us-east-1) has a production workspace (4417295630182746) and an
analytics workspace (7730518824961352). `AS_OF` is Monday 2026-03-02 00:00 UTC, so the evaluated
24 h window is **Sunday 2026-03-01** (also the first day of a month). Billing, jobs and lineage
reach back 91 days (from Monday 2025-12-01, with a quiet Christmas / New Year period); audit and
serving usage reach back 56 days (from Monday 2026-01-05). All cron schedules are in UTC.

Incidents (should be flagged):
- cost/sku_spike 4417295630182746/PREMIUM_ALL_PURPOSE_COMPUTE: a 16-node all-purpose cluster left running from Sat 19:00 costs ~$1,130 on Sunday vs ~$30 on a usual Sunday and ~$220 on a weekday — runaway spend.
- cost/sku_spike 7730518824961352/PREMIUM_SERVERLESS_SQL_COMPUTE_US_EAST_N_VIRGINIA: a dashboard refresh loop from 08:00 drives Sunday serverless SQL to ~$940 vs ~$60 on Sundays and ~$300 on weekdays.
- cost/sku_spike 7730518824961352/PREMIUM_INTERACTIVE_SERVERLESS_COMPUTE_US_EAST_N_VIRGINIA: a notebook stuck in a loop from 09:00 costs ~$190 vs ~$25 on weekdays and ~$5 on weekends.
- security/failed_login_burst 203.0.113.45: 180 failed `login` (401) attempts between 03:10 and 03:55 cycling through 45 user names (real and generic) — credential stuffing.
- security/failed_login_burst 2001:db8:85a3::8a2e:370:7334: 48 failed `login` (401) attempts between 14:05 and 14:40 against it-admin@acme-corp.com — password guessing from an IPv6 address.
- security/failed_login_burst 198.51.100.23: 64 failed `tokenLogin` (401) attempts between 21:00 and 21:50 replaying a revoked token — token brute force.
- security/unusual_read_volume dana.whitfield@acme-corp.com: reads 160 distinct tables (incl. hr and finance) between 01:10 and 02:40 from an unfamiliar IP; she reads 6-12 tables on weekdays and none on weekends — bulk exfiltration pattern.
- security/unusual_read_volume j.lee@partner-analytics.io: an external contractor who reads 2-5 marketing tables on weekdays reads 80 tables across finance/hr/sales on Sunday afternoon.
- security/unusual_read_volume raj.patel@acme-corp.com: a weekend worker who reads 3-6 tables on Sundays (10-18 on weekdays) reads ~110 tables in 2.5 hours.
- performance/job_duration_regression 730114582290411 (silver_orders_merge, daily 04:00): ~20 min for 90 days, the Sunday run takes ~73 min (3.6x).
- performance/job_duration_regression 730114582290412 (mobile_sessionize_hourly): ~4 min per run, every run from 06:20 on Sunday takes ~15 min (3.7x), 18 slow runs in the window.
- performance/job_duration_regression 730114582290413 (weekly_feature_backfill, Sundays 01:00): ~60 min for 12 weeks, the Sunday run takes ~200 min (3.3x).
- reliability/failure_streak 730114582290421 (erp_invoice_export, every 4 h): every run since Sat 20:00 failed with RUN_EXECUTION_ERROR — 7 consecutive failures, 6 of them in the window.
- reliability/failure_streak 730114582290422 (push_notifications_sender, hourly): every run from 13:30 on Sunday failed with DRIVER_ERROR — 11 consecutive failures.
- reliability/failure_streak 730114582290423 (crm_sync_salesforce, daily 06:00): failed Thu, Fri, Sat and Sun with UNAUTHORIZED_ERROR, and two manual retries on Sunday failed too — 6 consecutive failures.
- reliability/job_not_running 730114582290431 (partner_feed_daily, daily 05:00, not paused): last run Wed 2026-02-25 (succeeded); Thu-Sun runs never happened — 4 missed runs, no failure recorded.
- reliability/job_not_running 730114582290432 (clickstream_events_ingest, hourly): last run Sunday 08:00; nothing for the next 15 scheduled hours.
- reliability/job_not_running 730114582290433 (lakehouse_optimize_vacuum, every 6 h): last run Sat 12:45; 5 scheduled runs missed by AS_OF.
- data_quality/stale_table main.partners.partner_feed: written daily ~05:10 for 3 months, last written Wed 2026-02-25 05:10 (~4.8 days of silence, its writer stopped running).
- data_quality/stale_table main.web.clickstream_events: written hourly, last written Sunday ~08:05 (~16 h of silence, writer stopped).
- data_quality/stale_table main.finance.fx_rates: written twice a day (06:00, 18:00) for 3 months; its job keeps succeeding but has written nothing since Fri 2026-02-27 06:00 (~66 h, 5.5 intervals) — silent data loss.
- mlops/endpoint_traffic fraud-scoring-prod: a steady ~290 requests/day endpoint drops to ~2% of its hourly rate from 03:00 (~35 requests in the window) — a client integration broke.
- mlops/endpoint_traffic recsys-homepage: a client retry storm from 11:00 multiplies hourly traffic ~7x; ~1,000 requests vs ~200 on a usual Sunday (~5x).
- mlops/endpoint_traffic support-chat-llm: a 24/7 endpoint with ~120 requests/day gets zero requests in the window (since Sat 21:00) and was not deleted.

Decoys (normal but unusual-looking; should not be flagged):
- cost/sku_spike 4417295630182746/PREMIUM_JOBS_SERVERLESS_COMPUTE_US_EAST_N_VIRGINIA: spend is ~$340 every Sunday (weekly full refresh 00:00-06:00) vs ~$80 other days; this Sunday is like the previous 12 Sundays.
- cost/sku_spike 7730518824961352/PREMIUM_JOBS_COMPUTE: a tiny SKU (~$1.20/day) reaches ~$4.80 on Sunday — 4x, but a ~$3.60 change is immaterial.
- cost/sku_spike 4417295630182746/PREMIUM_DLT_ADVANCED_COMPUTE: a one-off 5x backfill ran on Saturday 2026-02-28 (outside the window); Sunday is back to its usual ~$150.
- security/failed_login_burst 192.0.2.44: the corporate VPN egress IP, shared by many users, has ~15-25 failed logins (typos) every day but never more than 2 in one hour; the window has 17, spread over the day.
- security/failed_login_burst 198.51.100.150: a legacy reporting server retries an expired token once or twice every morning at 06:00 (2 failures/day for 8 weeks) — chronic misconfiguration, not a burst.
- security/failed_login_burst 198.51.100.200: the CI runner does ~175 successful `tokenLogin`s in one hour (the weekly Sunday 10:00 release) with 2 failures — a burst of logins, not of failures.
- security/unusual_read_volume svc-etl@acme-corp.com: the ETL service account reads ~115-120 tables every day, the window included — high but normal for it.
- security/unusual_read_volume compliance-scanner@acme-corp.com: reads ~260 tables every Sunday (weekly governance scan) and 3-6 on other days; this Sunday matches the last 7.
- security/unusual_read_volume bi-dashboards@acme-corp.com: reads the same 6 tables as always; only the number of getTable calls rose (~400 vs ~30 on Sundays) after a refresh-interval change — not more tables.
- performance/job_duration_regression 730114582290414 (partner_export_daily): naturally noisy (lognormal around 15 min, 7 earlier runs between 2.0x and 2.6x); the Sunday run at 2.2x is within its range.
- performance/job_duration_regression 730114582290415 (finance_ledger_rollup, daily): ~10 min, but the run on the 1st of every month rolls up the whole month and takes ~32 min (Dec 1, Jan 1, Feb 1); Sunday is Mar 1.
- performance/job_duration_regression 730114582290416 (customer_360_build, daily): went from ~8 to ~25 min on 2026-02-06 when sources were added (job settings changed that day) and has been stable for 22 runs (20.8-29.3 min); Sunday's ~22 min run is the new normal.
- reliability/failure_streak 730114582290424 (pos_transactions_hourly): ~2% isolated spot-loss failures; the window has failures at 03:10 and 15:10, each followed by successes, and the latest run succeeded.
- reliability/failure_streak 730114582290425 (inventory_reconcile, every 2 h): failed 02:40, 04:40, 06:40, then was fixed; the 8 runs from 08:40 to 22:40 succeeded.
- reliability/failure_streak 730114582290426 (legacy_dw_export, every 2 h): its source was dropped in a planned migration, it failed 4 times overnight and was deleted at 07:30 (jobs.delete_time) — decommissioned.
- reliability/job_not_running 730114582290441 (audience_sync_ads, daily 04:00): paused on purpose on Thu 2026-02-26 10:15 (jobs.paused = true); no runs since.
- reliability/job_not_running 730114582290442 (hr_headcount_daily, cron MON-FRI 06:00): last run Friday 06:00; a 66 h weekend gap like every weekend.
- reliability/job_not_running 730114582290443 (supplier_scorecard_daily, daily 06:00): created Sunday 15:20; its first run is due Monday 06:00, so no runs yet.
- reliability/job_not_running 730114582290444 (campaign_weekly_rollup, Mondays 04:00): last ran Mon 2026-02-23 04:00, ~6.8 days before AS_OF — on schedule.
- reliability/job_not_running 730114582290445 (monthly_close_snapshot, 5th of each month 02:30): last ran 2026-02-05 02:30, ~25 days before AS_OF — on schedule.
- reliability/job_not_running 730114582290426 (legacy_dw_export): stopped running because it was deleted at 07:30 Sunday.
- data_quality/stale_table main.finance.monthly_close: written on the 5th of each month (Dec 5, Jan 5, Feb 5); ~25 days since the last write is less than its 31-day cadence.
- data_quality/stale_table main.marketing.campaign_weekly: written every Monday ~04:20; ~6.8 days since the last write.
- data_quality/stale_table main.hr.headcount_daily: written Monday-Friday ~06:05; last written Friday, the same 2.75-day weekend gap as every week.
- mlops/endpoint_traffic churn-model-batch: ~300 requests each weekday (02:00-05:00 batch), ~5 on weekend days; the quiet Sunday is its normal weekend.
- mlops/endpoint_traffic legacy-pricing-v1: traffic wound down over a week as clients moved to pricing-v2, and the endpoint was deleted Sat 12:00 (endpoint_delete_time); zero requests is expected.
- mlops/endpoint_traffic credit-limit-scoring: served model switched from v3 to v4 on Saturday 09:00 (new served_entity_id); per served entity traffic drops to 0 / appears from nothing, but the endpoint's volume is unchanged.
- mlops/endpoint_traffic pricing-v2: created 2026-02-18 and ramped up during the migration until Thu 2026-02-26; steady since — a young endpoint, not a surge.

Everything else in the data (e.g. bronze_orders_ingest, ltv-predictor, svc users' logins, other
analysts) is steady background and should not be flagged.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import numpy as np
import pyarrow as pa

from include.lakehouse.delta_store import write_table
from include.lakehouse.schema import system_table_schema

AS_OF = datetime(2026, 3, 2, tzinfo=UTC)  # a Monday; the window is Sunday 2026-03-01
WINDOW_START = AS_OF - timedelta(days=1)
WINDOW_DAY = WINDOW_START.date()
HISTORY_START = AS_OF - timedelta(days=91)  # Monday 2025-12-01 (billing, jobs, lineage)
ACTIVITY_START = AS_OF - timedelta(days=56)  # Monday 2026-01-05 (audit, serving usage)
SEED = 20260301

ACCOUNT_ID = "5f3c1e2a-8b7d-4c9e-a1f0-3d2b6e8c9a47"
METASTORE_ID = "b6a0d4e2-19c3-4f57-8e21-7d0c5a9b3f64"
WS_PROD = "4417295630182746"
WS_ANALYTICS = "7730518824961352"

_NS = uuid.UUID("0d8f6c2e-3a41-4b7e-9c55-1e2f3a4b5c6d")
_HOLIDAYS = {date(2025, 12, 24), date(2025, 12, 25), date(2025, 12, 26), date(2025, 12, 31), date(2026, 1, 1)}


def _at(y: int, m: int, d: int, hh: int = 0, mm: int = 0, ss: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, ss, tzinfo=UTC)


SAT = WINDOW_START - timedelta(days=1)  # Saturday 2026-02-28 00:00


def _days(start: datetime, end: datetime = AS_OF):
    d = start.date()
    while d < end.date():
        yield d
        d += timedelta(days=1)


def _midnight(d: date) -> datetime:
    return datetime(d.year, d.month, d.day, tzinfo=UTC)


class _Ids:
    """Deterministic identifiers (uuid5 over a counter)."""

    def __init__(self) -> None:
        self.n = 0

    def __call__(self, kind: str) -> str:
        self.n += 1
        return str(uuid.uuid5(_NS, f"{kind}:{self.n}"))


# --------------------------------------------------------------------------------------------
# Expected outcomes
# --------------------------------------------------------------------------------------------

J = {  # job key -> job_id
    "silver_orders_merge": "730114582290411",
    "mobile_sessionize_hourly": "730114582290412",
    "weekly_feature_backfill": "730114582290413",
    "partner_export_daily": "730114582290414",
    "finance_ledger_rollup": "730114582290415",
    "customer_360_build": "730114582290416",
    "erp_invoice_export": "730114582290421",
    "push_notifications_sender": "730114582290422",
    "crm_sync_salesforce": "730114582290423",
    "pos_transactions_hourly": "730114582290424",
    "inventory_reconcile": "730114582290425",
    "legacy_dw_export": "730114582290426",
    "partner_feed_daily": "730114582290431",
    "clickstream_events_ingest": "730114582290432",
    "lakehouse_optimize_vacuum": "730114582290433",
    "audience_sync_ads": "730114582290441",
    "hr_headcount_daily": "730114582290442",
    "supplier_scorecard_daily": "730114582290443",
    "campaign_weekly_rollup": "730114582290444",
    "monthly_close_snapshot": "730114582290445",
    "fx_rates_loader": "730114582290451",
    "bronze_orders_ingest": "730114582290401",
    "silver_customers_scd": "730114582290402",
    "gold_revenue_daily": "730114582290403",
    "ml_feature_refresh": "730114582290404",
    "marketing_kpis_daily": "730114582290405",
}

INCIDENTS: set[tuple[str, str, str]] = {
    ("cost", "sku_spike", f"{WS_PROD}/PREMIUM_ALL_PURPOSE_COMPUTE"),
    ("cost", "sku_spike", f"{WS_ANALYTICS}/PREMIUM_SERVERLESS_SQL_COMPUTE_US_EAST_N_VIRGINIA"),
    ("cost", "sku_spike", f"{WS_ANALYTICS}/PREMIUM_INTERACTIVE_SERVERLESS_COMPUTE_US_EAST_N_VIRGINIA"),
    ("security", "failed_login_burst", "203.0.113.45"),
    ("security", "failed_login_burst", "2001:db8:85a3::8a2e:370:7334"),
    ("security", "failed_login_burst", "198.51.100.23"),
    ("security", "unusual_read_volume", "dana.whitfield@acme-corp.com"),
    ("security", "unusual_read_volume", "j.lee@partner-analytics.io"),
    ("security", "unusual_read_volume", "raj.patel@acme-corp.com"),
    ("performance", "job_duration_regression", J["silver_orders_merge"]),
    ("performance", "job_duration_regression", J["mobile_sessionize_hourly"]),
    ("performance", "job_duration_regression", J["weekly_feature_backfill"]),
    ("reliability", "failure_streak", J["erp_invoice_export"]),
    ("reliability", "failure_streak", J["push_notifications_sender"]),
    ("reliability", "failure_streak", J["crm_sync_salesforce"]),
    ("reliability", "job_not_running", J["partner_feed_daily"]),
    ("reliability", "job_not_running", J["clickstream_events_ingest"]),
    ("reliability", "job_not_running", J["lakehouse_optimize_vacuum"]),
    ("data_quality", "stale_table", "main.partners.partner_feed"),
    ("data_quality", "stale_table", "main.web.clickstream_events"),
    ("data_quality", "stale_table", "main.finance.fx_rates"),
    ("mlops", "endpoint_traffic", "fraud-scoring-prod"),
    ("mlops", "endpoint_traffic", "recsys-homepage"),
    ("mlops", "endpoint_traffic", "support-chat-llm"),
}

DECOYS: set[tuple[str, str, str]] = {
    ("cost", "sku_spike", f"{WS_PROD}/PREMIUM_JOBS_SERVERLESS_COMPUTE_US_EAST_N_VIRGINIA"),
    ("cost", "sku_spike", f"{WS_ANALYTICS}/PREMIUM_JOBS_COMPUTE"),
    ("cost", "sku_spike", f"{WS_PROD}/PREMIUM_DLT_ADVANCED_COMPUTE"),
    ("security", "failed_login_burst", "192.0.2.44"),
    ("security", "failed_login_burst", "198.51.100.150"),
    ("security", "failed_login_burst", "198.51.100.200"),
    ("security", "unusual_read_volume", "svc-etl@acme-corp.com"),
    ("security", "unusual_read_volume", "compliance-scanner@acme-corp.com"),
    ("security", "unusual_read_volume", "bi-dashboards@acme-corp.com"),
    ("performance", "job_duration_regression", J["partner_export_daily"]),
    ("performance", "job_duration_regression", J["finance_ledger_rollup"]),
    ("performance", "job_duration_regression", J["customer_360_build"]),
    ("reliability", "failure_streak", J["pos_transactions_hourly"]),
    ("reliability", "failure_streak", J["inventory_reconcile"]),
    ("reliability", "failure_streak", J["legacy_dw_export"]),
    ("reliability", "job_not_running", J["audience_sync_ads"]),
    ("reliability", "job_not_running", J["hr_headcount_daily"]),
    ("reliability", "job_not_running", J["supplier_scorecard_daily"]),
    ("reliability", "job_not_running", J["campaign_weekly_rollup"]),
    ("reliability", "job_not_running", J["monthly_close_snapshot"]),
    ("reliability", "job_not_running", J["legacy_dw_export"]),
    ("data_quality", "stale_table", "main.finance.monthly_close"),
    ("data_quality", "stale_table", "main.marketing.campaign_weekly"),
    ("data_quality", "stale_table", "main.hr.headcount_daily"),
    ("mlops", "endpoint_traffic", "churn-model-batch"),
    ("mlops", "endpoint_traffic", "legacy-pricing-v1"),
    ("mlops", "endpoint_traffic", "credit-limit-scoring"),
    ("mlops", "endpoint_traffic", "pricing-v2"),
}


# --------------------------------------------------------------------------------------------
# Billing
# --------------------------------------------------------------------------------------------

_PROFILES = {
    "flat": np.ones(24),
    "night": np.array([2.5] * 8 + [1.0] * 16),
    # US business hours (08:00-18:00 US Eastern = 13:00-23:00 UTC), a little overnight.
    "business": np.array([0.08] * 13 + [1.0] * 10 + [0.08]),
    "three_runs": np.array([1.0 if h in (2, 10, 18) else 0.0 for h in range(24)]),
}


@dataclass(frozen=True)
class _Sku:
    ws: str
    sku: str
    price: float
    product: str
    weekday_usd: float
    weekend_usd: float
    profile: str
    noise: float = 0.06
    extra: Callable[[datetime], float] = field(default=lambda t: 0.0)


def _window_from(start: datetime, usd_per_hour: float, end: datetime = AS_OF) -> Callable[[datetime], float]:
    return lambda t: usd_per_hour if start <= t < end else 0.0


def _sunday_refresh(t: datetime) -> float:
    return 260.0 / 6 if t.weekday() == 6 and t.hour < 6 else 0.0


_SKUS = [
    _Sku(WS_PROD, "PREMIUM_JOBS_COMPUTE", 0.15, "JOBS", 360, 360, "night"),
    _Sku(WS_PROD, "PREMIUM_ALL_PURPOSE_COMPUTE", 0.55, "ALL_PURPOSE", 220, 30, "business", 0.10,
         _window_from(SAT + timedelta(hours=19), 46.0)),
    _Sku(WS_PROD, "PREMIUM_JOBS_SERVERLESS_COMPUTE_US_EAST_N_VIRGINIA", 0.35, "JOBS", 80, 80, "flat", 0.06,
         _sunday_refresh),
    _Sku(WS_PROD, "PREMIUM_DLT_ADVANCED_COMPUTE", 0.36, "DLT", 150, 150, "flat", 0.06,
         _window_from(SAT + timedelta(hours=6), 40.0, SAT + timedelta(hours=21))),
    _Sku(WS_PROD, "PREMIUM_SERVERLESS_REAL_TIME_INFERENCE_US_EAST_N_VIRGINIA", 0.07, "MODEL_SERVING", 45, 45, "flat", 0.04),
    _Sku(WS_ANALYTICS, "PREMIUM_SERVERLESS_SQL_COMPUTE_US_EAST_N_VIRGINIA", 0.70, "SQL", 300, 60, "business", 0.08,
         _window_from(WINDOW_START + timedelta(hours=8), 55.0)),
    _Sku(WS_ANALYTICS, "PREMIUM_SQL_PRO_COMPUTE_US_EAST_N_VIRGINIA", 0.55, "SQL", 120, 120, "flat", 0.05),
    _Sku(WS_ANALYTICS, "PREMIUM_JOBS_COMPUTE", 0.15, "JOBS", 1.2, 1.2, "three_runs", 0.05,
         _window_from(WINDOW_START + timedelta(hours=11), 3.7 / 4, WINDOW_START + timedelta(hours=15))),
    _Sku(WS_ANALYTICS, "PREMIUM_INTERACTIVE_SERVERLESS_COMPUTE_US_EAST_N_VIRGINIA", 0.95, "INTERACTIVE", 25, 5,
         "business", 0.10, _window_from(WINDOW_START + timedelta(hours=9), 12.5)),
    _Sku(WS_ANALYTICS, "PREMIUM_ALL_PURPOSE_COMPUTE", 0.55, "ALL_PURPOSE", 150, 20, "business", 0.10),
]


def _dec(x: float) -> Decimal:
    return Decimal(f"{x:.6f}")


def _billing(rng: np.random.Generator, ids: _Ids) -> tuple[list[dict], list[dict]]:
    usage: list[dict] = []
    for sku in _SKUS:
        prof = _PROFILES[sku.profile] / _PROFILES[sku.profile].sum()
        for d in _days(HISTORY_START):
            quiet = d.weekday() >= 5 or (sku.profile == "business" and d in _HOLIDAYS)
            level = (sku.weekend_usd if quiet else sku.weekday_usd) * float(rng.lognormal(0.0, sku.noise))
            for h in range(24):
                t = _midnight(d) + timedelta(hours=h)
                usd = level * prof[h] + sku.extra(t)
                if usd < 0.0005:
                    continue
                usage.append({
                    "account_id": ACCOUNT_ID, "workspace_id": sku.ws, "record_id": ids("usage"),
                    "sku_name": sku.sku, "cloud": "AWS", "usage_start_time": t,
                    "usage_end_time": t + timedelta(hours=1), "usage_date": d,
                    "custom_tags": {"cost_center": "data-platform" if sku.ws == WS_PROD else "analytics"},
                    "usage_unit": "DBU", "usage_quantity": _dec(usd / sku.price),
                    "record_type": "ORIGINAL", "ingestion_date": d, "billing_origin_product": sku.product,
                    "usage_type": "COMPUTE_TIME",
                })
    prices = [{
        "account_id": ACCOUNT_ID, "price_start_time": _at(2025, 6, 1), "price_end_time": None,
        "sku_name": sku, "cloud": "AWS", "currency_code": "USD", "usage_unit": "DBU",
        "pricing": {"default": _dec(price), "promotional": None, "effective_list": {"default": _dec(price)}},
    } for sku, price in sorted({(s.sku, s.price) for s in _SKUS})]
    return usage, prices


# --------------------------------------------------------------------------------------------
# Jobs, runs and lineage
# --------------------------------------------------------------------------------------------

Slots = Callable[[date], list[tuple[int, int]]]
# behaviour(t, default_seconds, rng) -> None (no run) or (result_state, termination_code, seconds, wrote)
Behaviour = Callable[[datetime, float, np.random.Generator], "tuple[str, str, float, bool] | None"]


def _hourly(minute: int) -> Slots:
    return lambda d: [(h, minute) for h in range(24)]


def _every(n: int, minute: int) -> Slots:
    return lambda d: [(h, minute) for h in range(0, 24, n)]


def _daily(*times: tuple[int, int]) -> Slots:
    return lambda d: list(times)


def _weekdays(hh: int, mm: int) -> Slots:
    return lambda d: [(hh, mm)] if d.weekday() < 5 else []


def _weekly(weekday: int, hh: int, mm: int) -> Slots:
    return lambda d: [(hh, mm)] if d.weekday() == weekday else []


def _monthly(day: int, hh: int, mm: int) -> Slots:
    return lambda d: [(hh, mm)] if d.day == day else []


@dataclass
class _Job:
    key: str
    name: str
    ws: str
    cron: str
    slots: Slots
    base_sec: float
    cv: float = 0.07
    owner: str = "svc-etl@acme-corp.com"
    created: datetime = _at(2025, 9, 15, 10)
    reads: tuple[str, ...] = ()
    writes: tuple[str, ...] = ()
    source_path: str | None = None
    behaviour: Behaviour | None = None
    extra_runs: tuple[tuple[datetime, str, str, float], ...] = ()  # manual runs

    @property
    def job_id(self) -> str:
        return J[self.key]


def _ok(secs: float) -> tuple[str, str, float, bool]:
    return ("SUCCEEDED", "SUCCESS", secs, True)


def _fail(code: str, secs: float) -> tuple[str, str, float, bool]:
    return ("FAILED", code, secs, False)


_PARTNER_EXPORT_SLOW = {date(2025, 12, 9): 2.3, date(2025, 12, 22): 2.6, date(2026, 1, 8): 2.1,
                        date(2026, 1, 20): 2.4, date(2026, 2, 3): 2.0, date(2026, 2, 12): 2.5,
                        date(2026, 2, 24): 2.2, WINDOW_DAY: 2.2}
CUSTOMER_360_CHANGE = _at(2026, 2, 6, 10, 30)
LEGACY_DELETED = WINDOW_START + timedelta(hours=7, minutes=30)
AUDIENCE_PAUSED = _at(2026, 2, 26, 10, 15)
SUPPLIER_CREATED = WINDOW_START + timedelta(hours=15, minutes=20)


def _pos_behaviour() -> Behaviour:
    state = {"prev_failed": False}

    def run(t: datetime, secs: float, rng: np.random.Generator):
        if t >= WINDOW_START:
            failed = t.hour in (3, 15)
        else:
            failed = (not state["prev_failed"]) and rng.random() < 0.02
        state["prev_failed"] = failed
        return _fail("CLOUD_FAILURE", secs * 0.4) if failed else _ok(secs)

    return run


def _jobs() -> list[_Job]:
    win = WINDOW_START
    return [
        # background
        _Job("bronze_orders_ingest", "bronze_orders_ingest", WS_PROD, "0 5 * * * ?", _hourly(5), 180,
             writes=("main.sales.orders_bronze",), source_path="s3://acme-landing/orders/"),
        _Job("silver_customers_scd", "silver_customers_scd", WS_PROD, "0 0 2 * * ?", _daily((2, 0)), 720,
             reads=("main.sales.customers_bronze",), writes=("main.sales.customers_silver",)),
        _Job("gold_revenue_daily", "gold_revenue_daily", WS_PROD, "0 30 3 * * ?", _daily((3, 30)), 480,
             reads=("main.sales.orders_bronze",), writes=("main.sales.revenue_gold",)),
        _Job("ml_feature_refresh", "ml_feature_refresh", WS_PROD, "0 15 0/6 * * ?", _every(6, 15), 900,
             reads=("main.sales.orders_silver", "main.sales.customers_silver"), writes=("main.ml.user_features",)),
        _Job("marketing_kpis_daily", "marketing_kpis_daily", WS_ANALYTICS, "0 0 7 * * ?", _daily((7, 0)), 600,
             owner="maria.gonzalez@acme-corp.com", reads=("main.marketing.campaigns",),
             writes=("main.marketing.kpis_daily",)),
        # duration regression: incidents
        _Job("silver_orders_merge", "silver_orders_merge", WS_PROD, "0 0 4 * * ?", _daily((4, 0)), 1200,
             reads=("main.sales.orders_bronze",), writes=("main.sales.orders_silver",),
             behaviour=lambda t, s, r: _ok(4440 * r.normal(1, 0.02)) if t >= win else _ok(s)),
        _Job("mobile_sessionize_hourly", "mobile_sessionize_hourly", WS_PROD, "0 20 * * * ?", _hourly(20), 240,
             writes=("main.mobile.sessions",), source_path="s3://acme-raw/mobile/events/",
             behaviour=lambda t, s, r: _ok(900 * r.normal(1, 0.04)) if t >= win + timedelta(hours=6) else _ok(s)),
        _Job("weekly_feature_backfill", "weekly_feature_backfill", WS_PROD, "0 0 1 ? * SUN", _weekly(6, 1, 0), 3600,
             cv=0.05, reads=("main.ml.user_features",), writes=("main.ml.features_weekly",),
             behaviour=lambda t, s, r: _ok(12300 * r.normal(1, 0.01)) if t >= win else _ok(s)),
        # duration regression: decoys
        _Job("partner_export_daily", "partner_export_daily", WS_PROD, "0 0 7 * * ?", _daily((7, 0)), 900, cv=0.22,
             reads=("main.sales.orders_silver",), writes=("main.partners.partner_export",),
             behaviour=lambda t, s, r: _ok(900 * _PARTNER_EXPORT_SLOW[t.date()] * r.normal(1, 0.01))
             if t.date() in _PARTNER_EXPORT_SLOW else _ok(min(s, 900 * 1.8))),
        _Job("finance_ledger_rollup", "finance_ledger_rollup", WS_PROD, "0 0 5 * * ?", _daily((5, 0)), 600,
             reads=("main.finance.invoices", "main.finance.payments"), writes=("main.finance.ledger_gold",),
             behaviour=lambda t, s, r: _ok(1950 * r.normal(1, 0.03)) if t.day == 1 else _ok(s)),
        _Job("customer_360_build", "customer_360_build", WS_PROD, "0 0 3 * * ?", _daily((3, 0)), 480,
             reads=("main.sales.customers_silver", "main.sales.orders_silver"), writes=("main.sales.customer_360",),
             behaviour=lambda t, s, r: _ok(s * 1500 / 480) if t >= CUSTOMER_360_CHANGE else _ok(s)),
        # failure streak: incidents
        _Job("erp_invoice_export", "erp_invoice_export", WS_PROD, "0 0 0/4 * * ?", _every(4, 0), 300,
             reads=("main.finance.ledger_gold",),
             behaviour=lambda t, s, r: _fail("RUN_EXECUTION_ERROR", 45 * r.normal(1, 0.1))
             if t >= SAT + timedelta(hours=20) else _ok(s)),
        _Job("push_notifications_sender", "push_notifications_sender", WS_PROD, "0 30 * * * ?", _hourly(30), 150,
             reads=("main.marketing.push_queue",),
             behaviour=lambda t, s, r: _fail("DRIVER_ERROR", 70 * r.normal(1, 0.1))
             if t >= win + timedelta(hours=13) else _ok(s)),
        _Job("crm_sync_salesforce", "crm_sync_salesforce", WS_ANALYTICS, "0 0 6 * * ?", _daily((6, 0)), 420,
             owner="crm-integration@acme-corp.com", reads=("main.sales.customer_360",),
             behaviour=lambda t, s, r: _fail("UNAUTHORIZED_ERROR", 30 * r.normal(1, 0.1))
             if t >= _at(2026, 2, 26) else _ok(s),
             extra_runs=((win + timedelta(hours=9, minutes=12), "FAILED", "UNAUTHORIZED_ERROR", 31),
                         (win + timedelta(hours=9, minutes=47), "FAILED", "UNAUTHORIZED_ERROR", 29))),
        # failure streak: decoys
        _Job("pos_transactions_hourly", "pos_transactions_hourly", WS_PROD, "0 10 * * * ?", _hourly(10), 200,
             writes=("main.sales.pos_transactions",), source_path="s3://acme-landing/pos/",
             behaviour=_pos_behaviour()),
        _Job("inventory_reconcile", "inventory_reconcile", WS_PROD, "0 40 0/2 * * ?", _every(2, 40), 360,
             reads=("main.sales.pos_transactions",), writes=("main.ops.inventory_reconciled",),
             behaviour=lambda t, s, r: _fail("RUN_EXECUTION_ERROR", 50 * r.normal(1, 0.1))
             if win + timedelta(hours=2) <= t < win + timedelta(hours=7) else _ok(s)),
        _Job("legacy_dw_export", "legacy_dw_export", WS_PROD, "0 0 0/2 * * ?", _every(2, 0), 600,
             reads=("main.legacy.orders_flat",),
             behaviour=lambda t, s, r: None if t >= LEGACY_DELETED else (
                 _fail("RESOURCE_NOT_FOUND", 25 * r.normal(1, 0.1)) if t >= win else _ok(s))),
        # job not running: incidents
        _Job("partner_feed_daily", "partner_feed_daily", WS_PROD, "0 0 5 * * ?", _daily((5, 0)), 540,
             writes=("main.partners.partner_feed",), source_path="sftp://partners.acme-corp.com/feed/",
             behaviour=lambda t, s, r: None if t > _at(2026, 2, 25, 6) else _ok(s)),
        _Job("clickstream_events_ingest", "clickstream_events_ingest", WS_PROD, "0 0 * * * ?", _hourly(0), 240,
             writes=("main.web.clickstream_events",), source_path="s3://acme-raw/web/clickstream/",
             behaviour=lambda t, s, r: None if t > win + timedelta(hours=8, minutes=30) else _ok(s)),
        _Job("lakehouse_optimize_vacuum", "lakehouse_optimize_vacuum", WS_PROD, "0 45 0/6 * * ?", _every(6, 45), 1500,
             behaviour=lambda t, s, r: None if t > SAT + timedelta(hours=13) else _ok(s)),
        # job not running: decoys
        _Job("audience_sync_ads", "audience_sync_ads", WS_ANALYTICS, "0 0 4 * * ?", _daily((4, 0)), 660,
             owner="maria.gonzalez@acme-corp.com", reads=("main.marketing.audiences",),
             behaviour=lambda t, s, r: None if t >= AUDIENCE_PAUSED else _ok(s)),
        _Job("hr_headcount_daily", "hr_headcount_daily", WS_ANALYTICS, "0 0 6 ? * MON-FRI", _weekdays(6, 0), 300,
             owner="hr-data@acme-corp.com", reads=("main.hr.employees",), writes=("main.hr.headcount_daily",)),
        _Job("supplier_scorecard_daily", "supplier_scorecard_daily", WS_ANALYTICS, "0 0 6 * * ?", _daily((6, 0)), 400,
             owner="priya.nair@acme-corp.com", created=SUPPLIER_CREATED, reads=("main.ops.suppliers",),
             writes=("main.ops.supplier_scorecard",)),
        _Job("campaign_weekly_rollup", "campaign_weekly_rollup", WS_ANALYTICS, "0 0 4 ? * MON", _weekly(0, 4, 0), 1100,
             owner="maria.gonzalez@acme-corp.com", reads=("main.marketing.campaigns",),
             writes=("main.marketing.campaign_weekly",)),
        _Job("monthly_close_snapshot", "monthly_close_snapshot", WS_PROD, "0 30 2 5 * ?", _monthly(5, 2, 30), 2400,
             owner="finance-data@acme-corp.com", reads=("main.finance.ledger_gold",),
             writes=("main.finance.monthly_close",)),
        # stale table: writer keeps succeeding but stopped writing
        _Job("fx_rates_loader", "fx_rates_loader", WS_PROD, "0 0 6,18 * * ?", _daily((6, 0), (18, 0)), 60,
             writes=("main.finance.fx_rates",), source_path="https://api.fx-provider.example/v2/rates",
             behaviour=lambda t, s, r: ("SUCCEEDED", "SUCCESS", s * 0.5, False)
             if t > _at(2026, 2, 27, 7) else _ok(s)),
    ]


def _split(full: str | None) -> tuple[str | None, str | None, str | None]:
    if full is None:
        return None, None, None
    c, s, t = full.split(".")
    return c, s, t


def _lineage_row(ids: _Ids, job: _Job, run_id: str, when: datetime, source: str | None,
                 target: str | None, source_path: str | None) -> dict:
    sc, ss, st = _split(source)
    tc, ts, tt = _split(target)
    return {
        "account_id": ACCOUNT_ID, "metastore_id": METASTORE_ID, "workspace_id": job.ws,
        "entity_type": "JOB", "entity_id": job.job_id, "entity_run_id": run_id,
        "source_table_full_name": source, "source_table_catalog": sc, "source_table_schema": ss,
        "source_table_name": st, "source_path": source_path if source is None else None,
        "source_type": "TABLE" if source else ("PATH" if source_path else None),
        "target_table_full_name": target, "target_table_catalog": tc, "target_table_schema": ts,
        "target_table_name": tt, "target_path": None, "target_type": "TABLE" if target else None,
        "created_by": job.owner, "event_time": when, "event_date": when.date(),
        "record_id": ids("lineage"), "event_id": ids("lineage-event"), "statement_id": None,
        "entity_metadata": {"job_info": {"job_id": job.job_id, "job_run_id": run_id}},
        "direct_access": False,
    }


def _job_rows(job: _Job) -> list[dict]:
    def row(change: datetime, *, paused: bool = False, deleted: datetime | None = None,
            description: str | None = None) -> dict:
        return {
            "account_id": ACCOUNT_ID, "workspace_id": job.ws, "job_id": job.job_id, "name": job.name,
            "creator_id": "61209348577" + job.job_id[-4:],
            "tags": {"team": job.owner.split("@")[0]}, "run_as": job.owner, "change_time": change,
            "delete_time": deleted, "description": description,
            "trigger": {"schedule": {"quartz_cron_expression": job.cron, "timezone_id": "UTC"}},
            "trigger_type": "CRON", "run_as_user_name": job.owner, "creator_user_name": job.owner,
            "paused": paused, "timeout_seconds": 0, "create_time": job.created,
        }

    rows = [row(job.created, description=f"{job.name} (managed by {job.owner})")]
    if job.key == "customer_360_build":
        rows.append(row(CUSTOMER_360_CHANGE, description="Added loyalty and support-ticket sources (DP-2231)"))
    if job.key == "audience_sync_ads":
        rows.append(row(AUDIENCE_PAUSED, paused=True,
                        description="Paused during the ad-platform migration (MKT-1423)"))
    if job.key == "legacy_dw_export":
        rows.append(row(LEGACY_DELETED, deleted=LEGACY_DELETED,
                        description="Decommissioned: Teradata export retired (DP-2190)"))
    return rows


def _lakeflow(rng: np.random.Generator, ids: _Ids) -> tuple[list[dict], list[dict], list[dict]]:
    jobs_rows: list[dict] = []
    runs: list[dict] = []
    lineage: list[dict] = []
    run_counter = 881_200_000_000_000
    for job in _jobs():
        jobs_rows.extend(_job_rows(job))
        planned: list[tuple[datetime, tuple[str, str, float, bool], str]] = []
        for d in _days(HISTORY_START):
            for hh, mm in job.slots(d):
                t = _midnight(d) + timedelta(hours=hh, minutes=mm)
                if t < job.created:
                    continue
                secs = job.base_sec * float(rng.lognormal(0.0, job.cv))
                outcome = job.behaviour(t, secs, rng) if job.behaviour else _ok(secs)
                if outcome is not None:
                    planned.append((t, outcome, "CRON"))
        for t, state, code, secs in job.extra_runs:
            planned.append((t, (state, code, secs, False), "ONETIME"))
        planned.sort(key=lambda p: p[0])
        for t, (state, code, secs, wrote), trigger in planned:
            run_counter += int(rng.integers(3, 40))
            run_id = str(run_counter)
            start = t + timedelta(seconds=int(rng.integers(1, 30)))
            setup = int(rng.integers(20, 70))
            execution = max(5, int(round(secs)))
            cleanup = int(rng.integers(4, 15))
            end = start + timedelta(seconds=setup + execution + cleanup)
            if end > AS_OF:
                raise AssertionError(f"{job.name} run at {t} would end after AS_OF")
            runs.append({
                "account_id": ACCOUNT_ID, "workspace_id": job.ws, "job_id": job.job_id, "run_id": run_id,
                "period_start_time": start, "period_end_time": end, "trigger_type": trigger,
                "result_state": state, "run_type": "JOB_RUN", "run_name": job.name,
                "compute_ids": [f"{start:%m%d}-{start:%H%M%S}-job{job.job_id[-3:]}"],
                "termination_code": code, "termination_type": "SUCCESS" if state == "SUCCEEDED" else
                ("CLIENT_ERROR" if code in ("UNAUTHORIZED_ERROR", "RESOURCE_NOT_FOUND", "RUN_EXECUTION_ERROR")
                 else "CLOUD_FAILURE"),
                "setup_duration_seconds": setup, "queue_duration_seconds": 0,
                "run_duration_seconds": setup + execution + cleanup, "cleanup_duration_seconds": cleanup,
                "execution_duration_seconds": execution,
            })
            if state != "SUCCEEDED":
                continue
            when = end - timedelta(seconds=cleanup + int(rng.integers(1, 10)))
            for target in (job.writes if wrote else ()):
                for source in (job.reads or (None,)):
                    lineage.append(_lineage_row(ids, job, run_id, when, source, target, job.source_path))
            if not (job.writes and wrote):
                for source in job.reads:  # read-only runs still show up as reads
                    lineage.append(_lineage_row(ids, job, run_id, when, source, None, None))
    return jobs_rows, runs, lineage


# --------------------------------------------------------------------------------------------
# Audit: sign-ins and table reads
# --------------------------------------------------------------------------------------------

_FIRST = ["alex", "maria", "sam", "priya", "tom", "lena", "omar", "julia", "kevin", "sofia", "daniel",
          "aisha", "marco", "emma", "lucas", "nina", "ben", "chloe", "ivan", "hana", "peter", "zoe"]
_LAST = ["brooks", "gonzalez", "kim", "nair", "schmidt", "novak", "haddad", "rossi", "obrien", "costa",
         "meyer", "khan", "ferrari", "walsh", "silva", "berg", "turner", "dubois", "petrov", "sato",
         "lindqvist", "moreau"]
_SCHEMAS = ["sales", "marketing", "finance", "hr", "ml", "ops", "web", "mobile", "partners"]
_NOUNS = ["orders", "customers", "invoices", "payments", "refunds", "products", "inventory", "suppliers",
          "shipments", "returns", "campaigns", "leads", "sessions", "events", "clicks", "impressions",
          "employees", "payroll", "budgets", "forecasts", "accounts", "contracts", "tickets", "devices",
          "stores", "regions", "currencies", "promotions", "subscriptions", "churn_scores", "features",
          "predictions", "audits", "vendors", "assets"]
_ALL_TABLES = [f"main.{s}.{n}" for s in _SCHEMAS for n in _NOUNS]  # 315 tables

VPN_IP = "192.0.2.44"
OFFICE_IP = "192.0.2.10"
_BROWSER = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 Safari/605.1.15"


@dataclass
class _Analyst:
    email: str
    home_ip: str
    tables: list[str]
    weekday_range: tuple[int, int]
    weekend_range: tuple[int, int] | None  # None: never works weekends


def _audit_row(ids: _Ids, t: datetime, ws: str, ip: str, email: str | None, service: str, action: str,
               status: int, params: dict[str, str], agent: str = _BROWSER) -> dict:
    error = None
    if status == 401:
        error = "Invalid access token" if action == "tokenLogin" else "Invalid username or password"
    return {
        "account_id": ACCOUNT_ID, "workspace_id": ws, "version": "2.0", "event_time": t,
        "event_date": t.date(), "source_ip_address": ip, "user_agent": agent, "session_id": None,
        "user_identity": {"email": email, "subject_name": email}, "service_name": service,
        "action_name": action, "request_id": ids("req"), "request_params": params,
        "response": {"status_code": status, "error_message": error, "result": None},
        "audit_level": "WORKSPACE_LEVEL", "event_id": ids("audit"), "identity_metadata": None,
    }


def _login(ids: _Ids, t: datetime, ip: str, email: str, status: int = 200, ws: str = WS_ANALYTICS,
           agent: str = _BROWSER) -> dict:
    return _audit_row(ids, t, ws, ip, email, "accounts", "login", status,
                      {"user": email, "authenticationMethod": "PASSWORD"}, agent)


def _token_login(ids: _Ids, t: datetime, ip: str, email: str, status: int, ws: str = WS_PROD,
                 agent: str = "databricks-sdk-py/0.40.0 python/3.11") -> dict:
    return _audit_row(ids, t, ws, ip, email, "accounts", "tokenLogin", status,
                      {"user": email, "tokenId": "dapi…redacted", "authenticationMethod": "API_INT_PAT_TOKEN"},
                      agent)


def _read(ids: _Ids, t: datetime, ip: str, email: str, table: str, ws: str = WS_ANALYTICS,
          agent: str = _BROWSER) -> dict:
    return _audit_row(ids, t, ws, ip, email, "unityCatalog", "getTable", 200,
                      {"full_name_arg": table, "workspace_id": ws}, agent)


def _secs(rng: np.random.Generator, start: datetime, span_hours: float, n: int) -> list[datetime]:
    offs = np.sort(rng.uniform(0, span_hours * 3600, size=n))
    return [start + timedelta(seconds=float(o)) for o in offs]


def _analysts(rng: np.random.Generator) -> list[_Analyst]:
    out: list[_Analyst] = []
    names = [f"{f}.{ln}@acme-corp.com" for f, ln in zip(_FIRST, _LAST, strict=True)]
    for i, email in enumerate(names):
        schema = _SCHEMAS[i % len(_SCHEMAS)]
        own = [t for t in _ALL_TABLES if f".{schema}." in t]
        pick = list(rng.choice(own, size=14, replace=False)) + list(rng.choice(_ALL_TABLES, size=4, replace=False))
        weekend = (1, 3) if i % 5 == 0 else None
        out.append(_Analyst(email, f"198.51.100.{100 + i}", sorted(set(pick)), (4, 11), weekend))
    out.append(_Analyst("dana.whitfield@acme-corp.com", "198.51.100.131",
                        [t for t in _ALL_TABLES if ".sales." in t][:16], (6, 12), None))
    out.append(_Analyst("raj.patel@acme-corp.com", "198.51.100.132",
                        [t for t in _ALL_TABLES if ".ml." in t or ".web." in t][:26], (10, 18), (3, 6)))
    out.append(_Analyst("j.lee@partner-analytics.io", "198.51.100.61",
                        ["main.marketing.campaigns", "main.marketing.leads", "main.marketing.impressions",
                         "main.marketing.clicks", "main.marketing.promotions"], (2, 5), None))
    return out


def _audit(rng: np.random.Generator, ids: _Ids) -> list[dict]:
    rows: list[dict] = []
    analysts = _analysts(rng)
    everyone = [a.email for a in analysts]
    for d in _days(ACTIVITY_START):
        day0 = _midnight(d)
        weekend = d.weekday() >= 5
        in_window = d == WINDOW_DAY
        # --- analysts: sign in, then read some of their usual tables
        for a in analysts:
            rng_k = a.weekend_range if weekend else a.weekday_range
            if rng_k is None or (not weekend and rng.random() < 0.07):
                continue
            ip = a.home_ip if weekend or a.email.endswith("partner-analytics.io") else (
                VPN_IP if rng.random() < 0.6 else OFFICE_IP)
            t0 = day0 + timedelta(hours=float(rng.uniform(12.5, 15.5) if not weekend else rng.uniform(14, 18)))
            if ip != VPN_IP and rng.random() < 0.04:  # an occasional typo
                rows.append(_login(ids, t0 - timedelta(seconds=40), ip, a.email, 401))
            rows.append(_login(ids, t0, ip, a.email))
            k = int(rng.integers(rng_k[0], rng_k[1] + 1))
            chosen = rng.choice(a.tables, size=min(k, len(a.tables)), replace=False)
            for table in chosen:
                for t in _secs(rng, t0 + timedelta(minutes=2), 7 if not weekend else 3, int(rng.integers(1, 4))):
                    rows.append(_read(ids, t, ip, a.email, str(table)))
        # --- corporate VPN: many users, many typos, never bunched (decoy 192.0.2.44)
        n_fail = 17 if in_window else int(rng.integers(20, 27) if not weekend else rng.integers(13, 19))
        hours = np.sort(rng.choice(np.arange(5, 24), size=min(n_fail, 19), replace=False))
        fail_hours = list(hours) + list(rng.choice(hours, size=n_fail - len(hours), replace=False))
        for h in fail_hours:
            t = day0 + timedelta(hours=int(h), seconds=float(rng.uniform(0, 3500)))
            who = str(rng.choice(everyone))
            rows.append(_login(ids, t, VPN_IP, who, 401))
            rows.append(_login(ids, t + timedelta(seconds=float(rng.uniform(10, 60))), VPN_IP, who))
        # --- legacy reporting server retrying an expired token every morning (decoy 198.51.100.150)
        for i in range(2 if in_window or rng.random() < 0.8 else 1):
            t = day0 + timedelta(hours=6, minutes=5 * i, seconds=float(rng.uniform(0, 20)))
            rows.append(_token_login(ids, t, "198.51.100.150", "legacy-reporting@acme-corp.com", 401,
                                     agent="Apache-HttpClient/4.5.13 (Java/1.8.0_292)"))
        # --- CI runner: steady API use, weekly Sunday release burst (decoy 198.51.100.200)
        ci = "ci-deployer@acme-corp.com"
        n_ci = int(rng.integers(30, 50)) if not weekend else int(rng.integers(3, 8))
        for t in _secs(rng, day0 + timedelta(hours=13), 9, n_ci):
            rows.append(_token_login(ids, t, "198.51.100.200", ci, 200))
        if d.weekday() == 6:
            n_ok, n_bad = (175, 2) if in_window else (int(rng.integers(140, 175)), int(rng.integers(0, 3)))
            for t in _secs(rng, day0 + timedelta(hours=10), 0.95, n_ok):
                rows.append(_token_login(ids, t, "198.51.100.200", ci, 200))
            for t in _secs(rng, day0 + timedelta(hours=10), 0.95, n_bad):
                rows.append(_token_login(ids, t, "198.51.100.200", ci, 401))
        # --- ETL service account reads ~120 tables every day (decoy)
        etl_tables = _ALL_TABLES[:120]
        todays = [t for t in etl_tables if rng.random() > 0.03]
        for table in todays:
            for t in _secs(rng, day0 + timedelta(hours=1), 5, int(rng.integers(1, 3))):
                rows.append(_read(ids, t, "10.20.4.15", "svc-etl@acme-corp.com", table, WS_PROD,
                                  "Databricks-Runtime/15.4.x-scala2.12"))
        # --- compliance scanner: full scan every Sunday (decoy)
        scan = "compliance-scanner@acme-corp.com"
        if d.weekday() == 6:
            n_scan = 262 if in_window else int(rng.integers(255, 266))
            tables = _ALL_TABLES[:n_scan]
            span = 2.0
        else:
            tables = list(rng.choice(_ALL_TABLES, size=int(rng.integers(3, 7)), replace=False))
            span = 1.0
        for table, t in zip(tables, _secs(rng, day0 + timedelta(hours=2), span, len(tables)), strict=True):
            rows.append(_read(ids, t, "10.20.4.30", scan, str(table), WS_PROD, "uc-governance-scanner/2.3"))
        # --- BI dashboards: same 6 tables, more refreshes in the window (decoy)
        bi_tables = ["main.sales.orders", "main.sales.customers", "main.sales.stores", "main.finance.budgets",
                     "main.marketing.campaigns", "main.ops.inventory"]
        n_bi = 400 if in_window else (int(rng.integers(50, 70)) if not weekend else int(rng.integers(25, 36)))
        start, span = (day0, 24) if in_window else (day0 + timedelta(hours=12), 11)
        for t in _secs(rng, start, span, n_bi):
            rows.append(_read(ids, t, "10.20.4.40", "bi-dashboards@acme-corp.com", str(rng.choice(bi_tables)),
                              agent="Databricks-SQL-Dashboards/1.0"))

    rows.extend(_window_security_incidents(rng, ids, everyone))
    return rows


def _window_security_incidents(rng: np.random.Generator, ids: _Ids, everyone: list[str]) -> list[dict]:
    rows: list[dict] = []
    w = WINDOW_START
    # Credential stuffing: 180 failures in 45 minutes against 60 names.
    targets = everyone[:40] + [f"{n}@acme-corp.com" for n in
                               ["admin", "root", "test", "support", "info", "sales", "finance", "hr", "it",
                                "helpdesk", "billing", "devops", "security", "ops", "backup", "service",
                                "webmaster", "marketing", "office", "contact"]]
    for i, t in enumerate(_secs(rng, w + timedelta(hours=3, minutes=10), 0.75, 180)):
        rows.append(_login(ids, t, "203.0.113.45", targets[i % len(targets)], 401,
                           agent="python-requests/2.31.0"))
    # Password guessing on an admin account from an IPv6 address.
    for t in _secs(rng, w + timedelta(hours=14, minutes=5), 0.58, 48):
        rows.append(_login(ids, t, "2001:db8:85a3::8a2e:370:7334", "it-admin@acme-corp.com", 401,
                           agent="curl/8.4.0"))
    # Revoked token replayed / brute forced.
    for t in _secs(rng, w + timedelta(hours=21), 0.83, 64):
        rows.append(_token_login(ids, t, "198.51.100.23", "m.okafor@acme-corp.com", 401, agent="Go-http-client/1.1"))
    # Exfiltration-like reads.
    sensitive = [t for t in _ALL_TABLES if ".hr." in t or ".finance." in t]
    rest = [t for t in _ALL_TABLES if t not in sensitive]
    dana = sensitive + list(rng.choice(rest, size=160 - len(sensitive), replace=False))
    rows.append(_login(ids, w + timedelta(hours=1, minutes=4), "203.0.113.99", "dana.whitfield@acme-corp.com",
                       agent="python-requests/2.31.0"))
    for table, t in zip(dana, _secs(rng, w + timedelta(hours=1, minutes=10), 1.5, len(dana)), strict=True):
        rows.append(_read(ids, t, "203.0.113.99", "dana.whitfield@acme-corp.com", str(table),
                          agent="python-requests/2.31.0"))
    contractor = list(rng.choice([t for t in _ALL_TABLES if ".marketing." not in t], size=80, replace=False))
    rows.append(_login(ids, w + timedelta(hours=12, minutes=55), "198.51.100.61", "j.lee@partner-analytics.io"))
    for table, t in zip(contractor, _secs(rng, w + timedelta(hours=13), 2, 80), strict=True):
        rows.append(_read(ids, t, "198.51.100.61", "j.lee@partner-analytics.io", str(table)))
    raj = list(rng.choice(_ALL_TABLES, size=110, replace=False))
    for table, t in zip(raj, _secs(rng, w + timedelta(hours=10), 2.5, 110), strict=True):
        for k in range(int(rng.integers(1, 3))):
            rows.append(_read(ids, t + timedelta(seconds=7 * k), "198.51.100.132", "raj.patel@acme-corp.com",
                              str(table)))
    return rows


# --------------------------------------------------------------------------------------------
# Model serving
# --------------------------------------------------------------------------------------------

def _diurnal(t: datetime, peak: int, amp: float) -> float:
    return 1.0 + amp * np.cos((t.hour - peak) / 24 * 2 * np.pi)


@dataclass
class _Endpoint:
    name: str
    ws: str
    entity_name: str
    task: str | None
    rate: Callable[[datetime], float]  # expected requests in the hour starting at t
    created: datetime = _at(2025, 10, 1, 12)
    deleted: datetime | None = None
    llm: bool = False
    requester: str = "svc-app@acme-corp.com"


CREDIT_SWITCH = SAT + timedelta(hours=9)
PRICING_V2_CREATED = _at(2026, 2, 18, 14)
LEGACY_PRICING_DELETED = SAT + timedelta(hours=12)


def _legacy_pricing_rate(t: datetime) -> float:
    ramp_start, ramp_end = _at(2026, 2, 19), _at(2026, 2, 27)
    if t >= LEGACY_PRICING_DELETED:
        return 0.0
    if t < ramp_start:
        return 6.0
    if t >= ramp_end:
        return 0.2
    frac = (t - ramp_start) / (ramp_end - ramp_start)
    return 6.0 - 5.8 * frac


def _pricing_v2_rate(t: datetime) -> float:
    if t < PRICING_V2_CREATED:
        return 0.0
    ramp_end = _at(2026, 2, 26)
    if t >= ramp_end:
        return 6.0
    return 0.3 + 5.7 * ((t - PRICING_V2_CREATED) / (ramp_end - PRICING_V2_CREATED))


def _endpoints() -> list[_Endpoint]:
    w = WINDOW_START
    return [
        _Endpoint("fraud-scoring-prod", WS_PROD, "main.ml.fraud_gbm", None,
                  lambda t: 0.25 if t >= w + timedelta(hours=3) else 12 * _diurnal(t, 17, 0.3)),
        _Endpoint("recsys-homepage", WS_PROD, "main.ml.homepage_recommender", None,
                  lambda t: 7 * _diurnal(t, 21, 0.5) * (1.2 if t.weekday() >= 5 else 1.0)
                  * (7 if t >= w + timedelta(hours=11) else 1)),
        _Endpoint("support-chat-llm", WS_ANALYTICS, "databricks-meta-llama-3-3-70b-instruct", "llm/v1/chat",
                  lambda t: 0.0 if t >= SAT + timedelta(hours=21) else 5.0, llm=True,
                  requester="support-bot@acme-corp.com"),
        _Endpoint("churn-model-batch", WS_PROD, "main.ml.churn_xgb", None,
                  lambda t: (100.0 if t.weekday() < 5 and 2 <= t.hour < 5 else 0.0)
                  + (0.6 if 14 <= t.hour < 22 else 0.0), requester="svc-etl@acme-corp.com"),
        _Endpoint("legacy-pricing-v1", WS_ANALYTICS, "main.ml.pricing_glm", None, _legacy_pricing_rate,
                  created=_at(2025, 3, 10, 9), deleted=LEGACY_PRICING_DELETED),
        _Endpoint("pricing-v2", WS_ANALYTICS, "main.ml.pricing_lgbm", None, _pricing_v2_rate,
                  created=PRICING_V2_CREATED),
        _Endpoint("credit-limit-scoring", WS_PROD, "main.ml.credit_limit", None, lambda t: 5.0),
        _Endpoint("ltv-predictor", WS_ANALYTICS, "main.ml.customer_ltv", None, lambda t: 4.0 * _diurnal(t, 16, 0.2)),
    ]


def _served_entity(ids: _Ids, ep: _Endpoint, version: str, config_version: int, change: datetime) -> dict:
    return {
        "served_entity_id": ids("served-entity"), "account_id": ACCOUNT_ID, "workspace_id": ep.ws,
        "created_by": "ml-platform@acme-corp.com", "endpoint_name": ep.name,
        "endpoint_id": str(uuid.uuid5(_NS, "endpoint:" + ep.name)).replace("-", ""),
        "served_entity_name": f"{ep.entity_name.split('.')[-1]}-{version}",
        "entity_type": "FOUNDATION_MODEL" if ep.llm else "CUSTOM_MODEL", "entity_name": ep.entity_name,
        "entity_version": version, "endpoint_config_version": config_version, "task": ep.task,
        "external_model_config": None, "foundation_model_config": None,
        "custom_model_config": None if ep.llm else {"min_concurrency": 4, "max_concurrency": 16,
                                                    "compute_type": "CPU"},
        "feature_spec_config": None, "change_time": change, "endpoint_delete_time": ep.deleted,
    }


def _serving(rng: np.random.Generator, ids: _Ids) -> tuple[list[dict], list[dict]]:
    entities: list[dict] = []
    usage: list[dict] = []
    for ep in _endpoints():
        if ep.name == "credit-limit-scoring":
            old = _served_entity(ids, ep, "3", 3, _at(2025, 11, 20, 16))
            new = _served_entity(ids, ep, "4", 4, CREDIT_SWITCH)
            entities += [old, new]
            pick = lambda t, o=old["served_entity_id"], n=new["served_entity_id"]: n if t >= CREDIT_SWITCH else o  # noqa: E731
        else:
            ent = _served_entity(ids, ep, "1" if ep.created > _at(2026, 1, 1) else "7", 1, ep.created)
            entities.append(ent)
            pick = lambda t, e=ent["served_entity_id"]: e  # noqa: E731
        for d in _days(ACTIVITY_START):
            for h in range(24):
                hour = _midnight(d) + timedelta(hours=h)
                lam = ep.rate(hour)
                n = int(rng.poisson(lam)) if lam > 0 else 0
                for t in _secs(rng, hour, 1, n):
                    status = 200 if rng.random() > 0.003 else int(rng.choice([429, 500]))
                    inp = int(rng.integers(200, 1500)) if ep.llm else None
                    usage.append({
                        "workspace_id": ep.ws, "account_id": ACCOUNT_ID, "client_request_id": None,
                        "databricks_request_id": ids("request"), "requester": ep.requester,
                        "status_code": status, "request_time": t,
                        "input_token_count": inp, "output_token_count": int(rng.integers(50, 600)) if ep.llm else None,
                        "input_character_count": inp * 4 if inp else int(rng.integers(300, 2000)),
                        "output_character_count": int(rng.integers(20, 200)),
                        "usage_context": None, "request_streaming": bool(ep.llm), "served_entity_id": pick(t),
                    })
    return entities, usage


# --------------------------------------------------------------------------------------------
# Build
# --------------------------------------------------------------------------------------------

def _write(root: Path, full_name: str, rows: list[dict]) -> None:
    schema = system_table_schema(full_name)
    write_table(root, full_name, pa.Table.from_pylist(rows, schema=schema), schema)


def build(root: Path) -> Path:
    """Write every system table of the workload under `root` and return `root`."""
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    ids = _Ids()
    usage, prices = _billing(np.random.default_rng(SEED), ids)
    jobs, runs, lineage = _lakeflow(np.random.default_rng(SEED + 1), ids)
    audit = _audit(np.random.default_rng(SEED + 2), ids)
    entities, requests = _serving(np.random.default_rng(SEED + 3), ids)
    _write(root, "system.billing.usage", usage)
    _write(root, "system.billing.list_prices", prices)
    _write(root, "system.lakeflow.jobs", jobs)
    _write(root, "system.lakeflow.job_run_timeline", runs)
    _write(root, "system.access.table_lineage", lineage)
    _write(root, "system.access.audit", audit)
    _write(root, "system.serving.served_entities", entities)
    _write(root, "system.serving.endpoint_usage", requests)
    return root
