"""`ask()`: route a question, ask every needed domain agent at once, connect and write one answer.

    from agents.orchestrator import ask
    answer = ask("Why did cost spike yesterday, and did jobs fail?", session_id="s-1")
    print(answer.answer)                  # who answered, for when, numbers, connections, follow-ups
    ask("and the day before?", session_id="s-1")   # follow-up: same domains, earlier window

See docs/orchestrator.md for the contract.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from agents.llm import LLMConfig, llm_mode_label
from agents.orchestrator.conversation import Conversation, check_session_id
from agents.orchestrator.correlate import correlate
from agents.orchestrator.digest import facts_for
from agents.orchestrator.evidence import BASELINE_DAYS
from agents.orchestrator.focus import ALL_DOMAINS, find_focus, named_entity_domains
from agents.orchestrator.followups import suggest
from agents.orchestrator.gather import DEFAULT_DEADLINE_S, GatherContext, gather
from agents.orchestrator.inventory import inventory
from agents.orchestrator.labels import Labels
from agents.orchestrator.llm_synthesis import llm_body
from agents.orchestrator.models import Answer, AnswerStatus, DomainResult, SynthesisInfo
from agents.orchestrator.planning import plan_sweeps
from agents.orchestrator.router import RouteResult, route
from agents.orchestrator.router.decision import clarification
from agents.orchestrator.router.models import DomainScore
from agents.orchestrator.sources import SweepFn, data_marker
from agents.orchestrator.synthesis import assemble, clarification_text, deterministic_body, frame, window_text
from include.clock import as_utc, utcnow
from include.health.settings import HealthSettings
from include.health.workspace_settings import workspace_names
from include.lakehouse.about import data_ends_before
from include.ops.store import OpsStore
from include.untrusted.limits import QUESTION, clip
from include.untrusted.redaction import redact

log = logging.getLogger(__name__)

Stage = Literal["route", "agents", "synthesis"]
ALL_STAGES: frozenset[Stage] = frozenset({"route", "agents", "synthesis"})
# Below this the router's best domain is a guess: ask back instead of answering.
MIN_ROUTE_CONFIDENCE = 0.5


@dataclass
class AskOptions:
    """Knobs of one `ask` (defaults suit the CLI, the DAG and the UI)."""

    deadline_s: float = DEFAULT_DEADLINE_S
    llm_stages: frozenset[Stage] = ALL_STAGES
    settings: HealthSettings | None = None
    use_cache: bool = True
    min_route_confidence: float = MIN_ROUTE_CONFIDENCE
    sweep_fn: SweepFn | None = field(default=None, repr=False)  # run_domain-compatible; default each agent's own


@dataclass
class _Models:
    route: Any = None
    agents_config: LLMConfig | None = None
    agents_model: Any = None
    synthesis: Any = None
    synthesis_timeout_s: float | None = None
    label: str = llm_mode_label(None)


def _models(llm: Any, stages: frozenset[Stage]) -> _Models:
    if llm is None:
        return _Models()
    if isinstance(llm, LLMConfig):
        synthesis = None
        if "synthesis" in stages:
            from agents.llm import build_chat_model

            synthesis = build_chat_model(llm, agent="orchestrator")
        return _Models(route=llm if "route" in stages else None, agents_config=llm if "agents" in stages else None,
                       synthesis=synthesis, synthesis_timeout_s=llm.timeout_s, label=llm_mode_label(llm))
    return _Models(route=llm if "route" in stages else None, agents_model=llm if "agents" in stages else None,
                   synthesis=llm if "synthesis" in stages else None, label=f"llm (injected {type(llm).__name__})")


def _now(now: datetime | None, warehouse: Any, notes: list[str]) -> datetime:
    """The question's "now": the caller's, else the wall clock — or where a local lakehouse's data ends, if
    that lies in the past (`include/lakehouse/about.py`), said in a note."""
    if now is not None:
        return as_utc(now)
    end = data_ends_before(getattr(warehouse, "root", None))
    if end is not None:
        notes.append(f"times are read as of {end:%Y-%m-%d %H:%M} UTC, where the local lakehouse's data ends")
        return end
    return utcnow()


def known_names(warehouse: Any, marker: str) -> dict[str, str]:
    """`kind:id` -> name: workspaces from the health settings, everything else from the system tables."""
    names = {f"workspace:{wid}": name for wid, name in workspace_names(getattr(warehouse, "root", None)).items()}
    for ref, name in inventory(warehouse, marker).items():
        names.setdefault(ref, name)
    return names


def _low_confidence(routed: RouteResult, minimum: float) -> RouteResult:
    """A clarification instead of a route whose best domain is below `minimum`."""
    if not routed.domains or max(d.confidence for d in routed.domains) >= minimum:
        return routed
    ask_back = clarification(routed.scores, routed.domain_names())
    return routed.model_copy(update={"domains": [], "clarification": ask_back,
                                     "reasons": [*routed.reasons, f"orchestrator: best confidence below {minimum}"]})


@dataclass
class _Named:
    """What the question names (`names`) and the domains asked only because of it (`added`)."""

    names: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)


def _entity_route(routed: RouteResult, labels: Labels) -> tuple[RouteResult, _Named]:
    """A question that names a job, cluster, table, endpoint, user or IP goes to the domains that know it
    (added to what the words chose, or instead of asking back which area), and the answer leads with it."""
    if routed.followup:
        return routed, _Named()
    wanted, names = named_entity_domains(routed.question, labels)
    chosen = routed.domain_names()
    if chosen and set(wanted) == set(ALL_DOMAINS):  # a name nobody knows: the words' choice stands
        return routed, _Named(names=names)
    extra = [d for d in wanted if d not in chosen]
    if not extra:
        return routed, _Named(names=names)
    scores = [*routed.domains, *(DomainScore(domain=d, confidence=0.5) for d in extra)]
    reason = f"orchestrator: the question names {', '.join(names[:3])}; asked {', '.join(extra)} too"
    routed = routed.model_copy(update={"domains": scores, "clarification": None, "reasons": [*routed.reasons, reason]})
    return routed, _Named(names=names, added=extra)


def _status(results: list[DomainResult]) -> AnswerStatus:
    if all(r.status == "failed" for r in results):
        return "failed"
    return "answered" if all(r.status == "answered" for r in results) else "partial"


def ask(
    question: str,
    session_id: str | None = None,
    now: datetime | None = None,
    warehouse: Any = None,
    store: OpsStore | None = None,
    llm: Any = None,
    *,
    request_id: str | None = None,
    options: AskOptions | None = None,
) -> Answer:
    """Answer `question` from every domain agent it needs, as one answer, and store the turn.

    Args:
        question: the user's words (untrusted: they only choose among the six domains and a window).
        session_id: the conversation (1-64 of `A-Za-z0-9_.:-`); None starts a new one.
        now: reference time for "yesterday" etc.; default now, or the end of a simulated workspace's data.
        warehouse: SQL engine (`include.lakehouse.warehouse`); default `get_warehouse()`.
        store: ops store for stored sweeps and the conversation; default the warehouse's.
        llm: None (deterministic), an `LLMConfig`, or a LangChain chat model (tests, notebooks).
        request_id: idempotency key of a retryable caller (the DAG's run id): a retry rewrites its turn.
        options: deadline, which stages use the LLM, check settings, cache.

    Raises:
        ValueError: an empty question, or a malformed session/request id. A question over the
            `QUESTION` cap is cut (head and tail kept) and the answer's notes say so.
    """
    started = time.monotonic()
    opts = options or AskOptions()
    session = check_session_id(session_id)
    notes: list[str] = []
    if isinstance(question, str):
        # A pasted token or password must not reach the model, the stored turn or the answer; a
        # pasted stack trace is cut to the documented cap (head and tail), and the answer says so.
        clipped = clip(redact(question), QUESTION)
        question = clipped.text
        if clipped.cut:
            notes.append(clipped.note("the question"))
    if warehouse is None:
        from include.lakehouse.warehouse import get_warehouse

        warehouse = get_warehouse()
    if store is None:
        from include.ops.store import get_ops_store

        store = get_ops_store(warehouse)
    when = _now(now, warehouse, notes)
    models = _models(llm, opts.llm_stages)
    convo = Conversation(store, session)
    turn, previous = convo.next_turn(request_id)
    routed = _low_confidence(route(question, when, llm=models.route, context=convo.context_of(previous)),
                             opts.min_route_confidence)
    marker = data_marker(warehouse)  # which generated data this is: one read of the lakehouse's description
    names = known_names(warehouse, marker)
    known = Labels.build(names)
    routed, named = _entity_route(routed, known)
    base = {"session_id": session, "turn": turn, "question": routed.question, "now": when, "route_path": routed.path,
            "route_confidence": round(routed.confidence, 4), "time_window": routed.time_window,
            "engine": warehouse.describe()}
    if routed.clarification is not None:
        answer = Answer(**base, status="clarify", headline=routed.clarification.question,
                        answer="\n\n".join([clarification_text(routed.clarification.question,
                                                                 list(routed.clarification.options)), *notes]),
                        clarification=routed.clarification, synthesis=SynthesisInfo(llm=models.label),
                        notes=notes, duration_s=time.monotonic() - started)
        convo.save(answer, routed, request_id)
        return answer

    try:
        plan = plan_sweeps(routed.time_window, when)
    except ValueError as exc:  # a window with nothing in it yet ("today" at midnight)
        answer = Answer(**base, status="failed", headline=str(exc), domains=routed.domains,
                        answer=f"{exc}: there is nothing to look at yet.", followups=["what about yesterday?"],
                        synthesis=SynthesisInfo(llm=models.label), notes=notes, duration_s=time.monotonic() - started)
        convo.save(answer, routed, request_id)
        return answer
    notes += plan.notes
    ctx = GatherContext(plan=plan, window=routed.time_window, warehouse=warehouse, store=store, llm=models.agents_config,
                        model=models.agents_model, settings=opts.settings, marker=marker,
                        sweep_fn=opts.sweep_fn, use_cache=opts.use_cache, deadline_s=opts.deadline_s,
                        question=routed.question, labels=known)
    results = gather(routed.domain_names(), ctx)
    labels = Labels.build(names, results)
    focus = find_focus(routed.question, [f for r in results for f in r.findings], labels)
    if focus.note():
        notes.append(focus.note())
    if focus.mentions and named.added:  # a domain asked only for the named thing, with nothing about it: left out
        results = [r for r in results if r.domain not in named.added or any(focus.about(f) for f in r.findings)]
    window = routed.time_window
    baseline = window.comparison.label if window and window.comparison else f"the {BASELINE_DAYS} days before (scaled to the window)"
    facts = facts_for(results, labels, baseline)
    correlations = correlate(results, labels)
    followups = suggest(routed.domain_names(), window, results, correlations)
    parts = frame(results, facts, plan, window, followups=followups, notes=notes, followup=routed.followup, focus=focus)
    body, headline = deterministic_body(parts.sections, correlations), parts.headline
    if named.names and not focus.mentions:  # the premise: say first that nothing was found about what was named
        parts.headline = headline = f"Nothing found about {', '.join(named.names[:3])} in {plan.label}. Otherwise: {headline}"
    synthesis = SynthesisInfo(llm=models.label)
    if models.synthesis is not None and parts.sections:
        when_text, comparison_text = window_text(plan, window)
        written, synthesis = llm_body(models.synthesis, label=models.label, question=routed.question, window=when_text,
                                      comparison=comparison_text, results=results, facts=facts, correlations=correlations,
                                      draft=body, timeout_s=models.synthesis_timeout_s)
        if written is not None:
            body, headline = written.body, written.headline
    answer = Answer(**base, status=_status(results), answer=assemble(headline, parts, body), headline=headline,
                    domains=routed.domains, results=results, correlations=correlations, followups=followups,
                    notes=notes, agent_path=synthesis.path, synthesis=synthesis,
                    duration_s=time.monotonic() - started)
    convo.save(answer, routed, request_id)
    log.info("session %s turn %d: %s by %s in %.2fs (%s synthesis)", session, turn, answer.status,
             ",".join(answer.agents()) or "no agent", answer.duration_s, answer.agent_path)
    return answer


__all__ = ["ALL_STAGES", "AskOptions", "ask"]
