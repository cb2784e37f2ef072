"""The six health domain agents, as one typed table.

Each `DomainSpec` says what is particular to a domain: which read-only ad-hoc queries its agent
may run (by name, from `include/health/adhoc`), and which key numbers it reports beyond the
common ones. Prompts and per-check templates are files in `agents/<domain>/prompts|templates`
(with `agents/common/` as the fallback). Everything else — deterministic writing, the LLM loop,
redaction, fallback — is `agents.common.agent.DomainAgent`, the same for all six.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, partial
from typing import Any

from agents.common.agent import DomainAgent
from agents.common.keynumbers import distinct, mean, total
from agents.common.queries import AdhocQuery, domain_queries
from include.health.analysis import DomainAnalysis, KeyNumber
from include.health.models import DomainSweep
from include.ops.models import DOMAINS, Domain, Finding

KeyNumbers = Callable[[DomainSweep, list[Finding]], list[KeyNumber]]


def _cost(sweep: DomainSweep, findings: list[Finding]) -> list[KeyNumber]:
    return (
        total(findings, {"sku_spike"}, "spend above baseline in spikes", field="extra_usd", unit="USD")
        + total(findings, {"untagged_spend"}, "untagged spend", unit="USD", note="not chargeable to a team")
        + total(findings, {"idle_all_purpose"}, "idle all-purpose compute", field="usd", unit="USD")
        + distinct(findings, "workspaces forecast over budget", checks={"budget_forecast"})
        + total(findings, {"top_contributors"}, "spend in the window", unit="USD", note="workspaces with spend")
    )


def _security(sweep: DomainSweep, findings: list[Finding]) -> list[KeyNumber]:
    return (
        total(findings, {"failed_login_burst"}, "failed sign-ins in bursts")
        + distinct(findings, "source addresses with bursts", checks={"failed_login_burst"})
        + distinct(findings, "accounts with unusual activity", entity_types={"user", "service_principal"})
    )


def _performance(sweep: DomainSweep, findings: list[Finding]) -> list[KeyNumber]:
    return (
        distinct(findings, "warehouses affected", entity_types={"warehouse"})
        + distinct(findings, "clusters mis-sized", checks={"cluster_underutilised", "cluster_overutilised"})
        + distinct(findings, "jobs slower than baseline", checks={"job_duration_regression"})
    )


def _reliability(sweep: DomainSweep, findings: list[Finding]) -> list[KeyNumber]:
    return (
        distinct(findings, "jobs failing", checks={"failure_streak", "failure_rate_change"})
        + distinct(findings, "jobs missing their SLA", checks={"sla_compliance"})
        + distinct(findings, "jobs close to a limit", checks={"jobs_at_risk"})
        + mean(findings, {"mttr"}, "mean time to recovery (min)", note="per workspace, informational")
    )


def _data_quality(sweep: DomainSweep, findings: list[Finding]) -> list[KeyNumber]:
    return (
        distinct(findings, "stale tables", checks={"stale_table"})
        + distinct(findings, "tables with failing monitors", checks={"failing_monitor"})
        + distinct(findings, "tables drifting", checks={"drift"})
    )


def _mlops(sweep: DomainSweep, findings: list[Finding]) -> list[KeyNumber]:
    return (
        distinct(findings, "endpoints affected", entity_types={"endpoint"})
        + distinct(findings, "models drifting", checks={"prediction_drift"})
        + total(findings, {"training_failures"}, "failed training runs")
    )


@dataclass(frozen=True)
class DomainSpec:
    """What is particular to one domain's agent."""

    domain: Domain
    query_names: tuple[str, ...]
    key_numbers: KeyNumbers = field(repr=False)

    def queries(self) -> list[AdhocQuery]:
        """The read-only ad-hoc queries this agent may run by name."""
        return domain_queries(self.query_names)


SPECS: dict[Domain, DomainSpec] = {
    spec.domain: spec
    for spec in (
        DomainSpec("cost", ("cost_by_day", "cost_by_workload", "cluster_hourly", "job_definition"), _cost),
        DomainSpec("security", ("audit_by_identity", "audit_by_ip"), _security),
        DomainSpec("performance", ("warehouse_hourly", "slowest_queries", "cluster_hourly", "job_run_history"),
                   _performance),
        DomainSpec("reliability", ("job_run_history", "job_definition"), _reliability),
        DomainSpec("data_quality", ("table_upstream", "table_downstream", "monitor_history", "job_run_history"),
                   _data_quality),
        DomainSpec("mlops", ("endpoint_hourly", "job_run_history", "table_upstream"), _mlops),
    )
}
assert tuple(SPECS) == DOMAINS, "one spec per domain, in the domains' order"  # noqa: S101 - import-time invariant


def spec(domain: str) -> DomainSpec:
    """The spec of one of the six domains; anything else is refused by name (an allow-list)."""
    if domain not in SPECS:
        raise ValueError(f"unknown domain {domain!r}; use one of: {', '.join(DOMAINS)}")
    return SPECS[domain]


@cache
def domain_agent(domain: str) -> DomainAgent:
    """The agent of one domain (built once per process)."""
    s = spec(domain)
    return DomainAgent(s.domain, key_numbers=s.key_numbers, queries=s.queries)


def analyse(domain: str, sweep: DomainSweep, **kwargs: Any) -> DomainAnalysis:
    """Analyse one sweep of `domain`; see `DomainAgent.analyse` for the options (llm, model, warehouse, …)."""
    return domain_agent(domain).analyse(sweep, **kwargs)


def analyst(domain: str, *, llm: Any = None, model: Any = None, **options: Any) -> Callable[..., DomainAnalysis]:
    """`analyse` bound to a domain and a model: what the health service's `analyse_stored` is given."""
    return partial(analyse, domain, llm=llm, model=model, **options)
