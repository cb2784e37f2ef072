"""MLOps agent tools: the domain's checks (via `run_domain`) and its allow-listed ad-hoc queries."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from agents.common.queries import AdhocQuery, domain_queries
from include.health.models import DomainSweep
from include.ops.models import Domain

DOMAIN: Domain = "mlops"
# The read-only ad-hoc queries (from include.health.adhoc) this agent may run, by name.
QUERY_NAMES: tuple[str, ...] = ("endpoint_hourly", "job_run_history", "table_upstream")


def sweep(warehouse: Any, as_of: datetime, settings: Any = None, manifest: Any = None) -> DomainSweep:
    """Run the mlops checks for `as_of` (deterministic; no LLM involved)."""
    from include.health.runner import run_domain

    return run_domain(warehouse, DOMAIN, as_of, settings=settings, manifest=manifest)


def queries() -> list[AdhocQuery]:
    """The read-only ad-hoc queries the mlops agent may run by name."""
    return domain_queries(QUERY_NAMES)
