"""Ask every needed domain agent at once (threads: the work is SQL and LLM I/O) and collect results.

Each domain gets its sweep(s) for the window (stored, cached or fresh; see `sources`), its
agent's analysis, and its evidence queries. A domain that raises, or does not finish within the
deadline, comes back as `status="failed"` with the reason; the others still answer.
"""

from __future__ import annotations

import concurrent.futures
import logging
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from agents.domains import analyse
from agents.llm import import_llm_modules
from agents.orchestrator.correlate import refs_index
from agents.orchestrator.evidence import run_evidence
from agents.orchestrator.models import DomainResult, DomainStatus, EvidenceTable, SweepUsed
from agents.orchestrator.planning import STORED_TOLERANCE, SweepPlan
from agents.orchestrator.router.models import TimeWindow
from agents.orchestrator.sources import SweepFn, merge_sweeps, obtain_sweep
from include.health.analysis import AnalysedFinding, DomainAnalysis
from include.health.models import DomainSweep
from include.health.records import HealthDomainRun
from include.health.settings import HealthSettings
from include.ops.filters import Since
from include.ops.models import Domain
from include.ops.store import OpsStore
from include.untrusted.redaction import redact

log = logging.getLogger(__name__)

MAX_FINDINGS_PER_DOMAIN = 12
DEFAULT_DEADLINE_S = 180.0
MAX_ERROR_CHARS = 300
LLM_SHARE_OF_DEADLINE = 0.6


@dataclass
class GatherContext:
    """What every domain worker needs."""

    plan: SweepPlan
    window: TimeWindow | None
    warehouse: Any
    store: OpsStore
    llm: Any = None
    model: Any = None
    settings: HealthSettings | None = None
    marker: str = ""
    sweep_fn: SweepFn | None = None
    use_cache: bool = True
    deadline_s: float = DEFAULT_DEADLINE_S
    runs: dict[str, list[HealthDomainRun]] = field(default_factory=dict)
    question: str = ""  # findings about the entities it names are kept first, whatever the cap
    labels: Any = None


def describe_error(exc: BaseException) -> str:
    """A short, secret-free reason for an answer ("QueryError: table … not found")."""
    text = " ".join(str(exc).split()) or "no detail"
    text = redact(f"{type(exc).__name__}: {text}")
    return text if len(text) <= MAX_ERROR_CHARS else text[: MAX_ERROR_CHARS - 1] + "…"


def _analysis(domain: Domain, ctx: GatherContext) -> tuple[DomainAnalysis, DomainSweep, list[SweepUsed]]:
    runs = ctx.runs.get(domain, [])
    obtained = [
        obtain_sweep(domain, chunk, warehouse=ctx.warehouse, store=ctx.store, runs=runs, settings=ctx.settings,
                     marker=ctx.marker, sweep_fn=ctx.sweep_fn, use_cache=ctx.use_cache)
        for chunk in ctx.plan.chunks
    ]
    used = [SweepUsed(as_of=o.sweep.as_of, window_start=o.sweep.window_start, window_end=o.sweep.window_end,
                      source=o.source, findings=len(o.sweep.findings)) for o in obtained]
    sweep = merge_sweeps(domain, [o.sweep for o in obtained])
    if len(obtained) == 1 and obtained[0].analysis is not None:
        return obtained[0].analysis, sweep, used
    # The agent's LLM loop must give up (and fall back to its templates) before the answer's deadline.
    analysis = analyse(domain, sweep, llm=ctx.llm, model=ctx.model, warehouse=ctx.warehouse, store=ctx.store,
                                            deadline_s=ctx.deadline_s * LLM_SHARE_OF_DEADLINE)
    return analysis, sweep, used


def _status(sweep_error: str, sweep: DomainSweep | None, evidence: list[EvidenceTable]) -> tuple[DomainStatus, str]:
    failed_queries = [e for e in evidence if e.status == "error"]
    if sweep is None:
        if evidence and not failed_queries:
            return "partial", f"the checks could not run ({sweep_error}); the answer rests on queries only"
        return "failed", sweep_error
    could_not = {e.check for e in sweep.errors}
    ran_ok = set(sweep.checks_run) - could_not
    if sweep.errors and not ran_ok:
        reasons = "; ".join(f"{e.check}: {e.error}" for e in sweep.errors[:3])
        return "failed", redact(f"none of its checks could run ({reasons})")[:MAX_ERROR_CHARS]
    problems = [f"{len(sweep.errors)} check(s) could not run"] if sweep.errors else []
    problems += [f"query {e.name} failed" for e in failed_queries]
    return ("partial", "; ".join(problems)) if problems else ("answered", "")


def _focused_first(findings: list[AnalysedFinding], ctx: GatherContext) -> list[AnalysedFinding]:
    """Findings about what the question names first (in severity order), then the rest."""
    if not ctx.question:
        return list(findings)
    from agents.orchestrator.focus import find_focus

    focus = find_focus(ctx.question, findings, ctx.labels)
    return [f for f in findings if focus.about(f)] + [f for f in findings if not focus.about(f)]


def answer_domain(domain: Domain, ctx: GatherContext) -> DomainResult:
    """One domain's contribution; never raises (a failure is the result)."""
    started = time.monotonic()
    analysis: DomainAnalysis | None = None
    sweep: DomainSweep | None = None
    used: list[SweepUsed] = []
    sweep_error = ""
    try:
        analysis, sweep, used = _analysis(domain, ctx)
    except Exception as exc:  # this domain could not check; the question still gets the others
        log.warning("%s agent could not answer: %s", domain, exc)
        sweep_error = describe_error(exc)
    evidence = run_evidence(domain, ctx.plan, ctx.window, ctx.warehouse)
    status, reason = _status(sweep_error, sweep, evidence)
    result = DomainResult(domain=domain, status=status, error=reason, evidence=evidence, sweeps=used,
                          window_start=ctx.plan.start, window_end=ctx.plan.end)
    if analysis is not None and sweep is not None:
        counts = Counter(f.severity for f in analysis.findings)
        result = result.model_copy(update={
            "window_start": sweep.window_start,
            "window_end": sweep.window_end,
            "headline": analysis.headline,
            "findings": _focused_first(analysis.findings, ctx)[:MAX_FINDINGS_PER_DOMAIN],
            "findings_total": len(analysis.findings),
            "by_severity": {s: counts[s] for s in ("critical", "high", "medium", "low") if counts[s]},
            "key_numbers": analysis.key_numbers,
            "check_errors": sweep.errors,
            "entity_refs": refs_index([f for f in sweep.findings if not f.evidence.get("informational")]),
            "informational_ids": [f.finding_id for f in sweep.findings if f.evidence.get("informational")],
            "analysis_path": analysis.path,
            "analysis_llm": analysis.llm,
            "fallback_reason": analysis.fallback_reason,
        })
    return result.model_copy(update={"duration_s": round(time.monotonic() - started, 3)})


def gather(domains: list[Domain], ctx: GatherContext) -> list[DomainResult]:
    """Every domain's result, in the order given; slow domains are reported as timed out."""
    if not domains:
        return []
    if ctx.store is not None and not ctx.runs:
        try:
            # Only runs whose window can match a chunk of this question (bounded, filtered in the engine).
            earliest = min(c.as_of - timedelta(hours=c.window_hours * STORED_TOLERANCE) for c in ctx.plan.chunks)
            all_runs = ctx.store.read(HealthDomainRun, {"window_end": Since(earliest)})
        except Exception as exc:  # no stored runs readable: every domain sweeps afresh
            log.warning("stored health runs unreadable: %s", exc)
            all_runs = []
        for run in all_runs:
            ctx.runs.setdefault(run.domain, []).append(run)
    if ctx.llm is not None or ctx.model is not None:
        import_llm_modules()  # here, not racing in the workers
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=len(domains), thread_name_prefix="lakepilot-ask")
    futures = {d: pool.submit(answer_domain, d, ctx) for d in domains}
    concurrent.futures.wait(futures.values(), timeout=ctx.deadline_s)
    pool.shutdown(wait=False, cancel_futures=True)
    results: list[DomainResult] = []
    for domain, future in futures.items():
        if future.done():
            try:
                results.append(future.result())
            except Exception as exc:  # answer_domain reports its own failures; this is a bug guard
                results.append(DomainResult(domain=domain, status="failed", error=describe_error(exc)))
        else:
            results.append(DomainResult(domain=domain, status="failed", window_start=ctx.plan.start,
                                        window_end=ctx.plan.end,
                                        error=f"did not finish within {ctx.deadline_s:.0f}s"))
    return results
