"""The registry of deterministic health checks, by domain."""

from __future__ import annotations

from include.health.checks import cost, data_quality, mlops, performance, reliability, security
from include.health.checks.base import Check
from include.ops.models import DOMAINS, Domain

CHECKS: dict[Domain, list[Check]] = {
    "cost": cost.CHECKS,
    "security": security.CHECKS,
    "performance": performance.CHECKS,
    "reliability": reliability.CHECKS,
    "data_quality": data_quality.CHECKS,
    "mlops": mlops.CHECKS,
}
assert tuple(CHECKS) == DOMAINS


def checks_for(domain: str) -> list[Check]:
    """The checks of one domain, or a ValueError naming the known domains."""
    if domain not in CHECKS:
        raise ValueError(f"unknown health domain {domain!r}; use one of: {', '.join(DOMAINS)}")
    return CHECKS[domain]


def all_checks() -> list[Check]:
    return [c for domain in DOMAINS for c in CHECKS[domain]]
