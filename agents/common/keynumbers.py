"""Helpers for the domain-specific key numbers (always computed from findings, never by an LLM)."""

from __future__ import annotations

from collections.abc import Iterable

from agents.common.models import KeyNumber
from include.ops.models import Finding


def _is_usd(metric: str) -> bool:
    m = metric.lower()
    return "usd" in m or m.endswith("_cost") or m.startswith("cost")


def usd_numbers(findings: Iterable[Finding]) -> list[KeyNumber]:
    """Spend flagged by findings whose metric is in USD, and how far above baseline it is."""
    money = [f for f in findings if _is_usd(f.metric) and f.observed is not None]
    if not money:
        return []
    flagged = sum(f.observed or 0.0 for f in money)
    out = [KeyNumber(name="spend in flagged findings", value=round(flagged, 2), unit="USD")]
    with_base = [f for f in money if f.baseline is not None]
    if with_base:
        excess = sum((f.observed or 0.0) - (f.baseline or 0.0) for f in with_base)
        out.append(KeyNumber(name="above baseline", value=round(excess, 2), unit="USD",
                             note=f"across {len(with_base)} finding(s) with a baseline"))
    return out


def distinct_entities(findings: Iterable[Finding], name: str, entity_types: set[str] | None = None) -> list[KeyNumber]:
    """How many distinct entities (of the given types) the findings are about."""
    ids = {(f.entity_type, f.entity_id) for f in findings if entity_types is None or f.entity_type in entity_types}
    return [KeyNumber(name=name, value=len(ids))] if ids else []


def metric_total(findings: Iterable[Finding], metric_words: tuple[str, ...], name: str) -> list[KeyNumber]:
    """Sum of observed values of findings whose metric contains one of `metric_words`."""
    chosen = [f for f in findings if f.observed is not None and any(w in f.metric.lower() for w in metric_words)]
    return [KeyNumber(name=name, value=sum(f.observed or 0.0 for f in chosen))] if chosen else []
