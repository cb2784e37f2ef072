"""Security agent: explains the security sweep (deterministic, or LLM with fallback)."""

from __future__ import annotations

from typing import Any

from agents.common.agent import DomainAgent
from agents.common.keynumbers import distinct, total
from agents.common.models import DomainAnalysis, KeyNumber
from agents.security import tools
from include.health.models import DomainSweep
from include.ops.models import Finding


def key_numbers(sweep: DomainSweep, findings: list[Finding]) -> list[KeyNumber]:
    """Security-specific numbers, computed from the findings."""
    return (
        total(findings, {"failed_login_burst"}, "failed sign-ins in bursts")
        + distinct(findings, "source addresses with bursts", checks={"failed_login_burst"})
        + distinct(findings, "accounts with unusual activity", entity_types={"user", "service_principal"})
    )


AGENT = DomainAgent(tools.DOMAIN, key_numbers=key_numbers, queries=tools.queries)


def analyse(sweep: DomainSweep, **kwargs: Any) -> DomainAnalysis:
    """Analyse one security sweep; see `DomainAgent.analyse` for the options."""
    return AGENT.analyse(sweep, **kwargs)
