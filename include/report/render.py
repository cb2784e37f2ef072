"""Render the report's HTML (standalone file or e-mail body) and its plain-text alternative."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Literal

from jinja2 import Environment

from include.formatting import number, timestamp
from include.report.charts import ChartImage
from include.report.models import ReportData
from include.templating import template_environment

TEMPLATES = Path(__file__).resolve().parent / "templates"
ImageMode = Literal["data", "cid"]

DOMAIN_LABELS = {
    "cost": "Cost",
    "security": "Security",
    "performance": "Performance",
    "reliability": "Reliability",
    "data_quality": "Data quality",
    "mlops": "MLOps",
}
STATE_LABELS = {"ok": "healthy", "findings": "findings", "errors": "check errors", "not_run": "not run"}


@functools.cache
def _env() -> Environment:
    env = template_environment(TEMPLATES, "mixed", keep_trailing_newline=True)
    env.globals.update(
        fmt_ts=fmt_ts,
        fmt_num=fmt_num,
        domain_label=lambda d: DOMAIN_LABELS.get(d, d),
        state_label=lambda s: STATE_LABELS.get(s, s),
        severities=("critical", "high", "medium", "low"),
    )
    return env


fmt_ts = timestamp
fmt_num = number


def render_html(data: ReportData, charts: Sequence[ChartImage], *, generated_at: datetime, images: ImageMode = "data") -> str:
    """The report as HTML: charts as SVG data URIs (`data`, a standalone file) or `cid:` refs (e-mail)."""
    image_src: Callable[[ChartImage], str] = (lambda c: c.data_uri()) if images == "data" else (lambda c: f"cid:{c.name}")
    return _env().get_template("report.html.j2").render(data=data, charts=charts, generated_at=generated_at, image_src=image_src)


def render_text(data: ReportData, *, generated_at: datetime) -> str:
    """The plain-text alternative (e-mail clients without HTML, and the CLI/Airflow log summary)."""
    return _env().get_template("report.txt.j2").render(data=data, generated_at=generated_at)
