"""Read the values of LakePilot's metrics from the ops tables (and Airflow's pending approvals).

One aggregate query per metric family, on whichever engine the warehouse is (DuckDB over the
local Delta tables, or the Databricks SQL warehouse); nothing reads whole tables. A table not
created yet reads as empty; a query that fails marks its source down
(`lakepilot_metrics_source_up{source} 0`) and the other metrics are still served.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

from include.clock import utcnow
from include.lakehouse.warehouse import Warehouse
from include.metrics.snapshot import (
    LLM_LATENCY_BUCKETS,
    SWEEP_BUCKETS,
    TRIAGE_BUCKETS,
    HistogramSample,
    LLMUsage,
    MetricsSnapshot,
    Sample,
    SourceStatus,
)
from include.ops.models import DOMAINS
from include.ui.models import PendingApproval
from include.ui.ops_sql import existing_ops_tables, run_ops_sql

log = logging.getLogger(__name__)

SEVERITIES = ("critical", "high", "medium", "low")
OPS_TABLES = [
    "findings", "health_domain_runs", "remediation_decisions", "task_metrics",
    "llm_calls", "provisioning_runs", "health_reports", "finding_states",
]


def _histograms(rows: list[dict[str, Any]], label_names: tuple[str, ...], bounds: tuple[float, ...]) -> list[HistogramSample]:
    return [
        HistogramSample(
            labels={name: str(row[name]) for name in label_names},
            bounds=list(bounds),
            cumulative=[int(row[f"le_{i}"] or 0) for i in range(len(bounds))],
            count=int(row["n"] or 0),
            sum=float(row["total"] or 0.0),
        )
        for row in rows
    ]


def _ts(value: datetime | None) -> float | None:
    return value.timestamp() if value is not None else None


def collect(
    warehouse: Warehouse,
    *,
    approvals: list[PendingApproval] | None = None,
    approvals_error: str | None = None,
    now: datetime | None = None,
) -> MetricsSnapshot:
    """One snapshot of every metric.

    Args:
        warehouse: where the ops tables are.
        approvals: Airflow's pending approvals (None when they could not be read).
        approvals_error: why they could not be read, if so.
        now: evaluation time (tests).
    """
    t0 = time.perf_counter()
    now = now or utcnow()
    snap = MetricsSnapshot(collected_at=now)
    # Every domain x severity exists from the start, so "no findings" reads as 0, not as absent.
    snap.findings_open = [Sample(labels={"domain": d, "severity": s}, value=0) for d in DOMAINS for s in SEVERITIES]
    try:
        tables = existing_ops_tables(warehouse, OPS_TABLES)
    except Exception as exc:  # the warehouse itself is unreachable: every ops source is down
        log.warning("metrics: cannot list ops tables: %s", exc)
        for source in ("findings", "remediation", "sweeps", "triage", "llm", "provisioning", "reports"):
            snap.sources[source] = SourceStatus(up=False, error=str(exc)[:300])
        tables = None

    def read(source: str, table: str, fill: Callable[[], None]) -> None:
        if tables is None:
            return
        if table not in tables:
            snap.sources[source] = SourceStatus(up=True, present=False)
            return
        try:
            fill()
            snap.sources[source] = SourceStatus(up=True)
        except Exception as exc:  # one broken source must not hide the others
            log.warning("metrics source %s failed: %s", source, exc)
            snap.sources[source] = SourceStatus(up=False, error=str(exc)[:300])

    def findings() -> None:
        cells = run_ops_sql(warehouse, "ui/findings_matrix", {"q": ""}, status="open",
                            with_runs="health_domain_runs" in (tables or set()),
                            with_states="finding_states" in (tables or set())).to_pylist()
        counts = {(c["domain"], c["severity"]): int(c["n"]) for c in cells}
        snap.findings_open = [
            Sample(labels={"domain": d, "severity": s}, value=counts.get((d, s), 0)) for d in DOMAINS for s in SEVERITIES
        ]

    def remediation() -> None:
        rows = run_ops_sql(warehouse, "metrics/remediation_counts").to_pylist()
        snap.remediation_decisions = [
            Sample(labels={"action": str(r["action"]), "outcome": str(r["outcome"])}, value=int(r["n"])) for r in rows
        ]

    def sweeps() -> None:
        rows = run_ops_sql(warehouse, "metrics/sweep_durations", buckets=SWEEP_BUCKETS).to_pylist()
        snap.sweep_durations = _histograms(rows, ("domain",), SWEEP_BUCKETS)
        snap.sweep_last_duration = [Sample(labels={"domain": r["domain"]}, value=float(r["last_duration_s"] or 0)) for r in rows]
        snap.sweep_checks_not_run = [
            Sample(labels={"domain": r["domain"]}, value=float(r.get("last_checks_not_run") or 0)) for r in rows
        ]
        snap.sweep_last_timestamp = [
            Sample(labels={"domain": r["domain"]}, value=_ts(r["last_swept_at"]) or 0.0) for r in rows
        ]

    def triage() -> None:
        rows = run_ops_sql(warehouse, "metrics/task_durations", {"kind": "triage"}, buckets=TRIAGE_BUCKETS).to_pylist()
        snap.triage_durations = [
            h.model_copy(update={"labels": {"path": h.labels["name"]}}) for h in _histograms(rows, ("name",), TRIAGE_BUCKETS)
        ]

    def llm() -> None:
        snap.llm_usage = [LLMUsage(**r) for r in run_ops_sql(warehouse, "metrics/llm_usage").to_pylist()]
        rows = run_ops_sql(warehouse, "metrics/llm_latency", buckets=LLM_LATENCY_BUCKETS).to_pylist()
        snap.llm_latency = _histograms(rows, ("agent", "model"), LLM_LATENCY_BUCKETS)

    def provisioning() -> None:
        rows = run_ops_sql(warehouse, "metrics/provisioning_outcomes").to_pylist()
        snap.provisioning_runs = [Sample(labels={"outcome": str(r["outcome"])}, value=int(r["n"])) for r in rows]

    def reports() -> None:
        rows = run_ops_sql(warehouse, "metrics/report_latest").to_pylist()
        snap.report_last_timestamp = _ts(rows[0]["generated_at"]) if rows else None

    read("findings", "findings", findings)
    read("remediation", "remediation_decisions", remediation)
    read("sweeps", "health_domain_runs", sweeps)
    read("triage", "task_metrics", triage)
    read("llm", "llm_calls", llm)
    read("provisioning", "provisioning_runs", provisioning)
    read("reports", "health_reports", reports)

    with_approvals(snap, approvals, approvals_error, now)
    snap.collect_seconds = round(time.perf_counter() - t0, 6)
    return snap


def with_approvals(snap: MetricsSnapshot, approvals: list[PendingApproval] | None, error: str | None,
                   now: datetime) -> MetricsSnapshot:
    """Set the approval metrics (read from Airflow, never from the warehouse) on `snap`, in place."""
    if approvals is None:
        snap.sources["approvals"] = SourceStatus(up=False, error=error or "not read")
        return snap
    snap.sources["approvals"] = SourceStatus(up=True)
    snap.approvals_pending = len(approvals)
    by_dag: dict[str, int] = {}
    for item in approvals:
        by_dag[item.dag_id] = by_dag.get(item.dag_id, 0) + 1
    snap.approvals_pending_by_dag = [Sample(labels={"dag_id": d}, value=n) for d, n in sorted(by_dag.items())]
    oldest = min((a.created_at for a in approvals), default=None)
    snap.approval_oldest_wait_s = max((now - oldest).total_seconds(), 0.0) if oldest else 0.0
    return snap
