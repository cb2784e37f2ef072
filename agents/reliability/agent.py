"""Reliability agent: explains the reliability sweep (deterministic, or LLM with fallback)."""

from __future__ import annotations

from typing import Any

from agents.common.agent import DomainAgent
from agents.common.keynumbers import distinct, mean
from agents.common.models import DomainAnalysis, KeyNumber
from agents.reliability import tools
from include.health.models import DomainSweep
from include.ops.models import Finding


def key_numbers(sweep: DomainSweep, findings: list[Finding]) -> list[KeyNumber]:
    """Reliability-specific numbers, computed from the findings."""
    return (
        distinct(findings, "jobs failing", checks={"failure_streak", "failure_rate_change"})
        + distinct(findings, "jobs missing their SLA", checks={"sla_compliance"})
        + distinct(findings, "jobs close to a limit", checks={"jobs_at_risk"})
        + mean(findings, {"mttr"}, "mean time to recovery (min)", note="per workspace, informational")
    )


AGENT = DomainAgent(tools.DOMAIN, key_numbers=key_numbers, queries=tools.queries)


def analyse(sweep: DomainSweep, **kwargs: Any) -> DomainAnalysis:
    """Analyse one reliability sweep; see `DomainAgent.analyse` for the options."""
    return AGENT.analyse(sweep, **kwargs)
