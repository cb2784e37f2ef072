"""Render a `MetricsSnapshot` in the Prometheus text exposition format (via prometheus_client).

Metric names and meanings are documented in docs/ui.md ("Metrics"). Counts that only grow as
rows are added to the ops tables (LLM calls, tokens, cost) are counters; counts that move both
ways (open findings, decisions by their current outcome, pending approvals) are gauges;
durations are histograms built from the stored rows, so `histogram_quantile` works in Grafana.
"""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily, Metric

from include.metrics.snapshot import HistogramSample, MetricsSnapshot, Sample

__all__ = ["CONTENT_TYPE_LATEST", "render"]


def _gauge(name: str, doc: str, labels: list[str], samples: list[Sample]) -> GaugeMetricFamily:
    family = GaugeMetricFamily(name, doc, labels=labels)
    for s in samples:
        family.add_metric([s.labels[k] for k in labels], s.value)
    return family


def _histogram(name: str, doc: str, labels: list[str], samples: list[HistogramSample]) -> HistogramMetricFamily:
    family = HistogramMetricFamily(name, doc, labels=labels)
    for h in samples:
        buckets = [(repr(float(b)), c) for b, c in zip(h.bounds, h.cumulative, strict=True)]
        buckets.append(("+Inf", h.count))
        family.add_metric([h.labels[k] for k in labels], buckets, h.sum)
    return family


class _SnapshotCollector:
    def __init__(self, snap: MetricsSnapshot) -> None:
        self.snap = snap

    def collect(self) -> Iterator[Metric]:
        s = self.snap
        yield _gauge("lakepilot_findings_open", "Unresolved findings (open or acknowledged issues) by domain and severity.",
                     ["domain", "severity"], s.findings_open)
        yield _gauge("lakepilot_remediation_decisions", "Remediation ledger entries by action and current outcome.",
                     ["action", "outcome"], s.remediation_decisions)
        yield _histogram("lakepilot_sweep_duration_seconds", "Duration of health domain sweeps.", ["domain"],
                         s.sweep_durations)
        yield _gauge("lakepilot_sweep_last_duration_seconds", "Duration of each domain's latest sweep.", ["domain"],
                     s.sweep_last_duration)
        yield _gauge("lakepilot_sweep_last_timestamp_seconds", "When each domain was last swept (unix time).",
                     ["domain"], s.sweep_last_timestamp)
        yield _gauge("lakepilot_sweep_checks_not_run", "Checks that could not run in each domain's latest sweep.",
                     ["domain"], s.sweep_checks_not_run)
        yield _histogram("lakepilot_triage_duration_seconds", "Duration of remediation triage by path.", ["path"],
                         s.triage_durations)
        if s.approvals_pending is not None:
            yield GaugeMetricFamily("lakepilot_approvals_pending", "Human approvals waiting in Airflow.",
                                    value=s.approvals_pending)
            yield GaugeMetricFamily("lakepilot_approval_oldest_wait_seconds",
                                    "How long the oldest pending approval has waited.",
                                    value=s.approval_oldest_wait_s or 0.0)
        yield _gauge("lakepilot_approvals_pending_by_dag", "Human approvals waiting in Airflow, per DAG.", ["dag_id"],
                     s.approvals_pending_by_dag)
        yield _gauge("lakepilot_provisioning_runs", "Provisioning runs by outcome.", ["outcome"], s.provisioning_runs)
        calls = CounterMetricFamily("lakepilot_llm_calls", "Chat-model calls.", labels=["agent", "model", "status"])
        tokens = CounterMetricFamily("lakepilot_llm_tokens", "Tokens used by chat-model calls.",
                                     labels=["agent", "model", "type"])
        cost = CounterMetricFamily("lakepilot_llm_cost_usd", "Estimated cost of chat-model calls (price table estimate).",
                                   labels=["agent", "model"])
        unpriced = CounterMetricFamily("lakepilot_llm_calls_unpriced", "Calls whose model has no price in the table.",
                                       labels=["agent", "model"])
        per_model: dict[tuple[str, str], tuple[float, int]] = {}
        token_sums: dict[tuple[str, str], tuple[int, int]] = {}
        for u in s.llm_usage:
            calls.add_metric([u.agent, u.model, u.status], u.calls)
            c, n = per_model.get((u.agent, u.model), (0.0, 0))
            per_model[(u.agent, u.model)] = (c + u.cost_usd, n + u.unpriced)
            p, q = token_sums.get((u.agent, u.model), (0, 0))
            token_sums[(u.agent, u.model)] = (p + u.prompt_tokens, q + u.completion_tokens)
        for (agent, model), (prompt, completion) in token_sums.items():
            tokens.add_metric([agent, model, "prompt"], prompt)
            tokens.add_metric([agent, model, "completion"], completion)
        for (agent, model), (usd, n) in per_model.items():
            cost.add_metric([agent, model], usd)
            unpriced.add_metric([agent, model], n)
        yield from (calls, tokens, cost, unpriced)
        yield _histogram("lakepilot_llm_latency_seconds", "Latency of chat-model calls.", ["agent", "model"],
                         s.llm_latency)
        if s.report_last_timestamp is not None:
            yield GaugeMetricFamily("lakepilot_health_report_last_timestamp_seconds",
                                    "When the newest daily health report was generated (unix time).",
                                    value=s.report_last_timestamp)
        up = GaugeMetricFamily("lakepilot_metrics_source_up", "1 if the source could be read this scrape.",
                               labels=["source"])
        for source, status in sorted(s.sources.items()):
            up.add_metric([source], 1.0 if status.up else 0.0)
        yield up
        yield GaugeMetricFamily("lakepilot_metrics_collect_seconds", "Time spent reading the metrics' sources.",
                                value=s.collect_seconds)
        if s.stored_age_s is not None:
            yield GaugeMetricFamily("lakepilot_metrics_snapshot_age_seconds",
                                    "Age of the stored snapshot the ops metrics come from (Databricks mode: written "
                                    "by the last task that wrote LakePilot's tables; a scrape never queries the warehouse).",
                                    value=s.stored_age_s)


def render(snap: MetricsSnapshot) -> bytes:
    """The snapshot in the Prometheus text exposition format (`CONTENT_TYPE_LATEST`)."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_SnapshotCollector(snap))
    return generate_latest(registry)
