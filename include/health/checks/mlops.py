"""MLOps checks: serving latency (inference tables), error rate, traffic anomalies, prediction drift,
failing training jobs."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from include.health.checks.base import (
    MONTHS_BACK,
    Check,
    CheckUnavailable,
    PerObject,
    Row,
    Sweep,
    by_ratio,
    make_finding,
    num,
    ratio,
    recurring_monthly,
    seasonal_baseline,
    seasonal_params,
)
from include.health.checks.data_quality import drift_finding, drift_objects, drift_params
from include.ops.models import Finding

USAGE, ENTITIES = "system.serving.endpoint_usage", "system.serving.served_entities"


def _payload_objects(s: Sweep) -> list[PerObject]:
    if s.settings.inference_tables:
        pairs = sorted(s.settings.inference_tables.items())
    else:
        raise CheckUnavailable("no inference tables configured (HealthSettings.inference_tables)")
    return [PerObject(table, "endpoint", endpoint) for endpoint, table in pairs if table]


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def _latency_params(s: Sweep) -> dict[str, Any]:
    n = s.buckets(s.settings.baseline_days)
    start = s.window_start - (s.window_end - s.window_start) * n
    return {"baseline_start_ms": _ms(start), "window_end_ms": _ms(s.window_end), "window_ms": s.window_seconds * 1000,
            "baseline_buckets": n, "baseline_date": start.date()}


def _latency(s: Sweep, rows: list[Row], obj: PerObject | None) -> list[Finding]:
    assert obj is not None
    r = rows[0] if rows else None
    if not r or int(num(r["window_requests"])) < s.settings.min_requests or not r["baseline_p95_ms"]:
        return []
    p95, base = num(r["window_p95_ms"]), num(r["baseline_p95_ms"])
    x = ratio(p95, base)
    if x < s.settings.latency_ratio:
        return []
    return [make_finding(
        s, "endpoint_latency", by_ratio(x, high=3.0, critical=6.0), "endpoint", obj.entity_id, "p95_latency_ms", p95, base,
        f"Serving endpoint {obj.entity_id}: p95 latency {p95:.0f} ms, {x:.1f}x its baseline of {base:.0f} ms",
        "Check the served model version and its concurrency/scale-out settings, payload sizes and any upstream feature lookups.",
        {"inference_table": obj.table, "ratio": x, "window_p50_ms": r["window_p50_ms"], "baseline_p50_ms": r["baseline_p50_ms"],
         "window_requests": r["window_requests"]},
    )]


def _window_params(s: Sweep) -> dict[str, Any]:
    return {"window_start": s.window_start, "window_end": s.window_end, "baseline_start": s.before(s.settings.baseline_days)}


def _errors(s: Sweep, rows: list[Row], _: PerObject | None) -> list[Finding]:
    cfg, out = s.settings, []
    for r in rows:
        n, errors = int(r["window_requests"]), int(r["window_errors"])
        if n < cfg.min_requests:
            continue
        rate = errors / n
        base_n = int(r["baseline_requests"])
        base = int(r["baseline_errors"]) / base_n if base_n else 0.0
        if rate < cfg.error_rate_min or rate < cfg.error_rate_ratio * base:
            continue
        out.append(make_finding(
            s, "endpoint_error_rate", "critical" if rate >= 0.25 else "high", "endpoint", r["endpoint_name"], "error_rate",
            rate, base,
            f"Serving endpoint {r['endpoint_name']}: {100 * rate:.1f}% of {n:,} requests failed (5xx/429) vs {100 * base:.2f}% before",
            "Read the endpoint's service logs for the failing requests; roll back a recent model version or raise "
            "concurrency if requests are throttled.",
            {"workspace_id": r["workspace_id"], "window_requests": n, "window_errors": errors,
             "error_codes": sorted(int(c) for c in r["error_codes"] if c is not None)},
        ))
    return out


def _traffic_params(s: Sweep) -> dict[str, Any]:
    # the Sundays of past weeks, days before the window's weekday (Monday: 1); -1 = none (not a whole day)
    rest_day = (s.window_start.weekday() + 1) % 7 if s.window_seconds == 86400 else -1
    return {**seasonal_params(s), "rest_day_shift": rest_day}


def _traffic(s: Sweep, rows: list[Row], _: PerObject | None) -> list[Finding]:
    """A surge or drop against the recent median *and* the same weekday of past weeks.

    An endpoint that is always quiet at the weekend is compared with its earlier weekends too, so
    a quiet Saturday is not a drop; a real drop is below both.
    """
    cfg, out = s.settings, []
    params = _traffic_params(s)
    for r in rows:
        now, recent = num(r["window_requests"]), num(r["baseline_requests"])
        if int(r["baseline_buckets_seen"]) < 3:
            continue
        seasonal = seasonal_baseline(r.get("seasonal_requests") or [], int(num(r["first_bucket"])),
                                     params["baseline_buckets"], params["season_buckets"])
        bases = [recent] + ([seasonal[0]] if seasonal else [])
        # a public holiday in the workspace's calendar: a drop must also be one against its Sundays
        holiday = s.holiday(r["workspace_id"])
        rest = seasonal_baseline(r.get("rest_day_requests") or [], int(num(r["first_bucket"])),
                                 params["baseline_buckets"], params["season_buckets"], params["rest_day_shift"]
                                 ) if holiday and params["rest_day_shift"] >= 0 else None
        drop_bases = bases + ([rest[0]] if rest else [])
        ratios = [now / max(b, 1.0) for b in bases]
        # the size of the move, not of the endpoint, makes it worth telling (a quiet endpoint going dark counts)
        surge = all(x >= cfg.traffic_ratio for x in ratios) and now - max(bases) >= cfg.traffic_min_change
        drop = (all(now / max(b, 1.0) <= 1 / cfg.traffic_ratio for b in drop_bases)
                and min(drop_bases) - now >= cfg.traffic_min_change)
        if not drop and rest and all(x <= 1 / cfg.traffic_ratio for x in ratios):
            continue  # as quiet as its Sundays on a public holiday: the callers are off, not broken
        if not (surge or drop) or (drop and int(num(r.get("deleted"))) == 1):
            continue  # a deleted endpoint's callers moved on
        base = min(bases, key=lambda b: abs(now - b))  # the baseline closest to the window: the conservative one
        x = now / max(base, 1.0)
        monthly = recurring_monthly(now, [r.get(f"month_{k}_requests") for k in range(1, MONTHS_BACK + 1)]) if surge else []
        out.append(make_finding(
            s, "endpoint_traffic", "low" if monthly else "high", "endpoint", r["endpoint_name"], "requests",
            now, base,
            f"Serving endpoint {r['endpoint_name']} received {now:,.0f} requests, {x:.1f}x its usual {base:,.0f}"
            + (" (surge)" if surge else " (drop)")
            + (f"; as many on the same date in {len(monthly)} of the last {MONTHS_BACK} months (a monthly batch)" if monthly else "")
            + (f"; below its Sundays too on a public holiday ({holiday})" if drop and rest else ""),
            ("Confirm the new load is expected (a new client or a retry storm) and that scale-out limits and rate limits fit it."
             if surge else "Check the callers: a drop usually means a broken client, a routing change or an upstream outage."),
            {"workspace_id": r["workspace_id"], "ratio": x, "direction": "surge" if surge else "drop",
             "recent_median": recent, "same_weekday_median": seasonal[0] if seasonal else None,
             "weeks_compared": seasonal[1] if seasonal else 0, "same_date_months_ago": monthly, "holiday": holiday,
             "rest_day_median": rest[0] if rest else None},
        ))
    return out


def _prediction_drift(s: Sweep, rows: list[Row], obj: PerObject | None) -> list[Finding]:
    assert obj is not None
    return drift_finding(s, "prediction_drift", rows, obj, "Compare recent inputs and predictions with the training data; "
                         "retrain or roll back if the model no longer fits the traffic it serves.")


def _training_params(s: Sweep) -> dict[str, Any]:
    key, value = s.settings.training_tag
    return {"window_start": s.window_start, "window_end": s.window_end, "tag_key": key, "tag_value": value}


def _training(s: Sweep, rows: list[Row], _: PerObject | None) -> list[Finding]:
    out = []
    for r in rows:
        failures, runs = int(num(r["window_failures"])), int(r["window_runs"])
        last_failed = r["last_result"] != "SUCCEEDED"
        out.append(make_finding(
            s, "training_failures", "high" if last_failed else "medium", "job", r["job_id"], "failed_runs", failures, 0.0,
            f"Training job {r['job_name'] or r['job_id']} failed {failures} of {runs} run(s)"
            + (f"; the latest ended {r['last_termination_code']}" if last_failed else ""),
            "Read the failed run's error (out-of-memory, data, library); the model it produces is not being refreshed.",
            {"workspace_id": r["workspace_id"], "job_name": r["job_name"], "last_result": r["last_result"],
             "last_termination_code": r["last_termination_code"], "last_started": r["last_started"]},
        ))
    return out


CHECKS = [
    Check("endpoint_latency", "mlops", "health/mlops/endpoint_latency", (), _latency_params, _latency,
          per_object="inference_payload", objects=_payload_objects, description="p95 latency per endpoint (inference tables)"),
    Check("endpoint_error_rate", "mlops", "health/mlops/endpoint_errors", (USAGE, ENTITIES), _window_params, _errors,
          description="5xx/429 rate per endpoint vs baseline"),
    Check("endpoint_traffic", "mlops", "health/mlops/endpoint_traffic", (USAGE, ENTITIES), _traffic_params, _traffic,
          description="request volume vs the recent median and the same weekday of past weeks (surges and drops)"),
    Check("prediction_drift", "mlops", "health/data_quality/drift", (), drift_params, _prediction_drift,
          per_object="drift_metrics", objects=drift_objects("inference"), description="drift of served models' inputs/predictions"),
    Check("training_failures", "mlops", "health/mlops/training_failures", ("system.lakeflow.jobs", "system.lakeflow.job_run_timeline"),
          _training_params, _training, description="failed runs of ML training jobs"),
]
