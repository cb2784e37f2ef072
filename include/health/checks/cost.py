"""Cost checks: spend spikes, budget forecast, untagged spend, idle all-purpose compute, top spenders."""

from __future__ import annotations

import calendar
from datetime import UTC, datetime, timedelta
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
from include.ops.models import Finding, Severity

USAGE, PRICES = "system.billing.usage", "system.billing.list_prices"


def _spike_params(s: Sweep) -> dict[str, Any]:
    return {**seasonal_params(s), "spike_ratio": s.settings.spike_ratio, "min_usd": s.settings.spike_min_usd}


def _spikes(s: Sweep, rows: list[Row], _: PerObject | None) -> list[Finding]:
    out = []
    params = _spike_params(s)
    for r in rows:
        observed, baseline = num(r["window_usd"]), num(r["baseline_usd"])
        seasonal = seasonal_baseline(r.get("seasonal_usd") or [], int(num(r["first_bucket"])),
                                     params["baseline_buckets"], params["season_buckets"])
        if seasonal is not None and observed < s.settings.spike_ratio * seasonal[0]:
            continue  # what this weekday usually costs (a weekly heavy job), not a spike
        x = ratio(observed, baseline)
        extra = observed - baseline
        monthly = recurring_monthly(observed, [r.get(f"month_{k}_usd") for k in range(1, MONTHS_BACK + 1)])
        severity = "low" if monthly else "critical" if extra >= 1000 and x >= 3 else by_ratio(x, high=4.0)
        new = r["baseline_usd"] is None
        out.append(make_finding(
            s, "sku_spike", severity, "workspace_sku", f"{r['workspace_id']}/{r['sku_name']}", "spend_usd", observed, baseline,
            (f"New spend of ${observed:,.0f} on {r['sku_name']} in workspace {s.workspace(r['workspace_id'])} (none in the baseline)" if new else
             f"{r['sku_name']} spend in workspace {s.workspace(r['workspace_id'])} was ${observed:,.0f}, {x:.1f}x its baseline of ${baseline:,.0f}")
            + (f"; as on the same date {_months_ago(monthly)} (a monthly pattern)" if monthly else ""),
            "Break the spend down by workload (usage_metadata) for the window and check for runaway jobs, oversized "
            "clusters or warehouses left scaled out.",
            {"workspace_id": r["workspace_id"], "sku_name": r["sku_name"], "ratio": x, "extra_usd": extra,
             "baseline_buckets": r["baseline_buckets_seen"], "same_weekday_usd": seasonal[0] if seasonal else None,
             "same_date_months_ago": monthly},
        ))
    return out


def _months_ago(months: list[int]) -> str:
    return " and ".join("last month" if k == 1 else f"{k} months ago" for k in months)


def _month(s: Sweep) -> tuple[datetime, float]:
    """Start of the month of the window's last instant, and days left in it after `as_of`."""
    last = s.window_end - timedelta(microseconds=1)
    start = datetime(last.year, last.month, 1, tzinfo=UTC)
    days_in = calendar.monthrange(last.year, last.month)[1]
    end = start + timedelta(days=days_in)
    return start, max(0.0, (end - s.window_end).total_seconds() / 86400)


def _budget_params(s: Sweep) -> dict[str, Any]:
    start, _ = _month(s)
    if not s.settings.monthly_budget_usd:
        raise CheckUnavailable("no monthly budgets configured (HealthSettings.monthly_budget_usd)")
    return {"month_start": start, "recent_start": s.window_end - timedelta(days=7), "window_end": s.window_end}


def _budgets(s: Sweep, rows: list[Row], _: PerObject | None) -> list[Finding]:
    budgets = dict(s.settings.monthly_budget_usd)
    start, days_left = _month(s)
    elapsed = (s.window_end - start).total_seconds() / 86400
    days_in = elapsed + days_left
    out = []
    for r in rows:
        budget = budgets.get(r["workspace_id"])
        if not budget:
            continue
        mtd, daily = num(r["mtd_usd"]), num(r["median_daily_usd"])
        forecast = mtd + daily * days_left
        prorated = budget * elapsed / days_in
        if forecast < budget * s.settings.budget_warn_ratio:
            continue
        severity: Severity = "critical" if mtd >= budget else ("high" if forecast >= 1.2 * budget else "medium")
        out.append(make_finding(
            s, "budget_forecast", severity, "workspace", r["workspace_id"], "month_end_forecast_usd", forecast, budget,
            f"Workspace {s.workspace(r['workspace_id'])} is forecast to spend ${forecast:,.0f} this month against a ${budget:,.0f} budget "
            f"(${mtd:,.0f} so far, {100 * (mtd - prorated) / prorated:+.0f}% vs pro-rated)",
            "Review the top contributors of this workspace and either cut spend or raise the budget with its owner.",
            {"workspace_id": r["workspace_id"], "budget_usd": budget, "mtd_usd": mtd, "prorated_budget_usd": prorated,
             "variance_pct": 100 * (mtd - prorated) / prorated, "median_daily_usd": daily, "days_left": days_left,
             "month_start": start},
        ))
    return out


def _untagged_params(s: Sweep) -> dict[str, Any]:
    tags = s.settings.chargeback_tags
    return {"window_start": s.window_start, "window_end": s.window_end, "tag_1": tags[0], "tag_2": tags[-1],
            "min_usd": s.settings.untagged_min_usd}


def _untagged(s: Sweep, rows: list[Row], _: PerObject | None) -> list[Finding]:
    tags = s.settings.chargeback_tags
    out = []
    for r in rows:
        usd = num(r["untagged_usd"])
        missing = [t for t, flag in zip(tags, (r["missing_tag_1"], r["missing_tag_2"]), strict=False) if flag]
        name = f" ({r['job_name']})" if r.get("job_name") else ""
        out.append(make_finding(
            s, "untagged_spend", "high" if usd >= 100 else "medium", r["entity_type"], r["entity_id"], "untagged_usd", usd, 0.0,
            f"${usd:,.2f} spent by {r['entity_type']} {r['entity_id']}{name} without the {', '.join(missing)} tag(s): not chargeable",
            f"Add the {', '.join(tags)} tags to this {r['entity_type']} (or enforce them with a compute/budget policy).",
            {"workspace_id": r["workspace_id"], "missing_tags": missing, "records": r["records"], "skus": sorted(r["skus"] or [])},
        ))
    return out


def _idle_params(s: Sweep) -> dict[str, Any]:
    return {"window_start": s.window_start, "window_end": s.window_end, "idle_cpu_pct": s.settings.idle_cpu_pct,
            "idle_min_hours": s.settings.idle_min_hours, "min_usd": s.settings.idle_min_usd}


def _idle(s: Sweep, rows: list[Row], _: PerObject | None) -> list[Finding]:
    out = []
    for r in rows:
        hours, cpu, usd = num(r["running_hours"]), num(r["avg_cpu_pct"]), num(r["usd"])
        auto = r.get("auto_termination_minutes")
        out.append(make_finding(
            s, "idle_all_purpose", "high" if usd >= 50 else "medium", "cluster", r["cluster_id"], "avg_cpu_pct", cpu,
            s.settings.idle_cpu_pct,
            f"All-purpose cluster {r['cluster_name']} ({r['cluster_id']}) ran {hours:.1f} h at {cpu:.1f}% CPU, costing ${usd:,.2f}",
            ("Set auto-termination on this cluster" if not auto else f"Lower auto-termination (now {auto} min)")
            + " or terminate it; ask its owner whether it is still needed.",
            {"workspace_id": r["workspace_id"], "owner": r["owned_by"], "running_hours": hours, "usd": usd,
             "auto_termination_minutes": auto, "max_cpu_pct": r["max_cpu_pct"], "avg_mem_pct": r["avg_mem_pct"]},
        ))
    return out


def _top_params(s: Sweep) -> dict[str, Any]:
    return {"window_start": s.window_start, "window_end": s.window_end, "top_n": s.settings.top_contributors}


def _top(s: Sweep, rows: list[Row], _: PerObject | None) -> list[Finding]:
    out = []
    for ws in sorted({r["workspace_id"] for r in rows}):
        mine = [r for r in rows if r["workspace_id"] == ws]
        total = num(mine[0]["workspace_usd"])
        top = [{"entity_type": r["entity_type"], "entity_id": r["entity_id"], "name": r["job_name"], "sku_name": r["sku_name"],
                "usd": num(r["usd"]), "share_pct": 100 * num(r["usd"]) / max(total, 1e-9)} for r in mine]
        lead = top[0]
        out.append(make_finding(
            s, "top_contributors", "low", "workspace", ws, "spend_usd", total, None,
            f"Workspace {s.workspace(ws)} spent ${total:,.0f}; top contributor {lead['entity_type']} {lead['entity_id']} "
            f"(${lead['usd']:,.0f}, {lead['share_pct']:.0f}%)",
            "Informational: use it to prioritise optimisation.",
            {"top": top}, informational=True,
        ))
    return out


CHECKS = [
    Check("sku_spike", "cost", "health/cost/sku_spike", (USAGE, PRICES), _spike_params, _spikes,
          description="spend per workspace and SKU vs the recent median and the same weekday of past weeks"),
    Check("budget_forecast", "cost", "health/cost/budget_forecast", (USAGE, PRICES), _budget_params, _budgets,
          description="month-end forecast and pro-rated variance vs monthly budgets"),
    Check("untagged_spend", "cost", "health/cost/untagged_spend", (USAGE, PRICES), _untagged_params, _untagged,
          description="spend missing chargeback tags, by workload"),
    Check("idle_all_purpose", "cost", "health/cost/idle_all_purpose",
          ("system.compute.clusters", "system.compute.node_timeline", USAGE, PRICES), _idle_params, _idle,
          description="all-purpose clusters running idle"),
    Check("top_contributors", "cost", "health/cost/top_contributors", (USAGE, PRICES), _top_params, _top,
          informational=True, description="largest spenders per workspace (informational)"),
]
