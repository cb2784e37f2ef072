"""Reliability agent: explains the reliability sweep (deterministic, or LLM with fallback)."""

from __future__ import annotations

from typing import Any

from agents.common.agent import DomainAgent
from agents.common.keynumbers import distinct_entities, metric_total
from agents.common.models import DomainAnalysis, KeyNumber
from agents.reliability import tools
from include.health.models import DomainSweep
from include.ops.models import Finding


def key_numbers(sweep: DomainSweep, findings: list[Finding]) -> list[KeyNumber]:
    """Reliability-specific numbers, computed from the findings."""
    return distinct_entities(findings, "jobs affected", {"job"}) + metric_total(findings, ("failed", "failure"), "failed runs in findings")


AGENT = DomainAgent(tools.DOMAIN, key_numbers=key_numbers, queries=tools.queries)


def analyse(sweep: DomainSweep, **kwargs: Any) -> DomainAnalysis:
    """Analyse one reliability sweep; see `DomainAgent.analyse` for the options."""
    return AGENT.analyse(sweep, **kwargs)
