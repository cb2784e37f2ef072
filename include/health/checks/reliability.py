"""Reliability checks: failure streaks, failure-rate increases, jobs that stopped running, SLA compliance,
jobs at risk, MTTR."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from typing import Any

from include.health.checks.base import Check, PerObject, Row, Sweep, make_finding, num
from include.ops.models import Finding, Severity
from include.schedules import fires_between

RUNS, JOBS = "system.lakeflow.job_run_timeline", "system.lakeflow.jobs"


def _streak_params(s: Sweep) -> dict[str, Any]:
    return {"window_start": s.window_start, "window_end": s.window_end, "history_start": s.before(s.settings.long_baseline_days),
            "streak_min": min(s.settings.streak_min, s.settings.streak_min_daily)}


def _at_most_twice_a_day(r: Row, since: Any) -> bool:
    """The job's cron fires at most 14 times in the week from `since` (False when there is no readable cron)."""
    if not r.get("cron") or since is None:
        return False
    try:
        return fires_between(r["cron"], r.get("timezone"), since, since + timedelta(days=7), limit=15) <= 14
    except ValueError:
        return False


def _streaks(s: Sweep, rows: list[Row], _: PerObject | None) -> list[Finding]:
    out = []
    for r in rows:
        n = int(r["failed_runs"])
        # a daily job failing twice is two days without its output; an hourly job's two failures may be a blip
        if n < s.settings.streak_min and not _at_most_twice_a_day(r, r["first_failure"]):
            continue
        codes = sorted(c for c in r["termination_codes"] or [] if c)  # none when runs carry no codes
        how = f" ({', '.join(codes)})" if codes else ""
        since = f"since {r['last_success']:%Y-%m-%d %H:%M} UTC" if r["last_success"] else "with no success in the history"
        # every failed run started by hand ("Run now"): whoever started each one saw it fail — told, not paged
        by_hand = int(num(r.get("manual_runs"))) >= n
        severity: Severity = "low" if by_hand else "critical" if n >= 5 else "high"
        out.append(make_finding(
            s, "failure_streak", severity, "job", r["job_id"], "consecutive_failures", n, 0.0,
            f"Job {r['job_name'] or r['job_id']} failed its last {n} runs{how}, {since}"
            + ("; every one was started by hand" if by_hand else ""),
            "Triage the latest failed run's error; a streak with the same error will not fix itself by retrying.",
            {"workspace_id": r["workspace_id"], "job_name": r["job_name"], "termination_codes": codes,
             "first_failure": r["first_failure"], "last_failure": r["last_failure"], "last_success": r["last_success"],
             "last_run_id": r["last_run_id"], "manual_runs": int(num(r.get("manual_runs")))},
        ))
    return out


def _silence_params(s: Sweep) -> dict[str, Any]:
    cfg = s.settings
    return {"history_start": s.before(cfg.long_baseline_days), "window_end": s.window_end,
            "grace_s": cfg.stale_grace_hours * 3600, "min_runs": cfg.stale_min_writes}


def _missed_runs(s: Sweep, r: Row) -> int:
    """Scheduled runs due since the last one started (its cron, in its time zone), the last `grace` excepted.

    A schedule that cannot be read falls back to the median gap between the job's runs.
    """
    until = s.window_end - timedelta(hours=s.settings.stale_grace_hours)
    try:
        return fires_between(r["cron"], r.get("timezone"), r["last_start"], until)
    except ValueError:
        interval = num(r["interval_s"])
        return int(num(r["age_s"]) // interval) if interval > 0 else 0


def _misses_that_matter(s: Sweep, r: Row) -> int:
    """Missed runs worth telling: `missed_intervals_daily` for a cron firing at most twice a day, else
    `missed_intervals` (a 15-minute job skipping one slot is jitter)."""
    try:
        week = fires_between(r["cron"], r.get("timezone"), r["last_start"], r["last_start"] + timedelta(days=7), limit=15)
    except ValueError:
        return s.settings.missed_intervals
    return s.settings.missed_intervals_daily if week <= 14 else s.settings.missed_intervals


def _silent(s: Sweep, rows: list[Row], _: PerObject | None) -> list[Finding]:
    out = []
    for r in rows:
        missed = _missed_runs(s, r)
        if missed < _misses_that_matter(s, r):
            continue
        age_h, interval_h = num(r["age_s"]) / 3600, num(r["interval_s"]) / 3600
        out.append(make_finding(
            s, "job_not_running", "high" if missed >= 3 else "medium", "job", r["job_id"], "missed_runs",
            missed, 0.0,
            f"Scheduled job {r['job_name'] or r['job_id']} has not started for {age_h:.0f} h: {missed} scheduled runs "
            f"missed (schedule `{r['cron']}`), none failed",
            "Check the job's schedule and trigger in the workspace (edited, broken cron, or a run stuck queued) and the "
            "tables it writes; nothing failed, so nothing else will tell you.",
            {"workspace_id": r["workspace_id"], "job_name": r["job_name"], "cron": r["cron"], "last_start": r["last_start"],
             "runs_in_history": r["runs"], "hours_since_last_run": age_h, "usual_interval_h": interval_h},
        ))
    return out


def _rate_params(s: Sweep) -> dict[str, Any]:
    return {"window_start": s.window_start, "window_end": s.window_end, "baseline_start": s.before(s.settings.baseline_days)}


def _rates(s: Sweep, rows: list[Row], _: PerObject | None) -> list[Finding]:
    cfg, out = s.settings, []
    for r in rows:
        runs, fails = int(r["window_runs"]), int(num(r["window_failures"]))
        base_runs, base_fails = int(r["baseline_runs"]), int(num(r["baseline_failures"]))
        rate = fails / runs
        base = base_fails / base_runs if base_runs else 0.0
        if runs < cfg.failure_rate_min_runs or fails < cfg.failure_rate_min_failures:
            continue
        if rate < cfg.failure_rate_min or rate - base < cfg.failure_rate_increase:
            continue
        codes = sorted(c for c in r["termination_codes"] or [] if c)  # none when runs carry no codes
        out.append(make_finding(
            s, "failure_rate_change", "high" if rate >= 0.5 else "medium", "job", r["job_id"], "failure_rate", rate, base,
            f"Job {r['job_name'] or r['job_id']} failed {fails} of {runs} runs ({100 * rate:.0f}%) vs {100 * base:.1f}% before",
            "Look for a shared cause across the failed runs (capacity, upstream service, a flaky dependency) and add retries "
            "only for genuinely transient errors.",
            {"workspace_id": r["workspace_id"], "job_name": r["job_name"], "window_runs": runs, "window_failures": fails,
             "baseline_runs": base_runs, "baseline_failures": base_fails, "termination_codes": codes},
        ))
    return out


def _sla_params(s: Sweep) -> dict[str, Any]:
    return {"window_start": s.window_start, "window_end": s.window_end, "baseline_start": s.before(s.settings.baseline_days)}


def _sla(s: Sweep, rows: list[Row], _: PerObject | None) -> list[Finding]:
    out = []
    for r in rows:
        runs = int(r["window_runs"])
        if not runs:
            continue
        pct = 100 * int(r["window_within"]) / runs
        base_runs = int(r["baseline_runs"])
        base_pct = 100 * int(r["baseline_within"]) / base_runs if base_runs else None
        if pct >= s.settings.sla_target_pct:
            continue
        sla = num(r["sla_s"])
        worst = num(r["window_max_s"])
        out.append(make_finding(
            s, "sla_compliance", "high" if pct < 50 else "medium", "job", r["job_id"], "sla_compliance_pct", pct, base_pct,
            f"Job {r['job_name'] or r['job_id']} met its {sla / 60:.0f}-min duration SLA in {pct:.0f}% of {runs} run(s); "
            f"longest {worst / 60:.0f} min" + (f" (baseline {base_pct:.0f}%)" if base_pct is not None else ""),
            "Find what made the runs longer (data growth, slower upstream, smaller cluster) and either tune the job or agree a "
            "new SLA with its consumers.",
            {"workspace_id": r["workspace_id"], "job_name": r["job_name"], "sla_s": sla, "window_max_s": worst,
             "window_runs": runs, "baseline_compliance_pct": base_pct, "baseline_max_s": r["baseline_max_s"]},
        ))
    return out


def _risk_params(s: Sweep) -> dict[str, Any]:
    return {"window_start": s.window_start, "window_end": s.window_end}


def _at_risk(s: Sweep, rows: list[Row], _: PerObject | None) -> list[Finding]:
    limit_share = s.settings.at_risk_pct / 100
    out = []
    for r in rows:
        worst = num(r["window_max_s"])
        for kind, limit in (("SLA", r["sla_s"]), ("timeout", r["timeout_s"])):
            if not limit:
                continue
            share = worst / float(limit)
            if limit_share <= share < 1.0:
                out.append(make_finding(
                    s, "jobs_at_risk", "medium", "job", r["job_id"], f"share_of_{kind.lower()}", 100 * share, 100 * limit_share,
                    f"Job {r['job_name'] or r['job_id']}'s longest run took {100 * share:.0f}% of its {kind} "
                    f"({worst / 60:.0f} of {float(limit) / 60:.0f} min)",
                    f"Act before it breaches: check the duration trend and raise the {kind} or speed the job up.",
                    {"workspace_id": r["workspace_id"], "job_name": r["job_name"], "limit_kind": kind, "limit_s": limit,
                     "window_max_s": worst},
                ))
                break
    return out


def _mttr_params(s: Sweep) -> dict[str, Any]:
    return {"history_start": s.before(s.settings.long_baseline_days), "window_end": s.window_end}


def _mttr(s: Sweep, rows: list[Row], _: PerObject | None) -> list[Finding]:
    by_ws: dict[str, list[Row]] = defaultdict(list)
    for r in rows:
        by_ws[r["workspace_id"]].append(r)
    out = []
    for ws, items in sorted(by_ws.items()):
        outages = sum(int(r["recovered_outages"]) for r in items)
        mean = sum(num(r["mttr_s"]) * int(r["recovered_outages"]) for r in items) / outages
        worst = sorted(items, key=lambda r: -num(r["mttr_s"]))[:5]
        out.append(make_finding(
            s, "mttr", "low", "workspace", ws, "mttr_minutes", mean / 60, None,
            f"Workspace {s.workspace(ws)}: {outages} job outage(s) recovered in the last {s.settings.long_baseline_days} days, "
            f"mean time to recovery {mean / 60:.0f} min",
            "Informational: track it over time; the slowest recoveries are listed.",
            {"outages": outages, "slowest": [{"job_id": r["job_id"], "mttr_minutes": num(r["mttr_s"]) / 60,
                                              "outages": r["recovered_outages"]} for r in worst]},
            informational=True,
        ))
    return out


CHECKS = [
    Check("failure_streak", "reliability", "health/reliability/failure_streak", (RUNS, JOBS), _streak_params, _streaks,
          description="jobs whose latest runs all failed"),
    Check("failure_rate_change", "reliability", "health/reliability/failure_rate_change", (RUNS, JOBS), _rate_params, _rates,
          description="failure rate in the window vs the baseline"),
    Check("job_not_running", "reliability", "health/reliability/job_not_running", (RUNS, JOBS), _silence_params, _silent,
          description="scheduled jobs that stopped running without failing (missed intervals)"),
    Check("sla_compliance", "reliability", "health/reliability/sla_compliance", (RUNS, JOBS), _sla_params, _sla,
          description="runs within the run-duration SLA (health rule)"),
    Check("jobs_at_risk", "reliability", "health/reliability/jobs_at_risk", (RUNS, JOBS), _risk_params, _at_risk,
          description="runs close to their SLA or timeout"),
    Check("mttr", "reliability", "health/reliability/mttr", (RUNS,), _mttr_params, _mttr, informational=True,
          description="mean time to recovery (informational)"),
]
