"""Every metric, parsed back from the exposition text, equals what the rows written imply."""

from __future__ import annotations

from datetime import timedelta

import pytest
from prometheus_client.parser import text_string_to_metric_families

from include.lakehouse.warehouse import LocalWarehouse, QueryError
from include.metrics.collect import collect
from include.metrics.exposition import render
from include.ops.models import DOMAINS
from include.ui.models import PendingApproval
from tests.plugins.conftest import NOW
from tests.plugins.sample_ops import write_sample_ops


def parse(text: str) -> dict[str, dict[tuple, float]]:
    """name -> {sorted label items (incl. sample suffix name) -> value}."""
    out: dict[str, dict[tuple, float]] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            key = (sample.name, *sorted(sample.labels.items()))
            out.setdefault(family.name, {})[key] = sample.value
    return out


def value(metrics, family: str, sample: str | None = None, **labels) -> float:
    key = (sample or family, *sorted(labels.items()))
    return metrics[family][key]


@pytest.fixture
def scraped(lakehouse):
    sample = write_sample_ops(lakehouse, NOW)
    approvals = [
        PendingApproval(dag_id="provision_infrastructure", dag_run_id="r1", task_id="workspace.approve", subject="a",
                        created_at=NOW - timedelta(minutes=30)),
        PendingApproval(dag_id="provision_infrastructure", dag_run_id="r2", task_id="workspace.approve", subject="b",
                        created_at=NOW - timedelta(minutes=5)),
    ]
    snap = collect(LocalWarehouse(lakehouse), approvals=approvals, now=NOW)
    return sample, parse(render(snap).decode())


def test_open_findings_by_domain_and_severity(scraped) -> None:
    sample, m = scraped
    series = m["lakepilot_findings_open"]
    assert len(series) == len(DOMAINS) * 4  # every combination, zeros included
    for domain in DOMAINS:
        for severity in ("critical", "high", "medium", "low"):
            expected = sample.open_findings.get((domain, severity), 0)
            assert value(m, "lakepilot_findings_open", domain=domain, severity=severity) == expected


def test_remediation_decisions_by_action_and_outcome(scraped) -> None:
    _, m = scraped
    assert m["lakepilot_remediation_decisions"] == {
        ("lakepilot_remediation_decisions", ("action", "ESCALATE"), ("outcome", "notified")): 1.0,
        ("lakepilot_remediation_decisions", ("action", "RETRY"), ("outcome", "pending")): 1.0,
        ("lakepilot_remediation_decisions", ("action", "RETRY_WITH_NEW_PARAMS"), ("outcome", "succeeded")): 1.0,
    }


def test_sweep_durations_histogram_and_latest(scraped) -> None:
    _, m = scraped
    h = "lakepilot_sweep_duration_seconds"
    assert value(m, h, f"{h}_count", domain="cost") == 2
    assert value(m, h, f"{h}_sum", domain="cost") == pytest.approx(50.0)
    assert value(m, h, f"{h}_bucket", domain="cost", le="5.0") == 0
    assert value(m, h, f"{h}_bucket", domain="cost", le="15.0") == 1  # the 8 s sweep
    assert value(m, h, f"{h}_bucket", domain="cost", le="60.0") == 2
    assert value(m, h, f"{h}_bucket", domain="cost", le="+Inf") == 2
    assert value(m, h, f"{h}_count", domain="mlops") == 1
    assert value(m, "lakepilot_sweep_last_duration_seconds", domain="cost") == 42.0
    assert value(m, "lakepilot_sweep_last_timestamp_seconds", domain="cost") == pytest.approx(
        (NOW - timedelta(hours=2)).timestamp())


def test_triage_durations_histogram(scraped) -> None:
    _, m = scraped
    h = "lakepilot_triage_duration_seconds"
    assert value(m, h, f"{h}_count", path="pattern") == 2
    assert value(m, h, f"{h}_sum", path="pattern") == pytest.approx(0.6)
    assert value(m, h, f"{h}_bucket", path="pattern", le="0.5") == 2
    assert value(m, h, f"{h}_count", path="llm") == 1
    assert value(m, h, f"{h}_bucket", path="llm", le="5.0") == 0
    assert value(m, h, f"{h}_bucket", path="llm", le="10.0") == 1


def test_approvals_pending(scraped) -> None:
    _, m = scraped
    assert value(m, "lakepilot_approvals_pending") == 2
    assert value(m, "lakepilot_approval_oldest_wait_seconds") == pytest.approx(1800)
    assert value(m, "lakepilot_approvals_pending_by_dag", dag_id="provision_infrastructure") == 2
    assert value(m, "lakepilot_provisioning_runs", outcome="planning") == 1


def test_llm_calls_tokens_cost_and_latency(scraped) -> None:
    sample, m = scraped
    assert value(m, "lakepilot_llm_calls", "lakepilot_llm_calls_total", agent="cost", model="gpt-4o-mini", status="ok") == 2
    assert value(m, "lakepilot_llm_calls", "lakepilot_llm_calls_total", agent="triage", model="gpt-4o-mini",
                 status="error") == 1
    tokens = "lakepilot_llm_tokens"
    assert value(m, tokens, f"{tokens}_total", agent="cost", model="gpt-4o-mini", type="prompt") == sample.llm_prompt_tokens
    assert value(m, tokens, f"{tokens}_total", agent="cost", model="gpt-4o-mini", type="completion") == \
        sample.llm_completion_tokens
    cost = "lakepilot_llm_cost_usd"
    assert value(m, cost, f"{cost}_total", agent="cost", model="gpt-4o-mini") == pytest.approx(sample.llm_cost_usd)
    assert value(m, cost, f"{cost}_total", agent="triage", model="gpt-4o-mini") == 0
    lat = "lakepilot_llm_latency_seconds"
    assert value(m, lat, f"{lat}_count", agent="cost", model="gpt-4o-mini") == 2
    assert value(m, lat, f"{lat}_sum", agent="cost", model="gpt-4o-mini") == pytest.approx(2.7)
    assert value(m, lat, f"{lat}_bucket", agent="cost", model="gpt-4o-mini", le="1.0") == 1
    assert value(m, lat, f"{lat}_bucket", agent="triage", model="gpt-4o-mini", le="15.0") == 0


def test_report_time_and_every_source_up(scraped) -> None:
    _, m = scraped
    assert value(m, "lakepilot_health_report_last_timestamp_seconds") == pytest.approx(
        (NOW - timedelta(minutes=50)).timestamp())
    ups = {dict(k[1:])["source"]: v for k, v in m["lakepilot_metrics_source_up"].items()}
    assert ups == dict.fromkeys(
        ["approvals", "findings", "llm", "provisioning", "remediation", "reports", "sweeps", "triage"], 1.0)


def test_an_empty_lakehouse_still_exposes_the_series_that_have_a_zero(lakehouse) -> None:
    m = parse(render(collect(LocalWarehouse(lakehouse), approvals=[], now=NOW)).decode())
    assert sum(m["lakepilot_findings_open"].values()) == 0 and len(m["lakepilot_findings_open"]) == 24
    assert value(m, "lakepilot_approvals_pending") == 0
    assert all(v == 1.0 for v in m["lakepilot_metrics_source_up"].values())


def test_a_broken_source_is_marked_down_and_the_rest_is_served(lakehouse, monkeypatch) -> None:
    write_sample_ops(lakehouse, NOW)
    real = LocalWarehouse.query

    def failing(self, sql, params=None, *, name="adhoc"):
        if "llm_calls" in sql:
            raise QueryError("simulated: llm_calls unreadable")
        return real(self, sql, params, name=name)

    monkeypatch.setattr(LocalWarehouse, "query", failing)
    m = parse(render(collect(LocalWarehouse(lakehouse), approvals=None, approvals_error="db down", now=NOW)).decode())
    ups = {dict(k[1:])["source"]: v for k, v in m["lakepilot_metrics_source_up"].items()}
    assert ups["llm"] == 0 and ups["approvals"] == 0 and ups["findings"] == 1 and ups["triage"] == 1
    assert "lakepilot_approvals_pending" not in m  # unknown is not reported as zero
    assert not m.get("lakepilot_llm_calls")
    assert value(m, "lakepilot_findings_open", domain="cost", severity="critical") == 1
