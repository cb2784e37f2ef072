"""The Grafana dashboard and the alert rules only query metrics LakePilot actually exposes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml
from prometheus_client.parser import text_string_to_metric_families

from include.lakehouse.warehouse import LocalWarehouse
from include.metrics.collect import collect
from include.metrics.exposition import render
from include.ui.models import PendingApproval
from tests.plugins.conftest import NOW
from tests.plugins.sample_ops import write_sample_ops

ROOT = Path(__file__).resolve().parents[3]
METRIC = re.compile(r"\b(lakepilot_[a-z0-9_]+)")


def _exposed(lakehouse) -> set[str]:
    write_sample_ops(lakehouse, NOW)
    approvals = [PendingApproval(dag_id="d", dag_run_id="r", task_id="t", subject="s", created_at=NOW)]
    text = render(collect(LocalWarehouse(lakehouse), approvals=approvals, now=NOW)).decode()
    return {s.name for f in text_string_to_metric_families(text) for s in f.samples}


def _dashboard_exprs() -> list[str]:
    dashboard = json.loads((ROOT / "monitoring/grafana/dashboards/lakepilot.json").read_text())
    return [t["expr"] for p in dashboard["panels"] for t in p.get("targets", [])]


def _alert_exprs() -> list[str]:
    rules = yaml.safe_load((ROOT / "monitoring/lakepilot_alerts.yml").read_text())
    return [str(r["expr"]) for g in rules["groups"] for r in g["rules"]]


def test_dashboard_and_alerts_reference_only_exposed_metrics(lakehouse) -> None:
    exposed = _exposed(lakehouse)
    exprs = _dashboard_exprs() + _alert_exprs()
    used = {name for expr in exprs for name in METRIC.findall(expr)}
    assert used, "no LakePilot metric referenced"
    assert used <= exposed, f"queried but never exposed: {sorted(used - exposed)}"
    # Every family the brief asks for is on the dashboard.
    for family in ("lakepilot_findings_open", "lakepilot_remediation_decisions", "lakepilot_sweep_duration_seconds",
                   "lakepilot_triage_duration_seconds", "lakepilot_approvals_pending", "lakepilot_llm_calls_total",
                   "lakepilot_llm_tokens_total", "lakepilot_llm_cost_usd_total", "lakepilot_llm_latency_seconds"):
        assert any(family in expr for expr in _dashboard_exprs()), family
