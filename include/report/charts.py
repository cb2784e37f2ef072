"""The report's charts, drawn with matplotlib: SVG for the HTML file, PNG for e-mail.

Each chart is one figure saved twice; an empty series still yields a chart that says
"no data" rather than a blank space, so a missing chart is never mistaken for a calm day.
"""

from __future__ import annotations

import base64
import io
from collections import defaultdict
from collections.abc import Sequence
from datetime import date, timedelta
from types import ModuleType
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from include.report.models import CostPoint, RunDay

if TYPE_CHECKING:
    from matplotlib.figure import Figure

# A matplotlib Axes. Any, because matplotlib's stubs take only floats for positions where these charts
# pass dates (which matplotlib's unit converters accept at run time).
_Axes = Any

INK = "#1f2937"
MUTED = "#6b7280"
GRID = "#e5e7eb"
PALETTE = ["#2563eb", "#0d9488", "#d97706", "#7c3aed", "#db2777", "#65a30d", "#94a3b8"]
GOOD = "#16a34a"
BAD = "#dc2626"
WARN = "#f59e0b"
MAX_SERIES = 6
SIZE_IN = (7.6, 2.7)
UNAVAILABLE = "data unavailable (see Data notes)"
DPI = 110


class ChartImage(BaseModel):
    """One rendered chart."""

    name: str
    title: str
    alt: str
    svg: bytes
    png: bytes
    empty: bool = False
    note: str = ""

    def data_uri(self) -> str:
        """For the standalone HTML file: the SVG as a data: URI (needs no network)."""
        return "data:image/svg+xml;base64," + base64.b64encode(self.svg).decode()


def _figure() -> tuple[ModuleType, Figure, _Axes]:  # (matplotlib.pyplot, the figure, its axes)
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    plt.rcParams.update(
        {
            "font.family": "DejaVu Sans",
            "font.size": 9,
            "axes.edgecolor": GRID,
            "axes.labelcolor": MUTED,
            "xtick.color": MUTED,
            "ytick.color": MUTED,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "svg.fonttype": "path",
            "svg.hashsalt": "lakepilot",
        }
    )
    fig, ax = plt.subplots(figsize=SIZE_IN, dpi=DPI)
    ax.grid(axis="y", color=GRID, linewidth=0.8)
    ax.set_axisbelow(True)
    return plt, fig, ax


def _finish(plt: ModuleType, fig: Figure, name: str, title: str, alt: str, note: str) -> ChartImage:
    fig.tight_layout(pad=0.6)
    svg, png = io.BytesIO(), io.BytesIO()
    fig.savefig(svg, format="svg", metadata={"Date": None})
    fig.savefig(png, format="png", dpi=DPI * 2)
    plt.close(fig)
    return ChartImage(name=name, title=title, alt=note or alt, svg=svg.getvalue(), png=png.getvalue(), empty=bool(note), note=note)


def _no_data(ax: _Axes, message: str) -> str:
    ax.text(0.5, 0.5, message, ha="center", va="center", color=MUTED, fontsize=10, transform=ax.transAxes)
    ax.set_yticks([])
    return message


def _days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


def _date_axis(ax: _Axes, days: list[date]) -> None:
    import matplotlib.dates as mdates

    ax.set_xlim(days[0] - timedelta(hours=12), days[-1] + timedelta(hours=12))
    # matplotlib.dates has no annotations: its constructors are untyped calls
    ax.xaxis.set_major_locator(mdates.WeekdayLocator(byweekday=mdates.MO))  # type: ignore[no-untyped-call]
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%d %b"))  # type: ignore[no-untyped-call]


def cost_chart(
    points: Sequence[CostPoint], start: date, end: date, names: dict[str, str] | None = None, *, unavailable: bool = False
) -> ChartImage:
    """Stacked daily list-price cost per workspace (the biggest few; the rest as 'other')."""
    from matplotlib.ticker import FuncFormatter

    plt, fig, ax = _figure()
    days = _days(start, end)
    totals: dict[str, float] = defaultdict(float)
    for p in points:
        totals[p.workspace_id] += p.usd
    ranked = sorted(totals, key=totals.__getitem__, reverse=True)
    shown = ranked[:MAX_SERIES] if len(ranked) <= MAX_SERIES else ranked[: MAX_SERIES - 1]
    series: dict[str, list[float]] = {ws: [0.0] * len(days) for ws in shown}
    if len(ranked) > len(shown):
        series["other"] = [0.0] * len(days)
    index = {d: i for i, d in enumerate(days)}
    for p in points:
        if p.day in index:
            series[p.workspace_id if p.workspace_id in shown else "other"][index[p.day]] += p.usd
    names = names or {}
    note = ""
    if series:
        labels = [names.get(ws, ws) for ws in series]
        ax.stackplot(days, list(series.values()), labels=labels, colors=PALETTE[: len(series)], alpha=0.85, linewidth=0)
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"${v:,.0f}"))
        ax.legend(loc="upper left", ncol=min(len(series), 4), frameon=False, fontsize=8)
        ax.set_ylim(0, max(sum(col) for col in zip(*series.values(), strict=True)) * 1.25 or 1)
    else:
        note = _no_data(ax, UNAVAILABLE if unavailable else "no billable usage in this period")
    _date_axis(ax, days)
    total = sum(totals.values())
    alt = f"Daily list-price cost per workspace, {start:%d %b} to {end:%d %b}: ${total:,.0f} in total."
    return _finish(plt, fig, "cost_trend", "Daily cost by workspace (USD, list price)", alt, note)


def reliability_chart(days_data: Sequence[RunDay], start: date, end: date, *, unavailable: bool = False) -> ChartImage:
    """Job success rate and SLA compliance per day (percent)."""
    from matplotlib.ticker import PercentFormatter

    plt, fig, ax = _figure()
    days = _days(start, end)
    by_day = {r.day: r for r in days_data}
    success = [by_day[d].success_rate if d in by_day else None for d in days]
    sla = [by_day[d].sla_rate if d in by_day else None for d in days]
    has_success = any(v is not None for v in success)
    has_sla = any(v is not None for v in sla)
    note = ""
    if has_success or has_sla:
        nan = float("nan")
        ax.plot(days, [nan if v is None else v * 100 for v in success], color=PALETTE[0], marker="o", markersize=3, linewidth=1.8, label="job success rate")
        if has_sla:
            ax.plot(days, [nan if v is None else v * 100 for v in sla], color=PALETTE[1], marker="s", markersize=3, linewidth=1.8, label="SLA compliance")
        values = [v * 100 for v in success + sla if v is not None]
        ax.set_ylim(max(0.0, min(values) - 5), 101)
        ax.yaxis.set_major_formatter(PercentFormatter(decimals=0))
        ax.legend(loc="lower left", frameon=False, fontsize=8)
    else:
        note = _no_data(ax, UNAVAILABLE if unavailable else "no finished job runs in this period")
    _date_axis(ax, days)
    mean = [v for v in success if v is not None]
    alt = f"Job success rate per day; average {sum(mean) / len(mean):.1%}." if mean else "No finished job runs."
    return _finish(plt, fig, "reliability_trend", "Job success rate and SLA compliance", alt, note)


def failures_chart(days_data: Sequence[RunDay], start: date, end: date, *, unavailable: bool = False) -> ChartImage:
    """Failed (and cancelled/skipped) job runs per day."""
    from matplotlib.ticker import MaxNLocator

    plt, fig, ax = _figure()
    days = _days(start, end)
    by_day = {r.day: r for r in days_data}
    failed = [by_day[d].failed if d in by_day else 0 for d in days]
    other = [by_day[d].other if d in by_day else 0 for d in days]
    note = ""
    if by_day:
        ax.bar(days, failed, color=BAD, width=0.7, label="failed / error / timed out")
        ax.bar(days, other, bottom=failed, color=GRID, width=0.7, label="cancelled / skipped")
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_ylim(0, max(f + o for f, o in zip(failed, other, strict=True)) * 1.3 or 1)
        ax.legend(loc="upper left", frameon=False, fontsize=8, ncol=2)
    else:
        note = _no_data(ax, UNAVAILABLE if unavailable else "no finished job runs in this period")
    _date_axis(ax, days)
    alt = f"Failed job runs per day: {sum(failed)} in total over {len(days)} days."
    return _finish(plt, fig, "failures_per_day", "Failed job runs per day", alt, note)
