"""Findings and domain-run records as the sweep/analyse steps would store them (for report tests)."""

from __future__ import annotations

from datetime import datetime, timedelta

from include.health.records import HealthDomainRun
from include.ops.models import Finding


def findings_for(as_of: datetime) -> list[Finding]:
    start = as_of - timedelta(days=1)
    common = {"window_start": start, "window_end": as_of}
    return [
        Finding(domain="cost", check="sku_spike", severity="high", entity_type="workspace", entity_id="1001",
                metric="daily_usd", observed=65.5, baseline=25.5, summary="Jobs compute cost in prod is 2.6x its 7-day baseline",
                recommendation="Check which jobs ran on larger clusters yesterday.",
                evidence={"sku": "JOBS_COMPUTE", "top_job": "nightly_orders", "api_token": "dapi0123456789abcdef0123456789abcdef"}, **common),
        Finding(domain="security", check="admin_grant", severity="critical", entity_type="user", entity_id="eve@example.com",
                metric="grants", observed=3, summary="eve@example.com was granted workspace admin 3 times outside change windows",
                recommendation="Confirm the grants with the workspace owner; revoke if unplanned.",
                evidence={"source_ip": "203.0.113.7", "granted_by": "mallory@example.com"}, **common),
        Finding(domain="reliability", check="repeated_failures", severity="medium", entity_type="job", entity_id="1",
                metric="failed_runs", observed=2, baseline=0, summary="Job nightly_orders failed twice in 5 days",
                recommendation="Look at the failed runs' errors.", evidence={"job_name": "nightly_orders"}, **common),
        Finding(domain="performance", check="slow_queries", severity="low", entity_type="warehouse", entity_id="wh-1",
                metric="p95_seconds", observed=42.123, baseline=12.0, summary="p95 query time doubled on warehouse wh-1",
                recommendation="Review the slowest statements.", evidence={}, **common),
    ]


def domain_runs(as_of: datetime, findings: list[Finding]) -> list[HealthDomainRun]:
    out = []
    for domain in ("cost", "security", "reliability", "performance", "data_quality"):
        mine = [f for f in findings if f.domain == domain]
        sev: dict[str, int] = {}
        for f in mine:
            sev[f.severity] = sev.get(f.severity, 0) + 1
        errors = [{"check": "table_freshness", "error": "table system.data_quality_monitoring.table_results not found"}] if domain == "data_quality" else []
        out.append(HealthDomainRun(
            domain=domain, as_of=as_of, window_start=as_of - timedelta(days=1), window_end=as_of, engine="local",
            checks_run=["a", "b"], errors=errors, finding_ids=[f.finding_id for f in mine], findings_by_severity=sev,
            analysed=True, path="deterministic", headline=f"{len(mine)} finding(s) in {domain}",
            analysis={"findings": [{"finding_id": f.finding_id, "explanation": f"Because {f.check} crossed its threshold."} for f in mine]},
        ))
    return out
