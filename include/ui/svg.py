"""Small server-side SVG charts for the pages (no JavaScript, nothing fetched from the internet)."""

from __future__ import annotations

from markupsafe import Markup, escape

SEVERITY_COLOURS = {"critical": "#b42318", "high": "#e0672b", "medium": "#d4a017", "low": "#4a7bd0"}
OUTCOME_COLOURS = {
    "succeeded": "#1f7a4d", "success": "#1f7a4d", "applied": "#1f7a4d", "resolved": "#1f7a4d",
    "failed": "#b42318", "rejected": "#b42318", "error": "#b42318",
    "pending": "#c77a12", "planned": "#c77a12", "planning": "#c77a12", "running": "#c77a12",
    "escalated": "#6b4fb0", "notified": "#6b4fb0", "skipped": "#8a94a3", "shadow": "#8a94a3",
}
PALETTE = ("#2f6f9f", "#3f9f7f", "#c0823a", "#8a5fb0", "#b24a5a", "#5f8f3f", "#6b7280")


def stacked_bars(
    rows: dict[str, dict[str, int]],
    order: tuple[str, ...],
    colours: dict[str, str],
    *,
    width: int = 560,
    bar: int = 22,
    gap: int = 10,
    label_width: int = 110,
    title: str = "",
    legend: bool = True,
) -> Markup:
    """Horizontal stacked bars: one row per key of `rows`, one segment per `order` entry.

    Args:
        rows: label -> segment -> count.
        order: segment order (left to right) and legend order.
        colours: segment -> fill colour.
    """
    peak = max((sum(v.get(k, 0) for k in order) for v in rows.values()), default=0) or 1
    plot = width - label_width - 50
    height = len(rows) * (bar + gap) + (34 if legend else 4)
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="100%" '
        f'preserveAspectRatio="xMinYMin meet" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
    ]
    for i, (label, values) in enumerate(rows.items()):
        y = i * (bar + gap)
        parts.append(f'<text x="{label_width - 8}" y="{y + bar * 0.7:.1f}" text-anchor="end" class="axis">{escape(label)}</text>')
        x = float(label_width)
        for key in order:
            n = int(values.get(key, 0))
            if n <= 0:
                continue
            w = plot * n / peak
            parts.append(
                f'<rect x="{x:.1f}" y="{y}" width="{max(w, 1.5):.1f}" height="{bar}" rx="2" '
                f'fill="{colours.get(key, "#888")}"><title>{escape(label)} · {escape(key)}: {n}</title></rect>'
            )
            x += w
        total = sum(int(values.get(k, 0)) for k in order)
        parts.append(f'<text x="{x + 6:.1f}" y="{y + bar * 0.7:.1f}" class="value">{total}</text>')
    legend_y = len(rows) * (bar + gap) + 14
    lx = float(label_width)
    for key in order if legend else ():
        parts.append(f'<rect x="{lx:.1f}" y="{legend_y - 9}" width="10" height="10" rx="2" fill="{colours.get(key, "#888")}"/>')
        parts.append(f'<text x="{lx + 14:.1f}" y="{legend_y}" class="legend">{escape(key)}</text>')
        lx += 14 + 8 * len(key) + 18
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every interpolated text above went through escape()


def simple_bars(
    values: dict[str, int], *, title: str = "", width: int = 560, colours: dict[str, str] | None = None
) -> Markup:
    """One bar per label; colours from `colours`, else from a fixed palette."""
    rows = {label: {label: n} for label, n in values.items()}
    known = colours or {}
    colours = {label: known.get(label, PALETTE[i % len(PALETTE)]) for i, label in enumerate(values)}
    return stacked_bars(rows, tuple(values), colours, width=width, title=title, legend=False)
