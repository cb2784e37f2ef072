"""Performance checks: job duration regressions, SQL warehouse latency and queueing, cluster utilisation."""

from __future__ import annotations

from typing import Any

from include.health.checks.base import (
    MONTHS_BACK,
    Check,
    PerObject,
    Row,
    Sweep,
    by_ratio,
    make_finding,
    num,
    ratio,
    recurring_monthly,
    seasonal_params,
)
from include.ops.models import Finding

RUNS, HISTORY = "system.lakeflow.job_run_timeline", "system.query.history"


def _regression_params(s: Sweep) -> dict[str, Any]:
    cfg = s.settings
    months = {k: v for k, v in seasonal_params(s).items() if k.startswith("month_")}
    return {**months, "window_start": s.window_start, "window_end": s.window_end, "recent_start": s.before(cfg.baseline_days),
            "history_start": s.before(cfg.regression_history_days),
            "regression_pct": cfg.regression_pct, "noise_k": cfg.regression_noise_k,
            "min_baseline_runs": cfg.regression_min_baseline_runs, "baseline_runs": cfg.regression_baseline_runs}


def _regressions(s: Sweep, rows: list[Row], _: PerObject | None) -> list[Finding]:
    out = []
    for r in rows:
        now, base, recent = num(r["window_s"]), num(r["baseline_s"]), num(r["recent_s"])
        if now - base < s.settings.regression_min_seconds:
            continue  # relatively large, absolutely small: seconds of wall time nobody waits for
        pct, pct_recent = 100 * (now / base - 1), 100 * (now / recent - 1)
        runs = int(r["baseline_runs"])
        # as slow on the same dates of past months: a month-start run (a close, a full-month rebuild) — told, not paged
        monthly = recurring_monthly(now, [r.get(f"month_{k}_s") for k in range(1, MONTHS_BACK + 1)])
        out.append(make_finding(
            s, "job_duration_regression", "low" if monthly else by_ratio(now / base, high=2.0, critical=4.0), "job",
            r["job_id"], "execution_seconds", now, base,
            f"Job {r['job_name'] or r['job_id']} now runs {now / 60:.1f} min (median), {pct:+.0f}% vs its last {runs} runs "
            f"and {pct_recent:+.0f}% vs the week before; its slowest usual runs took {num(r['baseline_p95_s']) / 60:.1f} min"
            + (f"; as long on the same date in {len(monthly)} of the last {MONTHS_BACK} months (a monthly run)"
               if monthly else ""),
            "Compare a slow run with a normal one (Spark UI: input size, skew, spills, cluster size); check upstream data "
            "volume and recent code or config changes.",
            {"workspace_id": r["workspace_id"], "job_name": r["job_name"], "pct_vs_baseline": pct, "pct_vs_recent": pct_recent,
             "baseline_runs": runs, "recent_s": recent, "baseline_p25_s": r["baseline_p25_s"],
             "baseline_p75_s": r["baseline_p75_s"], "baseline_p95_s": r["baseline_p95_s"], "window_runs": r["window_runs"],
             "same_date_months_ago": monthly},
        ))
    return out


def _bucket_params(s: Sweep) -> dict[str, Any]:
    n = s.buckets(s.settings.baseline_days)
    return {"baseline_start": s.window_start - (s.window_end - s.window_start) * n, "window_end": s.window_end,
            "window_seconds": s.window_seconds, "baseline_buckets": n}


def _latency_params(s: Sweep) -> dict[str, Any]:
    return {**_bucket_params(s), "slow_ms": s.settings.slow_query_ms}


def _latency(s: Sweep, rows: list[Row], _: PerObject | None) -> list[Finding]:
    out = []
    for r in rows:
        p95, base = num(r["window_p95_ms"]), num(r["baseline_p95_ms"])
        if int(num(r["window_queries"])) < s.settings.min_queries or not base or p95 < s.settings.query_p95_ratio * base:
            continue
        slowest = s.evidence_query("health/performance/slowest_queries", {
            "window_start": s.window_start, "window_end": s.window_end, "warehouse_id": r["warehouse_id"]}, (HISTORY,))
        x = ratio(p95, base)
        out.append(make_finding(
            s, "warehouse_query_latency", by_ratio(x, high=3.0, critical=6.0), "warehouse", r["warehouse_id"], "p95_execution_ms",
            p95, base,
            f"Warehouse {r['warehouse_id']}: p95 execution time {p95 / 1000:.1f} s, {x:.1f}x its baseline "
            f"({int(r['window_slow_queries'])} statements over {s.settings.slow_query_ms / 1000:.0f} s)",
            "Open the slowest statements' query profiles (scans, spills, missing file pruning); check table layout "
            "(OPTIMIZE / liquid clustering) and recent schema or data-volume changes.",
            {"workspace_id": r["workspace_id"], "ratio": x, "window_p50_ms": r["window_p50_ms"], "baseline_p50_ms": r["baseline_p50_ms"],
             "window_queries": r["window_queries"], "slow_queries": r["window_slow_queries"],
             "slowest": [{k: q[k] for k in ("statement_id", "executed_by", "execution_duration_ms", "statement_text")} for q in slowest]},
        ))
    return out


def _queue_params(s: Sweep) -> dict[str, Any]:
    return _bucket_params(s)


def _queueing(s: Sweep, rows: list[Row], _: PerObject | None) -> list[Finding]:
    out = []
    for r in rows:
        p95, base = num(r["window_p95_queue_ms"]), num(r["baseline_p95_queue_ms"])
        if int(num(r["window_queries"])) < s.settings.min_queries or p95 < s.settings.queue_p95_s * 1000:
            continue
        if p95 < s.settings.queue_ratio * max(base, 1000.0):
            continue
        share = num(r["window_queued_share"])
        out.append(make_finding(
            s, "warehouse_queueing", "high" if share >= 0.25 else "medium", "warehouse", r["warehouse_id"], "p95_queue_ms", p95, base,
            f"Warehouse {r['warehouse_name'] or r['warehouse_id']}: {100 * share:.0f}% of statements waited for capacity, "
            f"p95 wait {p95 / 1000:.0f} s (max clusters {r['max_clusters']})",
            "Raise max_clusters (scaling) or the size, or move heavy workloads to another warehouse; check whether the "
            "limit was lowered recently.",
            {"workspace_id": r["workspace_id"], "queued_share": share, "baseline_queued_share": r["baseline_queued_share"],
             "max_queue_ms": r["window_max_queue_ms"], "window_queries": r["window_queries"], "warehouse_size": r["warehouse_size"],
             "min_clusters": r["min_clusters"], "max_clusters": r["max_clusters"]},
        ))
    return out


def _util_params(s: Sweep) -> dict[str, Any]:
    return {"window_start": s.window_start, "window_end": s.window_end}


def _utilisation(s: Sweep, rows: list[Row], _: PerObject | None) -> list[Finding]:
    cfg, out = s.settings, []
    for r in rows:
        hours, cpu, mem = num(r["running_hours"]), num(r["avg_cpu_pct"]), num(r["avg_mem_pct"])
        if hours < cfg.min_cluster_hours:
            continue
        evidence = {"workspace_id": r["workspace_id"], "cluster_name": r["cluster_name"], "owner": r["owned_by"],
                    "running_hours": hours, "nodes": r["nodes"], "worker_count": r["worker_count"], "avg_mem_pct": mem,
                    "p95_cpu_pct": r["p95_cpu_pct"], "node_type": r["worker_node_type"]}
        # A cluster that ran most of the window doing nothing is idle: cost/idle_all_purpose reports it.
        idle = hours >= cfg.idle_min_hours and cpu < cfg.idle_cpu_pct
        if cpu < cfg.under_cpu_pct and not idle:
            out.append(make_finding(
                s, "cluster_underutilised", "medium", "cluster", r["cluster_id"], "avg_cpu_pct", cpu, cfg.under_cpu_pct,
                f"Cluster {r['cluster_name']} ({r['cluster_id']}) averaged {cpu:.1f}% CPU over {hours:.1f} h on {r['nodes']} nodes",
                "Reduce workers or enable autoscaling with a lower minimum; a smaller node type may do.", evidence))
        elif cpu >= cfg.over_cpu_pct or mem >= cfg.over_mem_pct:
            out.append(make_finding(
                s, "cluster_overutilised", "high" if mem >= 95 or cpu >= 95 else "medium", "cluster", r["cluster_id"],
                "avg_mem_pct" if mem >= cfg.over_mem_pct else "avg_cpu_pct", mem if mem >= cfg.over_mem_pct else cpu,
                cfg.over_mem_pct if mem >= cfg.over_mem_pct else cfg.over_cpu_pct,
                f"Cluster {r['cluster_name']} ({r['cluster_id']}) ran hot: {cpu:.0f}% CPU and {mem:.0f}% memory on average over {hours:.1f} h",
                "Add workers or use a memory-optimised node type; check for spills and out-of-memory retries.",
                {**evidence, "avg_cpu_pct": cpu}))
    return out


CHECKS = [
    Check("job_duration_regression", "performance", "health/performance/job_duration_regression", (RUNS, "system.lakeflow.jobs"),
          _regression_params, _regressions, description="job execution time vs its own recent runs and their noise"),
    Check("warehouse_query_latency", "performance", "health/performance/warehouse_query_latency", (HISTORY,), _latency_params,
          _latency, description="p95 statement execution time per warehouse and slow statements"),
    Check("warehouse_queueing", "performance", "health/performance/warehouse_queueing", (HISTORY, "system.compute.warehouses"),
          _queue_params, _queueing, description="time statements waited for warehouse capacity"),
    Check("cluster_utilisation", "performance", "health/performance/cluster_utilisation",
          ("system.compute.clusters", "system.compute.node_timeline"), _util_params, _utilisation,
          description="under- and over-utilised all-purpose clusters"),
]
