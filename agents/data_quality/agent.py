"""Data quality agent: explains the data quality sweep (deterministic, or LLM with fallback)."""

from __future__ import annotations

from typing import Any

from agents.common.agent import DomainAgent
from agents.common.keynumbers import distinct
from agents.common.models import DomainAnalysis, KeyNumber
from agents.data_quality import tools
from include.health.models import DomainSweep
from include.ops.models import Finding


def key_numbers(sweep: DomainSweep, findings: list[Finding]) -> list[KeyNumber]:
    """Data quality-specific numbers, computed from the findings."""
    return (
        distinct(findings, "stale tables", checks={"stale_table"})
        + distinct(findings, "tables with failing monitors", checks={"failing_monitor"})
        + distinct(findings, "tables drifting", checks={"drift"})
    )


AGENT = DomainAgent(tools.DOMAIN, key_numbers=key_numbers, queries=tools.queries)


def analyse(sweep: DomainSweep, **kwargs: Any) -> DomainAnalysis:
    """Analyse one data quality sweep; see `DomainAgent.analyse` for the options."""
    return AGENT.analyse(sweep, **kwargs)
