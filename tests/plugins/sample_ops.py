"""A small, known set of `lakepilot.ops` rows that the UI and metrics tests read back.

Written with the real ops store (Delta MERGE), so the pages read exactly what the pipelines
would have written. `SampleOps` names what was written so tests assert against it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from include.health.records import HealthDomainRun
from include.metrics.llm_calls import LLMCall
from include.metrics.task_metrics import record_duration
from include.ops.models import Finding, HealthReport, ProvisioningRun, RemediationDecision
from include.ops.store import LocalOpsStore

REPORT_MARKER = "Nightly platform health — sample report body"


@dataclass
class SampleOps:
    """What `write_sample_ops` wrote."""

    now: datetime
    latest_cost_window: datetime
    open_findings: dict[tuple[str, str], int] = field(default_factory=dict)
    report_date: date | None = None
    provisioning_run_id: str = "manual__2026-provision-1"
    llm_prompt_tokens: int = 0
    llm_completion_tokens: int = 0
    llm_cost_usd: float = 0.0


def _finding(domain: str, severity: str, entity: str, window_end: datetime, summary: str, **extra) -> Finding:
    return Finding(
        domain=domain, check=extra.pop("check", f"{domain}_check"), severity=severity, entity_type=extra.pop("entity_type", "job"),
        entity_id=entity, window_start=window_end - timedelta(days=1), window_end=window_end,
        metric=extra.pop("metric", "usd_per_day"), summary=summary, recommendation=extra.pop("recommendation", "Look at it."),
        detected_at=window_end + timedelta(minutes=5), **extra,
    )


def write_sample_ops(root: Path | str | None, now: datetime) -> SampleOps:
    """Write findings, sweeps, a report, ledger entries, a provisioning run, LLM calls and triage timings."""
    store = LocalOpsStore(root)
    cost_latest = now - timedelta(hours=2)
    cost_old = now - timedelta(hours=26)
    sec_latest = now - timedelta(hours=1)
    mlops_latest = now - timedelta(hours=3)
    sample = SampleOps(now=now, latest_cost_window=cost_latest)
    findings = [
        _finding("cost", "critical", "nightly_etl", cost_latest, "nightly_etl cost up 240% vs its 7-day baseline",
                 observed=412.5, baseline=121.3, evidence={"sku": "JOBS_COMPUTE", "days": [120.1, 122.0, 412.5]}),
        _finding("cost", "high", "adhoc_cluster_7", cost_latest, "All-purpose cluster idle 19h with autoscaling off",
                 entity_type="cluster", evidence={"idle_hours": 19}),
        # An older cost sweep: superseded by the latest one, so not open.
        _finding("cost", "medium", "old_finding_job", cost_old, "Superseded finding from yesterday's sweep"),
        _finding("security", "high", "svc-token-42", sec_latest, "Personal access token never expires",
                 entity_type="token", check="token_no_expiry", evidence={"owner": "svc-etl", "created": "2024-01-02"}),
        _finding("reliability", "low", "daily_dashboard_refresh", now - timedelta(hours=4),
                 "Job retried twice before succeeding", check="flaky_job"),
        # mlops: an old finding; the latest mlops sweep (below) found nothing, so it is closed.
        _finding("mlops", "high", "churn_model_endpoint", now - timedelta(days=3), "Closed: drift alarm from 3 days ago"),
    ]
    store.upsert(findings)
    sample.open_findings = {("cost", "critical"): 1, ("cost", "high"): 1, ("security", "high"): 1,
                            ("reliability", "low"): 1}
    runs = [
        HealthDomainRun(domain="cost", as_of=cost_latest, window_start=cost_latest - timedelta(days=1),
                        window_end=cost_latest, duration_s=42.0, swept_at=cost_latest),
        HealthDomainRun(domain="cost", as_of=cost_old, window_start=cost_old - timedelta(days=1),
                        window_end=cost_old, duration_s=8.0, swept_at=cost_old),
        HealthDomainRun(domain="mlops", as_of=mlops_latest, window_start=mlops_latest - timedelta(days=1),
                        window_end=mlops_latest, duration_s=3.5, swept_at=mlops_latest),
    ]
    store.upsert(runs)
    sample.report_date = (now - timedelta(hours=1)).date()
    html = (f"<!doctype html><html><body><h1>{REPORT_MARKER}</h1><p>4 open findings.</p>"
            "<script>document.title='script ran'</script></body></html>")
    store.upsert([HealthReport(report_date=sample.report_date, generated_at=now - timedelta(minutes=50),
                               title=f"LakePilot daily health report {sample.report_date}", html=html,
                               findings_by_severity={"critical": 1, "high": 2, "low": 1},
                               findings_by_domain={"cost": 2, "security": 1, "reliability": 1},
                               emailed_to=["platform-team@example.com"])])
    store.upsert([
        RemediationDecision(run_id="9001", attempt=1, job_id="77", job_name="nightly_etl", workspace_id="1234567890",
                            fingerprint="f1", category="resource", action="RETRY_WITH_NEW_PARAMS", confidence=0.92,
                            reason="Driver OOM; memory raised within the allow-list", outcome="succeeded",
                            params_change={"spark.driver.memory": "16g"}, decided_at=now - timedelta(hours=5)),
        RemediationDecision(run_id="9002", attempt=1, job_id="78", job_name="billing_export", fingerprint="f2",
                            category="permission", action="ESCALATE", confidence=0.99,
                            reason="Permission denied on a table: needs a human", outcome="notified",
                            decided_at=now - timedelta(hours=3)),
        RemediationDecision(run_id="9003", attempt=2, job_id="77", job_name="nightly_etl", fingerprint="f3",
                            category="network", action="RETRY", confidence=0.7,
                            reason="Transient network error", outcome="pending", decided_at=now - timedelta(minutes=30)),
    ])
    store.upsert([ProvisioningRun(run_id=sample.provisioning_run_id, stack="analytics-sandbox", requester="dana",
                                  capabilities=["workspace"], cost_estimate_usd=312.4, outcome="planning",
                                  request="A sandbox workspace for the analytics team")])
    calls = [
        LLMCall(call_id="call-1", agent="cost", provider="openai", model="gpt-4o-mini", prompt_tokens=1200,
                completion_tokens=300, total_tokens=1500, latency_s=1.8, cost_usd=0.00036, price_key="gpt-4o-mini",
                started_at=now - timedelta(hours=2)),
        LLMCall(call_id="call-2", agent="cost", provider="openai", model="gpt-4o-mini", prompt_tokens=800,
                completion_tokens=100, total_tokens=900, latency_s=0.9, cost_usd=0.00018, price_key="gpt-4o-mini",
                started_at=now - timedelta(hours=2)),
        LLMCall(call_id="call-3", agent="triage", provider="openai", model="gpt-4o-mini", status="error",
                latency_s=30.0, error="APITimeoutError: Request timed out.", started_at=now - timedelta(hours=1)),
    ]
    store.upsert(calls)
    sample.llm_prompt_tokens = 2000
    sample.llm_completion_tokens = 400
    sample.llm_cost_usd = 0.00054
    record_duration("triage", "pattern", 0.4, run_key="9001:1", store=store)
    record_duration("triage", "pattern", 0.2, run_key="9002:1", store=store)
    record_duration("triage", "llm", 6.5, run_key="9003:2", store=store)
    return sample
