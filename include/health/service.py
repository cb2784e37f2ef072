"""The health flow: sweep → store → analyse → store, as the health DAGs, `lakepilot sweep` and `ask` run it.

Idempotent by construction: findings MERGE on their stable id (domain, check, entity,
window start) and the domain run on (domain, as_of), so re-running an interval updates rows
instead of adding them. The analysis starts from the checks' own recommendations (kept on
the run record), so a retried analysis gives the same result as the first.

Critical issues are told at once (`escalate_stored`, beside the analysis, never after it).

The analysis itself is the caller's `analyst` (`agents.domains.analyst(domain, llm=...)`): this
module never imports the agents, which are the only part that talks to a model.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable
from datetime import datetime
from typing import Any, Protocol

from pydantic import BaseModel

from include.clock import as_utc, utcnow
from include.health.analysis import DomainAnalysis
from include.health.escalation import EscalationOutcome, EscalationPolicy, escalate
from include.health.lifecycle import record_sweep
from include.health.models import CheckError, DomainSweep
from include.health.records import HealthDomainRun
from include.health.runner import is_informational, run_domain
from include.lakehouse.warehouse import local_root
from include.ops.filters import In
from include.ops.models import Finding
from include.ops.store import OpsStore, get_ops_store

log = logging.getLogger(__name__)

# (warehouse, domain, as_of, *, settings) -> DomainSweep: `run_domain`, or a stand-in in tests.
SweepFn = Callable[..., DomainSweep]


class Analyst(Protocol):
    """Turns a sweep into an analysis (`agents.domains.analyst(domain, llm=...)`)."""

    def __call__(self, sweep: DomainSweep, *, warehouse: Any, store: OpsStore) -> DomainAnalysis: ...


class SweepOutcome(BaseModel):
    """Small JSON-able result of a sweep step (XCom, CLI)."""

    domain: str
    as_of: datetime
    findings: int
    informational: int = 0
    by_severity: dict[str, int]
    errors: list[str]
    checks_run: int
    rows_scanned: int
    engine: str
    duration_s: float


class AnalysisOutcome(BaseModel):
    """Small JSON-able result of an analyse step."""

    domain: str
    as_of: datetime
    path: str
    llm: str
    fallback_reason: str
    headline: str
    findings: int
    tool_calls: int


def _by_severity(findings: list[Finding]) -> dict[str, int]:
    """Counts of anomalies by severity (informational findings report a state and are not counted)."""
    counts = Counter(f.severity for f in findings if not is_informational(f))
    return {s: counts[s] for s in ("critical", "high", "medium", "low") if counts[s]}


def sweep_and_store(
    warehouse: Any,
    domain: str,
    as_of: datetime,
    *,
    store: OpsStore | None = None,
    settings: Any = None,
    sweep_fn: SweepFn | None = None,
) -> tuple[DomainSweep, SweepOutcome]:
    """Run one domain's checks for `as_of` and store the findings and the run record."""
    store = store or get_ops_store(warehouse)
    as_of = as_utc(as_of)
    started = time.monotonic()
    sweep = (sweep_fn or run_domain)(warehouse, domain, as_of, settings=settings)
    if sweep.domain != domain:
        raise ValueError(f"the {domain} sweep returned findings of domain {sweep.domain}")
    findings = list(sweep.findings)
    if findings:
        store.upsert(findings)
    record = HealthDomainRun(
        domain=sweep.domain,
        as_of=as_of,
        window_start=sweep.window_start,
        window_end=sweep.window_end,
        engine=sweep.engine,
        checks_run=list(sweep.checks_run),
        errors=[e.model_dump() for e in sweep.errors],
        checks_not_run=len(sweep.errors),
        finding_ids=[f.finding_id for f in findings],
        check_recommendations={f.finding_id: f.recommendation for f in findings},
        findings_by_severity=_by_severity(findings),
        rows_scanned=sweep.rows_scanned,
        duration_s=sweep.duration_s or (time.monotonic() - started),
    )
    store.upsert([record])
    failed = {e.check.split("[", 1)[0] for e in sweep.errors}
    record_sweep(store, domain, findings, [c for c in sweep.checks_run if c not in failed], as_of)
    log.info("%s sweep as of %s: %d findings, %d check(s) could not run", domain, as_of, len(findings), len(sweep.errors))
    for error in sweep.errors:  # never silent: each is in the task log, the run record, the report and the metrics
        log.warning("%s/%s could not run (%s): %s", domain, error.check, error.kind, error.error)
    return sweep, SweepOutcome(
        domain=domain,
        as_of=as_of,
        findings=len(findings),
        informational=sum(1 for f in findings if is_informational(f)),
        by_severity=record.findings_by_severity,
        errors=[f"{e.check}: {e.error}" for e in sweep.errors],
        checks_run=len(sweep.checks_run),
        rows_scanned=sweep.rows_scanned,
        engine=sweep.engine,
        duration_s=round(record.duration_s, 3),
    )


def load_stored_sweep(store: OpsStore, domain: str, as_of: datetime) -> tuple[HealthDomainRun, DomainSweep]:
    """The run record and its sweep (findings with the checks' own recommendations) from the store."""
    as_of = as_utc(as_of)
    rows = store.read(HealthDomainRun, {"domain": domain, "as_of": as_of})
    if not rows:
        raise LookupError(f"no {domain} sweep stored for {as_of.isoformat()}; run the sweep step first")
    record = rows[0]
    wanted = set(record.finding_ids)
    findings = store.read(Finding, {"finding_id": In(sorted(wanted))})
    missing = wanted - {f.finding_id for f in findings}
    if missing:
        raise LookupError(f"{len(missing)} finding(s) of the {domain} sweep at {as_of.isoformat()} are missing from the store")
    findings = [
        f.model_copy(update={"recommendation": record.check_recommendations.get(f.finding_id, f.recommendation)})
        for f in findings
    ]
    sweep = DomainSweep(
        domain=record.domain,
        as_of=record.as_of,
        window_start=record.window_start,
        window_end=record.window_end,
        findings=findings,
        errors=[CheckError.model_validate(e) for e in record.errors],
        checks_run=record.checks_run,
        rows_scanned=record.rows_scanned,
        duration_s=record.duration_s,
        engine=record.engine,
    )
    return record, sweep


def store_analysis(store: OpsStore, record: HealthDomainRun, sweep: DomainSweep, analysis: DomainAnalysis) -> None:
    """Write the analysed texts onto the findings and complete the run record."""
    notes = {a.finding_id: a for a in analysis.findings}
    updated = [
        f.model_copy(update={"recommendation": notes[f.finding_id].recommendation, "agent_path": notes[f.finding_id].agent_path})
        for f in sweep.findings
        if f.finding_id in notes
    ]
    if updated:
        store.upsert(updated)
    done = record.model_copy(update={
        "analysed": True,
        "path": analysis.path,
        "llm": analysis.llm,
        "headline": analysis.headline,
        "fallback_reason": analysis.fallback_reason,
        "analysis": analysis.model_dump(mode="json"),
        "analysed_at": utcnow(),
    })
    store.upsert([done])


def analyse_stored(
    warehouse: Any,
    domain: str,
    as_of: datetime,
    *,
    analyst: Analyst,
    store: OpsStore | None = None,
) -> tuple[DomainAnalysis, AnalysisOutcome]:
    """Analyse the stored sweep of (domain, as_of) with `analyst` and store the result."""
    store = store or get_ops_store(warehouse)
    record, sweep = load_stored_sweep(store, domain, as_of)
    analysis = analyst(sweep, warehouse=warehouse, store=store)
    store_analysis(store, record, sweep, analysis)
    return analysis, AnalysisOutcome(
        domain=domain,
        as_of=as_utc(as_of),
        path=analysis.path,
        llm=analysis.llm,
        fallback_reason=analysis.fallback_reason,
        headline=analysis.headline,
        findings=len(analysis.findings),
        tool_calls=analysis.tool_calls,
    )


def escalate_stored(
    warehouse: Any,
    domain: str,
    as_of: datetime,
    *,
    deliver: Callable[..., Any],
    settings: Any = None,
    store: OpsStore | None = None,
) -> EscalationOutcome:
    """Tell people at once about the stored sweep's due critical issues (`include.health.escalation`).

    `deliver(alert, renotify_hours=...)` sends through the configured channels
    (`plugins/lakepilot_airflow/alerts.py`); `settings` as for the sweep (over the workspace's file).
    """
    from include.health.workspace_settings import resolve_settings

    store = store or get_ops_store(warehouse)
    policy = EscalationPolicy.from_settings(resolve_settings(settings, lakehouse=local_root(warehouse)))
    _, sweep = load_stored_sweep(store, domain, as_of)
    return escalate(store, sweep, policy=policy,
                    deliver=lambda alert: deliver(alert, renotify_hours=policy.renotify_hours))
