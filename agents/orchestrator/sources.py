"""Where a domain's sweep for a question comes from: stored health runs, the answer cache, or a fresh sweep.

1. **stored**: the health DAGs' own run (`lakepilot.ops.health_domain_runs`) whose window matches
   the wanted one (both ends within 10% of its length) — its findings and, when it was analysed,
   its analysis are used as they are.
2. **cached**: a sweep this orchestrator ran earlier for the same (domain, as_of, window) and
   the same generated data, younger than `CACHE_TTL`.
3. **swept**: the domain's checks run now (`agents.<domain>.tools.sweep`, i.e. `run_domain`).

Fresh sweeps go to `lakepilot.ops.orchestrator_sweeps`, never into `findings` /
`health_domain_runs`: a question about "last week" must not add a weekly sweep to the daily
report's data.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from pydantic import Field

from agents.orchestrator.models import SweepSource
from agents.orchestrator.planning import SweepChunk
from include.clock import as_utc, utcnow
from include.health.analysis import DomainAnalysis
from include.health.models import DomainSweep
from include.health.records import HealthDomainRun
from include.health.runner import run_domain
from include.health.service import load_stored_sweep
from include.health.settings import HealthSettings
from include.lakehouse.about import read_about
from include.ops.models import Domain, OpsRecord, register_ops_model
from include.ops.store import OpsStore

log = logging.getLogger(__name__)

CACHE_TTL = timedelta(hours=1)
# `run_domain`'s signature: (warehouse, domain, as_of, settings=) -> DomainSweep.
SweepFn = Callable[..., DomainSweep]


@register_ops_model
class OrchestratorSweep(OpsRecord):
    """A sweep the orchestrator ran for a question's window (its cache; not read by reports)."""

    __table__ = "orchestrator_sweeps"
    __key__ = ("domain", "as_of", "window_hours")

    domain: Domain
    as_of: datetime
    window_hours: int
    data_marker: str = ""
    sweep: dict[str, Any] = Field(default_factory=dict)
    created_at: datetime = Field(default_factory=utcnow)


class ObtainedSweep:
    """A sweep, where it came from, and the stored analysis when one came with it."""

    def __init__(self, sweep: DomainSweep, source: SweepSource, analysis: DomainAnalysis | None = None) -> None:
        self.sweep = sweep
        self.source = source
        self.analysis = analysis


def data_marker(warehouse: Any) -> str:
    """Identifies the data behind a local lakehouse (when its producer generated it; `include/lakehouse/about.py`)."""
    try:
        about = read_about(getattr(warehouse, "root", None))
    except ValueError:
        return ""
    return about.generated_at.isoformat() if about and about.generated_at else ""


def chunk_settings(base: HealthSettings | None, chunk: SweepChunk) -> HealthSettings:
    """The checks' settings with the window set to the chunk's length."""
    settings = base or HealthSettings()
    return settings.model_copy(update={"window_hours": chunk.window_hours, "security_window_hours": chunk.window_hours,
                                       "security_window_anchor": "sliding"})


def _stored(store: OpsStore, domain: str, chunk: SweepChunk, runs: list[HealthDomainRun]) -> ObtainedSweep | None:
    candidates = [r for r in runs if chunk.matches(r.window_start, r.window_end)]
    if not candidates:
        return None
    best = min(candidates, key=lambda r: abs((as_utc(r.as_of) - chunk.as_of).total_seconds()))
    try:
        record, sweep = load_stored_sweep(store, domain, best.as_of)
    except LookupError as exc:  # a run record whose findings went missing: sweep afresh instead
        log.warning("stored %s sweep at %s unusable: %s", domain, best.as_of, exc)
        return None
    analysis = None
    if record.analysed and record.analysis:
        try:
            analysis = DomainAnalysis.model_validate(record.analysis)
        except ValueError as exc:
            log.warning("stored %s analysis at %s unreadable (%s); analysing again", domain, best.as_of, exc)
    return ObtainedSweep(sweep, "stored", analysis)


def _cached(store: OpsStore, domain: str, chunk: SweepChunk, marker: str) -> ObtainedSweep | None:
    rows = store.read(OrchestratorSweep, {"domain": domain, "as_of": chunk.as_of, "window_hours": chunk.window_hours})
    fresh = [r for r in rows if r.data_marker == marker and utcnow() - as_utc(r.created_at) <= CACHE_TTL]
    if not fresh:
        return None
    try:
        return ObtainedSweep(DomainSweep.model_validate(fresh[0].sweep), "cached")
    except ValueError:
        return None


def obtain_sweep(
    domain: Domain,
    chunk: SweepChunk,
    *,
    warehouse: Any,
    store: OpsStore,
    runs: list[HealthDomainRun],
    settings: HealthSettings | None = None,
    marker: str = "",
    sweep_fn: SweepFn | None = None,
    use_cache: bool = True,
) -> ObtainedSweep:
    """The sweep of `domain` for `chunk`: stored, cached or run now (then cached)."""
    found = _stored(store, domain, chunk, runs) or (_cached(store, domain, chunk, marker) if use_cache else None)
    if found is not None:
        return found
    settings_ = chunk_settings(settings, chunk)
    if sweep_fn is not None:
        sweep = sweep_fn(warehouse, domain, chunk.as_of, settings=settings_)
    else:
        sweep = run_domain(warehouse, domain, chunk.as_of, settings=settings_)
    if sweep.domain != domain:
        raise ValueError(f"the {domain} sweep returned findings of domain {sweep.domain}")
    if use_cache:
        try:
            store.upsert([OrchestratorSweep(domain=domain, as_of=chunk.as_of, window_hours=chunk.window_hours,
                                            data_marker=marker, sweep=sweep.model_dump(mode="json"))])
        except Exception as exc:  # a cache that cannot be written only costs time next question
            log.warning("could not cache the %s sweep at %s: %s", domain, chunk.as_of, exc)
    return ObtainedSweep(sweep, "swept")


def merge_sweeps(domain: Domain, sweeps: list[DomainSweep]) -> DomainSweep:
    """One sweep over consecutive windows: findings and errors of all, window from first to last."""
    if len(sweeps) == 1:
        return sweeps[0]
    ordered = sorted(sweeps, key=lambda s: s.window_start)
    findings = list({f.finding_id: f for s in ordered for f in s.findings}.values())
    errors = list({(e.check, e.error): e for s in ordered for e in s.errors}.values())
    checks = list(dict.fromkeys(c for s in ordered for c in s.checks_run))
    return DomainSweep(
        domain=domain,
        as_of=ordered[-1].as_of,
        window_start=ordered[0].window_start,
        window_end=ordered[-1].window_end,
        findings=findings,
        errors=errors,
        checks_run=checks,
        rows_scanned=sum(s.rows_scanned for s in ordered),
        duration_s=sum(s.duration_s for s in ordered),
        engine=ordered[0].engine,
    )
