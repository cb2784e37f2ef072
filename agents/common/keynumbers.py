"""Helpers for the domain-specific key numbers (always computed from findings, never by an LLM)."""

from __future__ import annotations

from collections.abc import Iterable

from include.health.analysis import KeyNumber, Unit
from include.ops.models import Finding


def _value(f: Finding, field: str) -> float | None:
    raw = f.observed if field == "observed" else f.evidence.get(field)
    try:
        return None if raw is None else float(raw)
    except (TypeError, ValueError):
        return None


def total(findings: Iterable[Finding], checks: set[str], name: str, *, field: str = "observed",
          unit: Unit = "count", note: str = "") -> list[KeyNumber]:
    """Sum of `field` (`observed` or an evidence key) over findings of the given checks; [] when none."""
    values = [v for f in findings if f.check in checks and (v := _value(f, field)) is not None]
    return [KeyNumber(name=name, value=round(sum(values), 2), unit=unit, note=note)] if values else []


def mean(findings: Iterable[Finding], checks: set[str], name: str, *, unit: Unit = "count", note: str = "") -> list[KeyNumber]:
    """Mean observed value over findings of the given checks; [] when none."""
    values = [f.observed for f in findings if f.check in checks and f.observed is not None]
    return [KeyNumber(name=name, value=round(sum(values) / len(values), 2), unit=unit, note=note)] if values else []


def distinct(findings: Iterable[Finding], name: str, *, checks: set[str] | None = None,
             entity_types: set[str] | None = None) -> list[KeyNumber]:
    """How many distinct entities the findings (of the given checks / entity types) are about; [] when none."""
    ids = {
        (f.entity_type, f.entity_id)
        for f in findings
        if (checks is None or f.check in checks) and (entity_types is None or f.entity_type in entity_types)
    }
    return [KeyNumber(name=name, value=len(ids))] if ids else []
