"""Orchestrator pieces on their own: number checking, sweep planning, conversation turns, follow-ups.

Conversation tests use the real local ops store (Delta tables under the test's LAKEPILOT_HOME).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from agents.orchestrator.conversation import Conversation, check_session_id
from agents.orchestrator.followups import suggest
from agents.orchestrator.models import Answer
from agents.orchestrator.numbers import EvidenceNumbers, cited_numbers
from agents.orchestrator.planning import MAX_SWEEPS, SweepChunk, plan_sweeps
from agents.orchestrator.router import RouteContext, TimeWindow, route
from agents.orchestrator.router.models import DomainScore, RouteResult
from agents.orchestrator.service import _low_confidence
from include.ops.models import ConversationTurn
from include.ops.store import LocalOpsStore

NOW = datetime(2026, 5, 13, 0, 0, tzinfo=UTC)
EVIDENCE = {"usd": 1027.6347, "share": 0.4512, "ratio": 3.145, "job": "107625665920123",
            "cluster": "0322-114423-2w4t88cd", "window": "yesterday [2026-05-12 00:00 → 2026-05-13 00:00) UTC"}


@pytest.mark.parametrize(
    ("text", "unsupported"),
    [
        ("Spend was $1,027.63, or $1,028, or $1.03k.", []),
        ("It is 45% of the total and 3.1x the baseline.", []),  # 0.4512 as a percentage; 3.145 to one decimal
        ("On 2026-05-12, job 107625665920123 ran on cluster 0322-114423-2w4t88cd.", []),  # ids and dates
        ("1. first point\n2. second point", []),  # list markers are not numbers
        ("Spend was $1,000.", ["$1,000"]),  # rounded beyond the written precision
        ("Spend was $1.2k.", ["$1.2k"]),
        ("It rose 40% because of 7 retries.", ["40%", "7"]),
        ("A 3.15x jump.", []),  # 3.145 to two decimals
        ("A 3.2x jump.", ["3.2x"]),  # 3.145 is 3.1 to one decimal, not 3.2
    ],
)
def test_numbers_must_be_in_the_evidence_at_the_written_precision(text: str, unsupported: list[str]) -> None:
    assert EvidenceNumbers.from_evidence(EVIDENCE).unsupported(text) == unsupported


def test_cited_numbers_reads_units() -> None:
    cited = {c.text: c for c in cited_numbers("$1,234.50, 12%, 2.5x, $3k and 4M rows")}
    assert cited["$1,234.50"].value == 1234.5 and cited["$1,234.50"].decimals == 2
    assert cited["12%"].percent and cited["2.5x"].value == 2.5
    assert cited["$3k"].value == 3000 and cited["4M"].value == 4_000_000


def _window(start: datetime, end: datetime, granularity: str = "custom", label: str = "w") -> TimeWindow:
    return TimeWindow(start=start, end=end, granularity=granularity, label=label)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("start", "end", "chunks"),
    [
        (NOW - timedelta(days=1), NOW, [(NOW, 24)]),
        (NOW - timedelta(days=7), NOW, [(NOW, 168)]),
        (NOW - timedelta(days=12), NOW, [(NOW - timedelta(days=7), 120), (NOW, 168)]),
        (NOW - timedelta(hours=15, minutes=30), NOW, [(NOW, 16)]),  # whole hours, rounded out
    ],
)
def test_a_window_becomes_sweeps_of_at_most_a_week(start: datetime, end: datetime, chunks: list) -> None:
    plan = plan_sweeps(_window(start, end), NOW)
    assert [(c.as_of, c.window_hours) for c in plan.chunks] == chunks
    assert (plan.start, plan.end) == (start, end)


def test_a_long_window_is_capped_and_says_so() -> None:
    plan = plan_sweeps(_window(NOW - timedelta(days=60), NOW, label="the last 60 days"), NOW)
    assert len(plan.chunks) == MAX_SWEEPS and plan.chunks[-1].as_of == NOW
    assert plan.chunks[0].start == NOW - timedelta(days=7 * MAX_SWEEPS)
    assert "longer than 5 weekly sweeps" in plan.notes[0]


def test_no_window_means_the_24_hours_before_now() -> None:
    plan = plan_sweeps(None, NOW)
    assert plan.default_window and [(c.as_of, c.window_hours) for c in plan.chunks] == [(NOW, 24)]


def test_a_stored_sweep_stands_in_only_when_both_ends_are_close() -> None:
    chunk = SweepChunk(as_of=NOW, window_hours=24)
    assert chunk.matches(NOW - timedelta(hours=26), NOW - timedelta(hours=2))  # within 2.4 h
    assert not chunk.matches(NOW - timedelta(hours=18), NOW + timedelta(hours=6))  # the 06:00 daily DAG run


def _answer(session: str, turn: int, question: str) -> Answer:
    return Answer(session_id=session, turn=turn, question=question, status="answered", answer="text", headline="h", now=NOW)


def test_turns_are_numbered_and_a_repeated_request_rewrites_its_turn(lakehouse) -> None:
    store = LocalOpsStore(lakehouse)
    convo = Conversation(store, "s-1")
    routed = route("why did cost spike yesterday?", NOW)
    assert convo.next_turn("r1") == (1, None)
    convo.save(_answer("s-1", 1, "q1"), routed, "r1")
    number, previous = convo.next_turn("r2")
    assert number == 2 and previous is not None and previous.turn == 1
    convo.save(_answer("s-1", 2, "q2"), routed, "r2")
    # The task that wrote turn 2 is retried: same turn, and the turn before it is still 1.
    number, previous = convo.next_turn("r2")
    assert number == 2 and previous.turn == 1
    convo.save(_answer("s-1", 2, "q2 again"), routed, "r2")
    rows = sorted(store.read(ConversationTurn, {"session_id": "s-1"}), key=lambda t: t.turn)
    assert [(t.turn, t.question, t.request_id) for t in rows] == [(1, "q1", "r1"), (2, "q2 again", "r2")]
    context = Conversation.context_of(rows[-1])
    assert context is not None and context.domains == ["cost"] and context.time_window == routed.time_window


@pytest.mark.parametrize("bad", ["a b", "x" * 65, "semi;colon"])
def test_bad_session_ids_are_refused_by_name(bad: str) -> None:
    with pytest.raises(ValueError, match="session id"):
        check_session_id(bad)


def test_a_missing_session_id_starts_a_new_session() -> None:
    assert check_session_id(None) != check_session_id(None)
    assert check_session_id("s-1") == "s-1"


def test_every_suggested_follow_up_routes_without_asking_back() -> None:
    first = route("Why did cost spike yesterday, and did jobs fail?", NOW)
    suggestions = suggest(first.domain_names(), first.time_window, [], [])
    assert suggestions[0] == "and the day before?"
    context = RouteContext.from_result(first)
    for question in [*suggestions, "tell me more", "what about data quality?", "what about the model serving endpoints?"]:
        follow = route(question, NOW, context=context)
        assert follow.clarification is None, question
        assert follow.time_window is not None, question


def test_a_guess_below_the_confidence_floor_is_asked_back() -> None:
    shaky = RouteResult(question="q", domains=[DomainScore(domain="performance", confidence=0.44)],
                        scores={"performance": 0.44, "cost": 0.3})
    asked = _low_confidence(shaky, 0.5)
    assert asked.domains == [] and asked.clarification is not None
    assert asked.clarification.options[0] == "performance"
    sure = RouteResult(question="q", domains=[DomainScore(domain="cost", confidence=0.9)], scores={"cost": 0.9})
    assert _low_confidence(sure, 0.5) is sure


def test_windows_running_up_to_now_end_at_the_last_full_hour() -> None:
    now = NOW + timedelta(hours=15, minutes=37)
    default = plan_sweeps(None, now)
    assert (default.start, default.end) == (NOW - timedelta(hours=9), NOW + timedelta(hours=15))
    assert default.chunks[0].as_of == NOW + timedelta(hours=15) and "15:00 UTC, the last full hour" in default.notes[0]
    today = plan_sweeps(_window(NOW, now, "day", "today"), now)
    assert (today.end, today.chunks[0].window_hours) == (NOW + timedelta(hours=15), 15)
    yesterday = plan_sweeps(_window(NOW - timedelta(days=1), NOW, "day", "yesterday"), now)
    assert yesterday.end == NOW and yesterday.notes == []
    with pytest.raises(ValueError, match="no full hour yet"):
        plan_sweeps(_window(NOW, NOW + timedelta(minutes=20), "day", "today"), NOW + timedelta(minutes=20))


def test_findings_are_indexed_by_the_ids_they_name() -> None:
    from agents.orchestrator.correlate import finding_refs
    from include.ops.models import Finding

    common = {"severity": "high", "window_start": NOW - timedelta(days=1), "window_end": NOW, "metric": "m",
              "summary": "s", "recommendation": "r"}
    stale = Finding(domain="data_quality", check="stale_table", entity_type="table", entity_id="a.b.c",
                    evidence={"writer_jobs": ["11", "12"], "workspace_id": "w1", "informational": False}, **common)
    spike = Finding(domain="cost", check="sku_spike", entity_type="workspace_sku", entity_id="w1/JOBS", evidence={}, **common)
    assert finding_refs(stale) == {"table:a.b.c", "job:11", "job:12", "workspace:w1"}
    assert finding_refs(spike) == {"workspace:w1"}


@pytest.mark.parametrize("llm_model", [None, object()])
def test_llm_packages_are_imported_before_the_domain_workers_start(monkeypatch, llm_model) -> None:
    # First imports of httpx/openai/langchain racing in several worker threads once handed an agent a
    # half-initialised module (its LLM path then fell back); gather imports them first, in its own thread.
    import threading

    from agents.orchestrator import gather as gather_module
    from agents.orchestrator.models import DomainResult

    events: list[tuple[str, str]] = []
    monkeypatch.setattr(gather_module, "import_llm_modules",
                        lambda: events.append(("import", threading.current_thread().name)))

    def answer(domain, ctx):
        events.append(("answer", threading.current_thread().name))
        return DomainResult(domain=domain, status="answered")

    monkeypatch.setattr(gather_module, "answer_domain", answer)
    ctx = gather_module.GatherContext(plan=plan_sweeps(None, NOW), window=None, warehouse=None, store=None,
                                      model=llm_model)
    results = gather_module.gather(["cost", "reliability"], ctx)
    assert [r.status for r in results] == ["answered", "answered"]
    answers = [name for kind, name in events if kind == "answer"]
    assert len(answers) == 2 and all(name.startswith("lakepilot-ask") for name in answers)
    if llm_model is None:
        assert [kind for kind, _ in events].count("import") == 0, "an offline answer does not load the LLM stack"
    else:
        assert events[0] == ("import", threading.current_thread().name)


def test_the_llm_modules_import_in_a_fresh_interpreter() -> None:
    import subprocess
    import sys

    code = ("import sys; from agents.llm import LLM_MODULES, import_llm_modules; import_llm_modules(); "
            "missing = [m for m in LLM_MODULES if m not in sys.modules]; assert not missing, missing; print('ok')")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr[-2000:]


def _cost_result(total: float, expected: float, rows: list[dict]) -> object:
    from agents.orchestrator.models import DomainResult, EvidenceTable

    base = {"workspace_id": "111", "sku_name": "JOBS", "workload_type": "job", "job_name": None,
            "total_window_usd": total, "total_expected_usd": expected}
    table = EvidenceTable(name="cost_drivers", domain="cost", description="", status="ok",
                          rows=[{**base, **r} for r in rows], row_count=len(rows))
    return DomainResult(domain="cost", status="answered", evidence=[table])


@pytest.mark.parametrize(("total", "expected", "first", "absent"), [
    (778.0, 926.0, "Spend did not rise: $778.00 in the window across all workspaces, 16% below the $926.00 expected",
     "of the overall change"),
    (950.0, 926.0, "Spend was about as expected: $950.00", "did not rise"),
    (2100.0, 926.0, "Total spend in the window was $2,100 across all workspaces, against $926.00 expected", "did not rise"),
])
def test_cost_facts_say_when_the_premise_of_a_spike_is_wrong(total: float, expected: float, first: str, absent: str) -> None:
    """"Why did cost spike?" on a day spend fell: the first fact says it did not, and no increase is called a
    share of a change that was a fall."""
    from agents.orchestrator.digest import cost_facts
    from agents.orchestrator.labels import Labels

    rows = [{"workload_id": "42", "window_usd": 300.0, "expected_usd": 200.0, "change_usd": 100.0},
            {"workload_id": "43", "window_usd": 100.0, "expected_usd": 348.0, "change_usd": -248.0}]
    facts = cost_facts(_cost_result(total, expected, rows), Labels(), "the previous 7 days")  # type: ignore[arg-type]
    texts = [f.text for f in facts]
    assert texts[0].startswith(first), texts[0]
    assert not any(absent in t for t in texts), texts
    assert len([t for t in texts if "+$100.00" in t]) == 1  # the one workload that rose is still named


@pytest.mark.parametrize(("total", "shown", "more"), [(3, 3, 0), (4, 4, 0), (5, 5, 0), (6, 3, 3), (9, 3, 6)])
def test_an_answer_names_the_findings_rather_than_hiding_one_or_two(total: int, shown: int, more: int) -> None:
    from agents.orchestrator.models import DomainResult
    from agents.orchestrator.synthesis import sections_for
    from include.health.analysis import AnalysedFinding

    findings = [AnalysedFinding(finding_id=f"f{i}", check="failure_streak", severity="high", entity_type="job",
                                entity_id=str(i), metric="consecutive_failures", summary=f"Job {i} failed",
                                explanation="", recommendation="") for i in range(total)]
    result = DomainResult(domain="reliability", status="answered", findings=findings, findings_total=total)
    (section,) = sections_for([result], [], plan_sweeps(None, datetime(2026, 5, 10, tzinfo=UTC)))
    assert (len(section.findings), section.more) == (shown, more)


def test_a_kind_of_thing_orders_findings_but_the_domains_fact_leads_a_named_thing_leads() -> None:
    """"Why did cost spike yesterday and did jobs fail?" on a day spend fell: the cost section leads with
    "spend did not rise", not with the first finding about some job ("jobs" belongs to the second half)."""
    from agents.orchestrator.digest import cost_facts
    from agents.orchestrator.focus import Focus, Mention
    from agents.orchestrator.labels import Labels
    from agents.orchestrator.synthesis import sections_for
    from include.health.analysis import AnalysedFinding

    result = _cost_result(778.0, 926.0, [{"workload_id": "42", "window_usd": 30.0, "expected_usd": 20.0, "change_usd": 10.0}])
    untagged = AnalysedFinding(finding_id="f1", check="untagged_spend", severity="medium", entity_type="job",
                               entity_id="42", metric="untagged_usd", summary="$7.64 spent by job 42 without tags",
                               explanation="", recommendation="")
    budget = untagged.model_copy(update={"finding_id": "f2", "entity_type": "workspace", "entity_id": "111",
                                         "summary": "Workspace 111 is forecast over budget"})
    result = result.model_copy(update={"findings": [budget, untagged], "findings_total": 2})  # type: ignore[attr-defined]
    facts = cost_facts(result, Labels(), "the previous 7 days")  # type: ignore[arg-type]
    plan = plan_sweeps(None, datetime(2026, 5, 10, tzinfo=UTC))
    (kind,) = sections_for([result], facts, plan, Focus(kinds={"job"}))  # type: ignore[list-item]
    assert kind.lead.startswith("Spend did not rise") and kind.findings[0] is untagged
    (named,) = sections_for([result], facts, plan, Focus([Mention(key="job:42", name="42", said="42", exact=True)]))  # type: ignore[list-item]
    assert named.lead == untagged.summary
