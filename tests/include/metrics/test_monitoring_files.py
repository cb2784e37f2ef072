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
from include.metrics.stored import stored_snapshot, write_snapshot
from include.ui.models import PendingApproval
from tests.plugins.conftest import NOW
from tests.plugins.sample_ops import write_sample_ops

ROOT = Path(__file__).resolve().parents[3]
METRIC = re.compile(r"\b(lakepilot_[a-z0-9_]+)")


def _exposed(lakehouse, tmp_path: Path) -> set[str]:
    """What a scrape exposes, live (local mode) and from a stored snapshot (Databricks mode)."""
    write_sample_ops(lakehouse, NOW)
    approvals = [PendingApproval(dag_id="d", dag_run_id="r", task_id="t", subject="s", created_at=NOW)]
    snap = collect(LocalWarehouse(lakehouse), approvals=approvals, now=NOW)
    write_snapshot(snap, tmp_path / "snapshot.json")
    stored = stored_snapshot(approvals, now=NOW, path=tmp_path / "snapshot.json")
    names: set[str] = set()
    for text in (render(snap).decode(), render(stored).decode()):
        names |= {s.name for f in text_string_to_metric_families(text) for s in f.samples}
    return names


def _airflow_metric_names() -> set[str]:
    """Prometheus names of the metrics the pinned Airflow emits over StatsD (prefix `airflow`, dots as `_`)."""
    import airflow

    call = re.compile(r"\b[Ss]tats\.(?:incr|decr|gauge|timing|timer)\(\s*[\"']([a-z_.]+)[\"']")
    names = set()
    for path in Path(airflow.__file__).parent.rglob("*.py"):
        names |= {"airflow_" + n.replace(".", "_") for n in call.findall(path.read_text(errors="replace"))}
    return names


def _dashboard_exprs() -> list[str]:
    dashboard = json.loads((ROOT / "monitoring/grafana/dashboards/lakepilot.json").read_text())
    return [t["expr"] for p in dashboard["panels"] for t in p.get("targets", [])]


def _alert_exprs() -> list[str]:
    rules = yaml.safe_load((ROOT / "monitoring/lakepilot_alerts.yml").read_text())
    return [str(r["expr"]) for g in rules["groups"] for r in g["rules"]]


def test_airflow_panels_and_alerts_use_metrics_the_pinned_airflow_emits() -> None:
    emitted = _airflow_metric_names()
    assert "airflow_scheduler_heartbeat" in emitted  # the scan finds Airflow's own calls
    used = {n for expr in _dashboard_exprs() + _alert_exprs() for n in re.findall(r"\b(airflow_[a-z0-9_]+)", expr)}
    assert {"airflow_scheduler_heartbeat", "airflow_ti_finish", "airflow_pool_open_slots"} <= used
    assert used <= emitted, f"Airflow never emits: {sorted(used - emitted)}"


def test_dashboard_and_alerts_reference_only_exposed_metrics(lakehouse, tmp_path) -> None:
    exposed = _exposed(lakehouse, tmp_path)
    exprs = _dashboard_exprs() + _alert_exprs()
    used = {name for expr in exprs for name in METRIC.findall(expr)}
    assert used, "no LakePilot metric referenced"
    assert used <= exposed, f"queried but never exposed: {sorted(used - exposed)}"
    # Every family the brief asks for is on the dashboard.
    for family in ("lakepilot_findings_open", "lakepilot_remediation_decisions", "lakepilot_sweep_duration_seconds",
                   "lakepilot_triage_duration_seconds", "lakepilot_approvals_pending", "lakepilot_llm_calls_total",
                   "lakepilot_llm_tokens_total", "lakepilot_llm_cost_usd_total", "lakepilot_llm_latency_seconds"):
        assert any(family in expr for expr in _dashboard_exprs()), family
