"""What each domain covers, in words for users (clarifications) and for the LLM router's prompt."""

from __future__ import annotations

from include.ops.models import Domain

DOMAIN_DESCRIPTIONS: dict[Domain, str] = {
    "cost": "spend, DBUs, billing, budgets, chargeback/showback, idle or oversized compute, spot and photon savings",
    "security": "Unity Catalog grants and permissions, tokens (PATs), service principals, logins, audit logs, secrets, data sharing",
    "performance": "slow queries and jobs, p95 latency, warehouse queueing and scaling, spill, skew, small files, run-time regressions",
    "reliability": "job and pipeline failures, retries, timeouts, crashes, cluster launch errors, spot preemptions, missed schedules",
    "data_quality": "table freshness, nulls, duplicates, row-count drops, schema changes, DLT expectations, lineage, monitoring anomalies",
    "mlops": "model serving endpoints, inference, model and feature drift, feature tables, MLflow models and experiments, vector search",
}

DOMAIN_TITLES: dict[Domain, str] = {
    "cost": "cost",
    "security": "security",
    "performance": "performance",
    "reliability": "reliability (failures)",
    "data_quality": "data quality",
    "mlops": "ML / model serving",
}
