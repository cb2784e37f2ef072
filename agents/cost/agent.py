"""Cost agent: explains the cost sweep (deterministic, or LLM with fallback)."""

from __future__ import annotations

from typing import Any

from agents.common.agent import DomainAgent
from agents.common.keynumbers import distinct, total
from agents.common.models import DomainAnalysis, KeyNumber
from agents.cost import tools
from include.health.models import DomainSweep
from include.ops.models import Finding


def key_numbers(sweep: DomainSweep, findings: list[Finding]) -> list[KeyNumber]:
    """Cost-specific numbers, computed from the findings."""
    return (
        total(findings, {"sku_spike"}, "spend above baseline in spikes", field="extra_usd", unit="USD")
        + total(findings, {"untagged_spend"}, "untagged spend", unit="USD", note="not chargeable to a team")
        + total(findings, {"idle_all_purpose"}, "idle all-purpose compute", field="usd", unit="USD")
        + distinct(findings, "workspaces forecast over budget", checks={"budget_forecast"})
        + total(findings, {"top_contributors"}, "spend in the window", unit="USD", note="workspaces with spend")
    )


AGENT = DomainAgent(tools.DOMAIN, key_numbers=key_numbers, queries=tools.queries)


def analyse(sweep: DomainSweep, **kwargs: Any) -> DomainAnalysis:
    """Analyse one cost sweep; see `DomainAgent.analyse` for the options."""
    return AGENT.analyse(sweep, **kwargs)
