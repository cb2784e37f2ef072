"""Performance agent: explains the performance sweep (deterministic, or LLM with fallback)."""

from __future__ import annotations

from typing import Any

from agents.common.agent import DomainAgent
from agents.common.keynumbers import distinct
from agents.common.models import DomainAnalysis, KeyNumber
from agents.performance import tools
from include.health.models import DomainSweep
from include.ops.models import Finding


def key_numbers(sweep: DomainSweep, findings: list[Finding]) -> list[KeyNumber]:
    """Performance-specific numbers, computed from the findings."""
    return (
        distinct(findings, "warehouses affected", entity_types={"warehouse"})
        + distinct(findings, "clusters mis-sized", checks={"cluster_underutilised", "cluster_overutilised"})
        + distinct(findings, "jobs slower than baseline", checks={"job_duration_regression"})
    )


AGENT = DomainAgent(tools.DOMAIN, key_numbers=key_numbers, queries=tools.queries)


def analyse(sweep: DomainSweep, **kwargs: Any) -> DomainAnalysis:
    """Analyse one performance sweep; see `DomainAgent.analyse` for the options."""
    return AGENT.analyse(sweep, **kwargs)
