"""Facts from the evidence queries: short sentences with the numbers they rest on.

Every number here is read from a query row or is a sum/ratio/difference of such numbers; the
same facts feed the deterministic answer and the LLM's evidence (so it can cite them).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field

from agents.common.textenv import usd
from agents.orchestrator.labels import Labels
from agents.orchestrator.models import DomainResult
from include.formatting import pct_rounded
from include.ops.models import Domain

FLAT_SHARE = 0.10  # a window within 10% of what was expected did not spike
MAX_DRIVERS = 3
MAX_FAILED_JOBS = 5
MAX_SERIES_POINTS = 14


class Fact(BaseModel):
    """One sentence of an answer and the numbers in it."""

    domain: Domain
    text: str
    numbers: dict[str, float] = Field(default_factory=dict)
    source: str = Field(description="Evidence query the fact comes from.")


def num(value: Any) -> float:
    """A float from a query cell (None → 0)."""
    return 0.0 if value is None else float(value)


def share(part: float, whole: float) -> float | None:
    """part / whole, or None when the whole is not positive."""
    return part / whole if whole > 0 else None


pct_text = pct_rounded


def day_of(value: Any) -> str:
    """`2026-05-12` from a date, datetime or ISO string cell."""
    if isinstance(value, datetime | date):
        return value.isoformat()[:10]
    return str(value)[:10]


def cost_facts(result: DomainResult, labels: Labels, baseline_label: str) -> list[Fact]:
    """Window spend vs the baseline, the workloads that moved most, the daily series where it moved."""
    drivers = result.evidence_table("cost_drivers")
    out: list[Fact] = []
    if drivers and drivers.rows:
        first = drivers.rows[0]
        total, expected = num(first.get("total_window_usd")), num(first.get("total_expected_usd"))
        change = total - expected
        ratio = share(change, expected)
        numbers = {"window_usd": round(total, 2), "expected_usd": round(expected, 2), "change_usd": round(change, 2),
                   **({"change_pct": round(100 * ratio, 1)} if ratio is not None else {})}
        if change < 0:  # the premise of "why did cost spike" is wrong: say so before anything else
            text = (f"Spend did not rise: {usd(total)} in the window across all workspaces, "
                    + (f"{pct_text(-ratio)} below " if ratio is not None else "below ")
                    + f"the {usd(expected)} expected from {baseline_label}.")
        elif ratio is not None and ratio < FLAT_SHARE:
            text = (f"Spend was about as expected: {usd(total)} in the window across all workspaces against "
                    f"{usd(expected)} from {baseline_label} (+{pct_text(ratio)}).")
        else:
            text = (f"Total spend in the window was {usd(total)} across all workspaces, against {usd(expected)} expected "
                    f"from {baseline_label} (+{usd(change)}" + (f", +{pct_text(ratio)})." if ratio is not None else ")."))
        out.append(Fact(domain="cost", source="cost_drivers", numbers=numbers, text=text))
        for row in [r for r in drivers.rows if num(r.get("change_usd")) > 0][:MAX_DRIVERS]:
            ref = f"{row['workload_type']}:{row['workload_id']}"
            delta = num(row["change_usd"])
            part = share(delta, change) if change > 0 else None  # a share of a fall is meaningless
            out.append(Fact(domain="cost", source="cost_drivers", numbers={
                "window_usd": round(num(row["window_usd"]), 2), "expected_usd": round(num(row["expected_usd"]), 2),
                "change_usd": round(delta, 2), **({"share_of_change_pct": round(100 * part, 1)} if part is not None else {})},
                text=f"{labels.of(ref)} in {labels.of('workspace:' + str(row['workspace_id']))} ({row['sku_name']}): "
                     f"{usd(num(row['window_usd']))} vs {usd(num(row['expected_usd']))} expected, +{usd(delta)}"
                     + (f", {pct_text(part)} of the overall change." if part is not None and part <= 1
                        else " (one of the few increases while the total fell)." if change < 0 else ".")))
    series = _daily_series(result, drivers.rows[0]["workspace_id"] if drivers and drivers.rows else None, labels)
    if series:
        out.append(series)
    return out


def _daily_series(result: DomainResult, workspace: str | None, labels: Labels) -> Fact | None:
    table = result.evidence_table("cost_by_day")
    if table is None or workspace is None:
        return None
    points = [(day_of(r["day"]), num(r["usd"])) for r in table.rows if r.get("workspace_id") == workspace]
    points = points[-MAX_SERIES_POINTS:]
    if len(points) < 2:
        return None
    text = ", ".join(f"{d[5:]} {usd(v)}" for d, v in points)
    return Fact(domain="cost", source="cost_by_day", numbers={f"usd_{d}": round(v, 2) for d, v in points},
                text=f"Daily spend of {labels.of('workspace:' + workspace)}: {text}.")


def reliability_facts(result: DomainResult, labels: Labels) -> list[Fact]:
    """Jobs with failed runs in the window, their termination codes, and what the failed runs cost."""
    table = result.evidence_table("failed_runs")
    if table is None:
        return []
    if not table.rows:
        return [Fact(domain="reliability", source="failed_runs", numbers={"failed_runs": 0},
                     text="No job run failed in the window.")]
    failed = sum(int(num(r["failed_runs"])) for r in table.rows)
    cost = sum(num(r.get("failed_usd")) for r in table.rows)
    more = " (at least; the list is capped)" if table.truncated else ""
    out = [Fact(domain="reliability", source="failed_runs",
                numbers={"failed_runs": failed, "jobs_with_failures": len(table.rows), "failed_usd": round(cost, 2)},
                text=f"{failed} job run(s) failed in the window, across {len(table.rows)} job(s){more}; "
                     f"the failed runs cost {usd(cost)}.")]
    for row in table.rows[:MAX_FAILED_JOBS]:
        runs, n = int(num(row["runs"])), int(num(row["failed_runs"]))
        code = row.get("termination_code") or "unknown"
        codes = int(num(row.get("termination_codes")))
        out.append(Fact(domain="reliability", source="failed_runs",
                        numbers={"failed_runs": n, "runs": runs, "failed_usd": round(num(row.get("failed_usd")), 2)},
                        text=f"{labels.of('job:' + str(row['job_id']))} failed {n} of {runs} run(s) "
                             f"({code}{f' and {codes - 1} other code(s)' if codes > 1 else ''}); "
                             f"failed runs cost {usd(num(row.get('failed_usd')))}."))
    return out


def failures_per_day(result: DomainResult) -> dict[tuple[str, str], tuple[int, int]]:
    """(day, workspace) → (runs, failed runs) from `failures_by_day`."""
    table = result.evidence_table("failures_by_day")
    out: dict[tuple[str, str], tuple[int, int]] = {}
    for row in table.rows if table else []:
        out[(day_of(row["day"]), str(row["workspace_id"]))] = (int(num(row["runs"])), int(num(row["failed_runs"])))
    return out


def spend_per_day(result: DomainResult) -> dict[str, dict[str, float]]:
    """workspace → day → USD from `cost_by_day`."""
    table = result.evidence_table("cost_by_day")
    out: dict[str, dict[str, float]] = defaultdict(dict)
    for row in table.rows if table else []:
        out[str(row["workspace_id"])][day_of(row["day"])] = num(row["usd"])
    return dict(out)


def facts_for(results: list[DomainResult], labels: Labels, baseline_label: str) -> list[Fact]:
    """The evidence facts of every domain that answered."""
    out: list[Fact] = []
    for result in results:
        if result.domain == "cost":
            out += cost_facts(result, labels, baseline_label)
        elif result.domain == "reliability":
            out += reliability_facts(result, labels)
    return out
