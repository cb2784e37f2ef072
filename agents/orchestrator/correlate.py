"""Where the domains' results touch: same job, workspace, cluster, warehouse, endpoint, table or day.

Shares are computed from the evidence rows (never estimated): when cost and reliability both
answered, the spend of failed runs is set against the workspace's spend and its increase, a job
that both drove the increase and failed gets its share of each, and the costliest day is
checked for failures. Other overlaps are reported as "touches" with the findings on each side.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from agents.common.textenv import usd
from agents.orchestrator.digest import day_of, failures_per_day, num, pct_text, share, spend_per_day
from agents.orchestrator.labels import Labels
from agents.orchestrator.models import Correlation, CorrelationKind, DomainResult
from include.ops.models import Domain, Finding

MAX_CORRELATIONS = 6
MATERIAL_RISE = 0.05  # a workspace's spend must be this much above its baseline to call it a rise
MATERIAL_SHARE = 0.10  # a job must account for this much of its workspace's rise to call it a driver
MAX_WORKSPACES = 2
REF_KINDS: dict[str, CorrelationKind] = {
    "job": "same_job", "workspace": "same_workspace", "cluster": "same_cluster", "warehouse": "same_warehouse",
    "endpoint": "same_endpoint", "table": "same_table",
}
_EVIDENCE_KEYS = {"workspace_id": "workspace", "job_id": "job", "cluster_id": "cluster", "warehouse_id": "warehouse",
                  "endpoint_name": "endpoint", "writer_job": "job", "writer_jobs": "job", "table_full_name": "table",
                  "monitored_table": "table"}


def finding_refs(f: Finding) -> set[str]:
    """`kind:id` references a finding is about (its entity, and ids named in its evidence)."""
    refs: set[str] = set()
    if f.entity_type in REF_KINDS:
        refs.add(f"{f.entity_type}:{f.entity_id}")
    elif f.entity_type == "workspace_sku" and "/" in f.entity_id:
        refs.add(f"workspace:{f.entity_id.split('/', 1)[0]}")
    for key, kind in _EVIDENCE_KEYS.items():
        value = f.evidence.get(key)
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str | int) and not isinstance(item, bool) and str(item):
                refs.add(f"{kind}:{item}")
    return refs


def refs_index(findings: list[Finding]) -> dict[str, list[str]]:
    """ref → `check:finding_id` of the findings about it."""
    index: dict[str, list[str]] = defaultdict(list)
    for f in findings:
        for ref in sorted(finding_refs(f)):
            index[ref].append(f"{f.check}:{f.finding_id}")
    return dict(index)


def _by_domain(results: list[DomainResult]) -> dict[Domain, DomainResult]:
    return {r.domain: r for r in results if r.status != "failed"}


def _workspace_totals(rows: list[dict[str, Any]]) -> dict[str, tuple[float, float]]:
    return {str(r["workspace_id"]): (num(r["ws_window_usd"]), num(r["ws_expected_usd"])) for r in rows}


def _cost_and_failures(cost: DomainResult, rel: DomainResult, labels: Labels) -> list[Correlation]:
    drivers, failed = cost.evidence_table("cost_drivers"), rel.evidence_table("failed_runs")
    if drivers is None or failed is None or not failed.rows:
        return []
    out: list[Correlation] = []
    totals = _workspace_totals(drivers.rows)
    rising = sorted((ws for ws, (w, e) in totals.items() if w > e * (1 + MATERIAL_RISE)),
                    key=lambda ws: totals[ws][1] - totals[ws][0])
    fails_by_ws: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in failed.rows:
        fails_by_ws[str(row["workspace_id"])].append(row)
    for ws in rising[:MAX_WORKSPACES]:
        rows = fails_by_ws.get(ws)
        if not rows:
            continue
        window, expected = totals[ws]
        increase = window - expected
        failed_usd = sum(num(r.get("failed_usd")) for r in rows)
        n_failed = sum(int(num(r["failed_runs"])) for r in rows)
        of_spend, of_increase = share(failed_usd, window), share(min(failed_usd, increase), increase)
        worst = max(rows, key=lambda r: num(r.get("failed_usd")))
        out.append(Correlation(
            kind="same_workspace", key=ws, domains=["cost", "reliability"], evidence=["cost_drivers", "failed_runs"],
            numbers={"workspace_window_usd": round(window, 2), "workspace_increase_usd": round(increase, 2),
                     "failed_runs": n_failed, "failed_usd": round(failed_usd, 2),
                     "failed_share_of_spend_pct": round(100 * (of_spend or 0), 1),
                     "failed_share_of_increase_max_pct": round(100 * (of_increase or 0), 1)},
            statement=f"{labels.of('workspace:' + ws)} spent {usd(window)} (+{usd(increase)} over its baseline) while "
                      f"{n_failed} job run(s) failed there (costliest: {labels.of('job:' + str(worst['job_id']))}). "
                      f"The failed runs cost {usd(failed_usd)}: {pct_text(of_spend)} of the workspace's spend, so at most "
                      f"{pct_text(of_increase)} of its increase can be down to failures.",
        ))
    failing = {str(r["job_id"]): r for r in failed.rows}
    for row in drivers.rows:
        job = str(row["workload_id"])
        if row["workload_type"] != "job" or num(row["change_usd"]) <= 0 or job not in failing:
            continue
        ws = str(row["workspace_id"])
        window, expected = totals.get(ws, (0.0, 0.0))
        f = failing[job]
        part = share(num(row["change_usd"]), window - expected)
        if part is None or part < MATERIAL_SHARE:
            continue
        failed_part = share(num(f.get("failed_usd")), num(f.get("runs_usd")))
        out.append(Correlation(
            kind="same_job", key=job, domains=["cost", "reliability"], evidence=["cost_drivers", "failed_runs"],
            numbers={"job_change_usd": round(num(row["change_usd"]), 2),
                     "share_of_workspace_increase_pct": round(100 * (part or 0), 1),
                     "failed_runs": int(num(f["failed_runs"])), "runs": int(num(f["runs"])),
                     "failed_usd": round(num(f.get("failed_usd")), 2),
                     "failed_share_of_job_run_spend_pct": round(100 * (failed_part or 0), 1)},
            statement=f"{labels.of('job:' + job)} both drove spend (+{usd(num(row['change_usd']))}, {pct_text(part)} of "
                      f"{labels.of('workspace:' + ws)}'s increase) and failed {int(num(f['failed_runs']))} of "
                      f"{int(num(f['runs']))} run(s); its failed runs cost {usd(num(f.get('failed_usd')))} "
                      f"({pct_text(failed_part)} of its run spend).",
        ))
    return out + _same_day(cost, rel, rising[:1], labels)


def _same_day(cost: DomainResult, rel: DomainResult, workspaces: list[str], labels: Labels) -> list[Correlation]:
    """The costliest day of the window in the workspace that rose most, and the failures that day."""
    drivers = cost.evidence_table("cost_drivers")
    if drivers is None or not workspaces:
        return []
    start = day_of(drivers.params["start"])
    last = day_of(datetime.fromisoformat(str(drivers.params["end"])) - timedelta(microseconds=1))
    spend, fails = spend_per_day(cost), failures_per_day(rel)
    out: list[Correlation] = []
    for ws in workspaces:
        days = spend.get(ws, {})
        inside = {d: v for d, v in days.items() if start <= d <= last}
        before = [v for d, v in days.items() if d < start]
        if len(inside) < 2 or not before:
            continue  # a one-day window is already "the same day"
        peak = max(inside, key=lambda d: inside[d])
        runs, failed = fails.get((peak, ws), (0, 0))
        if not failed:
            continue
        baseline = sum(before) / len(before)
        out.append(Correlation(
            kind="same_day", key=f"{peak}/{ws}", domains=["cost", "reliability"], evidence=["cost_by_day", "failures_by_day"],
            numbers={"peak_usd": round(inside[peak], 2), "baseline_daily_usd": round(baseline, 2),
                     "failed_runs": failed, "runs": runs},
            statement=f"On {peak}, the costliest day of the window for {labels.of('workspace:' + ws)} "
                      f"({usd(inside[peak])} vs {usd(baseline)} a day before the window), {failed} of {runs} job run(s) "
                      f"there failed.",
        ))
    return out


def _evidence_refs(result: DomainResult) -> dict[str, list[str]]:
    refs: dict[str, list[str]] = {}
    drivers = result.evidence_table("cost_drivers")
    for row in [r for r in (drivers.rows if drivers else []) if num(r.get("change_usd")) > 0][:3]:
        refs.setdefault(f"{row['workload_type']}:{row['workload_id']}", []).append("cost_drivers")
    failed = result.evidence_table("failed_runs")
    for row in failed.rows if failed else []:
        refs.setdefault(f"job:{row['job_id']}", []).append("failed_runs")
    return refs


def _touches(results: dict[Domain, DomainResult], labels: Labels, covered: set[str]) -> list[Correlation]:
    index: dict[str, dict[Domain, list[str]]] = defaultdict(lambda: defaultdict(list))
    for domain, result in results.items():
        for ref, tagged in result.entity_refs.items():
            index[ref][domain] += tagged
        for ref, names in _evidence_refs(result).items():
            index[ref][domain] += [f"query:{n}" for n in names]
    out: list[Correlation] = []
    for ref, per_domain in index.items():
        kind = REF_KINDS.get(ref.split(":", 1)[0])
        if kind is None or len(per_domain) < 2 or ref in covered:
            continue
        parts = []
        for domain, tagged in per_domain.items():
            found = sorted({t.split(":", 1)[0] for t in tagged if not t.startswith("query:")})
            queried = sorted({t.split(":", 1)[1] for t in tagged if t.startswith("query:")})
            what = ", ".join(found) + (" and " if found and queried else "") + (f"query {', '.join(queried)}" if queried else "")
            parts.append(f"{domain.replace('_', ' ')} ({what})")
        out.append(Correlation(
            kind=kind, key=ref.split(":", 1)[1], domains=sorted(per_domain), numbers={
                f"{d}_findings": float(len([t for t in tagged if not t.startswith("query:")])) for d, tagged in per_domain.items()},
            finding_ids=sorted({t.split(":", 1)[1] for tagged in per_domain.values() for t in tagged if not t.startswith("query:")}),
            statement=f"{labels.of(ref)} shows up in " + " and ".join(parts) + ".",
        ))
    order = list(REF_KINDS.values())
    return sorted(out, key=lambda c: (order.index(c.kind) if c.kind != "same_workspace" else 99, -len(c.domains), c.key))


def correlate(results: list[DomainResult], labels: Labels) -> list[Correlation]:
    """Correlations between the domains that answered, computed ones first."""
    answered = _by_domain(results)
    if len(answered) < 2:
        return []
    computed: list[Correlation] = []
    if "cost" in answered and "reliability" in answered:
        computed = _cost_and_failures(answered["cost"], answered["reliability"], labels)
    covered = {f"{'job' if c.kind == 'same_job' else 'workspace'}:{c.key}" for c in computed if c.kind != "same_day"}
    return (computed + _touches(answered, labels, covered))[:MAX_CORRELATIONS]
