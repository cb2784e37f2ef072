"""MLOps agent: explains the mlops sweep (deterministic, or LLM with fallback)."""

from __future__ import annotations

from typing import Any

from agents.common.agent import DomainAgent
from agents.common.keynumbers import distinct, total
from agents.common.models import DomainAnalysis, KeyNumber
from agents.mlops import tools
from include.health.models import DomainSweep
from include.ops.models import Finding


def key_numbers(sweep: DomainSweep, findings: list[Finding]) -> list[KeyNumber]:
    """MLOps-specific numbers, computed from the findings."""
    return (
        distinct(findings, "endpoints affected", entity_types={"endpoint"})
        + distinct(findings, "models drifting", checks={"prediction_drift"})
        + total(findings, {"training_failures"}, "failed training runs")
    )


AGENT = DomainAgent(tools.DOMAIN, key_numbers=key_numbers, queries=tools.queries)


def analyse(sweep: DomainSweep, **kwargs: Any) -> DomainAnalysis:
    """Analyse one mlops sweep; see `DomainAgent.analyse` for the options."""
    return AGENT.analyse(sweep, **kwargs)
