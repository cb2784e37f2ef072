"""`ask()` end to end on a generated small workspace with injected incidents (real checks, real Delta).

The expected numbers are recomputed here with pandas straight from the Delta tables (not with
the orchestrator's SQL), so a wrong join or share in the orchestrator fails these tests. The
LLM tests drive a LangChain *fake* chat model (GenericFakeChatModel with a `bind_tools` that
returns itself) scripted with the structured answer; everything else is real.
"""

from __future__ import annotations

import json
import shutil
import threading
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.compute as pc
import pytest
from deltalake import DeltaTable
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

from agents.domains import analyst
from agents.orchestrator import AskOptions, ask
from agents.orchestrator.sources import OrchestratorSweep
from include.health.records import HealthDomainRun
from include.health.runner import run_domain
from include.health.service import analyse_stored, sweep_and_store
from include.lakehouse.warehouse import LocalWarehouse
from include.ops.models import ConversationTurn, Finding
from include.ops.store import LocalOpsStore
from include.simulator.generate import generate_workspace

NOW = datetime(2026, 5, 13, tzinfo=UTC)  # the end of the generated data
YESTERDAY = (NOW - timedelta(days=1), NOW)
MULTI = "Why did cost spike yesterday, and did jobs fail?"
FAILED_STATES = {"FAILED", "ERROR", "TIMED_OUT"}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("ask-world") / "lakehouse"
    generate_workspace(root, days=14, scale="small", seed=7, end=date(2026, 5, 12))
    return root


@pytest.fixture(scope="module")
def truth(world: Path) -> list[dict[str, Any]]:
    return json.loads((world / "_truth" / "incidents.json").read_text())


@pytest.fixture(scope="module")
def shared_store(tmp_path_factory: pytest.TempPathFactory) -> LocalOpsStore:
    """One ops store for the tests that only read the workspace (sessions keep them apart)."""
    return LocalOpsStore(tmp_path_factory.mktemp("ask-ops"))


def _table(root: Path, name: str) -> pd.DataFrame:
    return DeltaTable(str(root.joinpath(*name.split(".")))).to_pyarrow_table().to_pandas()


def priced_usage(root: Path) -> pd.DataFrame:
    """Billing rows with USD at the list price valid at usage time, computed without SQL."""
    table = DeltaTable(str(root / "system" / "billing" / "usage")).to_pyarrow_table()
    meta = table.column("usage_metadata").combine_chunks()
    usage = pd.DataFrame({
        "workspace_id": table.column("workspace_id").to_pylist(), "sku_name": table.column("sku_name").to_pylist(),
        "cloud": table.column("cloud").to_pylist(), "start": table.column("usage_start_time").to_pandas(),
        "end": table.column("usage_end_time").to_pandas(), "qty": pc.cast(table.column("usage_quantity"), "float64").to_pylist(),
        "job_run_id": pc.struct_field(meta, "job_run_id").to_pylist(),
    })
    prices = DeltaTable(str(root / "system" / "billing" / "list_prices")).to_pyarrow_table()
    price = pd.DataFrame({
        "sku_name": prices.column("sku_name").to_pylist(), "cloud": prices.column("cloud").to_pylist(),
        "p_start": prices.column("price_start_time").to_pandas(), "p_end": prices.column("price_end_time").to_pandas(),
        "usd_per_unit": [float(p["effective_list"]["default"]) for p in prices.column("pricing").to_pylist()],
    })
    joined = usage.merge(price, on=["sku_name", "cloud"])
    valid = (joined["end"] >= joined["p_start"]) & (joined["p_end"].isna() | (joined["end"] < joined["p_end"]))
    joined = joined[valid].copy()
    joined["usd"] = joined["qty"] * joined["usd_per_unit"]
    return joined


def failed_runs(root: Path, job_id: str, start: datetime, end: datetime) -> tuple[int, int, set[str]]:
    runs = _table(root, "system.lakeflow.job_run_timeline")
    final = runs[runs["result_state"].notna() & (runs["job_id"] == job_id)
                 & (runs["period_end_time"] >= start) & (runs["period_end_time"] < end)]
    failed = final[final["result_state"].isin(FAILED_STATES)]
    return len(failed), len(final), set(failed["run_id"])


def incident(truth: list[dict[str, Any]], kind: str) -> dict[str, Any]:
    return next(i for i in truth if i["kind"] == kind)


def test_a_multi_intent_question_is_answered_by_both_agents_with_computed_connections(
    world: Path, truth: list[dict[str, Any]], shared_store: LocalOpsStore
) -> None:
    answer = ask(MULTI, session_id="multi", now=NOW, warehouse=LocalWarehouse(world), store=shared_store)
    assert answer.status == "answered", answer.answer
    assert [d.domain for d in answer.domains] == ["cost", "reliability"] and answer.agents() == ["cost", "reliability"]
    assert answer.answer.startswith(answer.headline)
    assert "Answered by the cost and reliability agents for yesterday [2026-05-12 00:00 → 2026-05-13 00:00) UTC" in answer.answer

    # The injected spend spike is found by the cost agent and cited with its numbers.
    spike = incident(truth, "sku_spike")
    cost = next(r for r in answer.results if r.domain == "cost")
    found = next(f for f in cost.findings if f.check == "sku_spike" and f.entity_id == spike["entity_id"])
    assert found.summary.rstrip(".") in answer.answer
    assert found.observed / found.baseline > 2  # the check's own threshold

    # The injected failures are found, and the counts agree with the raw timeline.
    rate = incident(truth, "failure_rate_increase")
    n_failed, n_runs, failed_ids = failed_runs(world, rate["entity_id"], *YESTERDAY)
    assert n_failed > 5
    assert f"failed {n_failed} of {n_runs} run(s)" in answer.answer

    # Same workspace: the failed runs' spend and its share are computed from the data.
    usage = priced_usage(world)
    ws = rate["workspace_id"]
    in_window = usage[(usage["start"] >= YESTERDAY[0]) & (usage["start"] < YESTERDAY[1])]
    ws_usd = in_window[in_window["workspace_id"] == ws]["usd"].sum()
    runs = _table(world, "system.lakeflow.job_run_timeline")
    ws_failed = set(runs[runs["result_state"].isin(FAILED_STATES) & (runs["workspace_id"] == ws)
                         & (runs["period_end_time"] >= YESTERDAY[0]) & (runs["period_end_time"] < YESTERDAY[1])]["run_id"])
    billed = usage[(usage["start"] >= YESTERDAY[0] - timedelta(days=1)) & (usage["start"] < YESTERDAY[1])]
    failed_usd = billed[billed["job_run_id"].isin(ws_failed) & (billed["workspace_id"] == ws)]["usd"].sum()
    assert failed_ids <= ws_failed and failed_usd > 0
    link = next(c for c in answer.correlations if c.kind == "same_workspace" and c.key == ws)
    assert link.domains == ["cost", "reliability"]
    assert link.numbers["workspace_window_usd"] == pytest.approx(ws_usd, abs=0.01)
    assert link.numbers["failed_usd"] == pytest.approx(failed_usd, abs=0.01)
    assert link.numbers["failed_share_of_spend_pct"] == pytest.approx(100 * failed_usd / ws_usd, abs=0.05)
    assert link.statement in answer.answer
    assert answer.followups and answer.followups[0] == "and the day before?"
    assert answer.agent_path == "deterministic" and answer.synthesis.fallback_reason == ""

    # The orchestrator's sweeps are cached apart; the health tables stay the DAGs' own.
    assert shared_store.read(Finding) == [] and shared_store.read(HealthDomainRun) == []
    cached = shared_store.read(OrchestratorSweep)
    assert {(c.domain, c.as_of, c.window_hours) for c in cached} >= {("cost", NOW, 24), ("reliability", NOW, 24)}
    again = ask(MULTI, session_id="multi-2", now=NOW, warehouse=LocalWarehouse(world), store=shared_store)
    assert {s.source for r in again.results for s in r.sweeps} == {"cached"}
    assert again.answer.split("You could ask next")[0].replace("(Follow-up", "") == answer.answer.split("You could ask next")[0]


def test_follow_ups_keep_context_across_turns_and_a_retried_turn_is_not_duplicated(
    world: Path, shared_store: LocalOpsStore
) -> None:
    warehouse = LocalWarehouse(world)
    first = ask(MULTI, session_id="conv", now=NOW, warehouse=warehouse, store=shared_store, request_id="r1")
    second = ask("and the day before?", session_id="conv", now=NOW, warehouse=warehouse, store=shared_store, request_id="r2")
    third = ask("what about security?", session_id="conv", now=NOW, warehouse=warehouse, store=shared_store, request_id="r3")
    assert (first.turn, second.turn, third.turn) == (1, 2, 3)
    assert [d.domain for d in second.domains] == ["cost", "reliability"]
    assert second.time_window is not None and second.time_window.start == NOW - timedelta(days=2)
    assert "for the day before [2026-05-11 00:00 → 2026-05-12 00:00) UTC" in second.answer
    assert [d.domain for d in third.domains] == ["security"] and third.time_window == second.time_window

    # The task that asked turn 2 is retried after turn 3 exists: it rewrites turn 2 from turn 1's context.
    retried = ask("and the day before?", session_id="conv", now=NOW, warehouse=warehouse, store=shared_store, request_id="r2")
    assert retried.turn == 2 and retried.time_window == second.time_window
    turns = sorted(shared_store.read(ConversationTurn, {"session_id": "conv"}), key=lambda t: t.turn)
    assert [(t.turn, t.request_id) for t in turns] == [(1, "r1"), (2, "r2"), (3, "r3")]
    assert turns[1].domains == ["cost", "reliability"] and turns[2].agents == ["security"]
    assert turns[1].context["route"]["time_window"]["label"] == "the day before"
    assert turns[1].answer == retried.answer and turns[1].details["turn"] == 2


def test_an_ambiguous_question_gets_the_routers_question_and_the_reply_is_answered(
    world: Path, shared_store: LocalOpsStore
) -> None:
    warehouse = LocalWarehouse(world)
    asked = ask("is everything ok?", session_id="vague", now=NOW, warehouse=warehouse, store=shared_store)
    assert asked.status == "clarify" and asked.results == []
    assert asked.clarification is not None and asked.answer.startswith(asked.clarification.question)
    reply = ask("cost", session_id="vague", now=NOW, warehouse=warehouse, store=shared_store)
    assert reply.turn == 2 and reply.status == "answered" and reply.agents() == ["cost"]
    assert [t.status for t in sorted(shared_store.read(ConversationTurn, {"session_id": "vague"}), key=lambda t: t.turn)] == [
        "clarify", "answered"]


def test_an_agent_whose_tables_are_unreadable_degrades_the_answer_not_the_others(world: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    shutil.copytree(world, broken)
    for part in (broken / "system" / "lakeflow" / "job_run_timeline").glob("*.parquet"):
        part.write_bytes(b"not a parquet file")
    answer = ask(MULTI, session_id="broken", now=NOW, warehouse=LocalWarehouse(broken), store=LocalOpsStore(tmp_path / "ops"))
    cost = next(r for r in answer.results if r.domain == "cost")
    reliability = next(r for r in answer.results if r.domain == "reliability")
    assert cost.status == "answered" and cost.findings
    assert reliability.status == "failed"
    assert "job_run_timeline" in reliability.error
    assert answer.status == "partial" and answer.agents() == ["cost"]
    assert "Could not answer:\n  • Reliability: " in answer.answer
    assert "Answered by the cost agent" in answer.answer
    assert answer.correlations == []


def test_a_stored_health_sweep_is_used_instead_of_sweeping_again(world: Path, tmp_path: Path) -> None:
    warehouse, store = LocalWarehouse(world), LocalOpsStore(tmp_path / "ops")
    sweep_and_store(warehouse, "cost", NOW, store=store)
    analysis, _ = analyse_stored(warehouse, "cost", NOW, store=store, analyst=analyst("cost"))
    before = len(store.read(Finding))
    answer = ask("how much did we spend yesterday?", session_id="stored", now=NOW, warehouse=warehouse, store=store)
    [cost] = answer.results
    assert [s.source for s in cost.sweeps] == ["stored"] and cost.headline == analysis.headline
    assert "stored health sweep as of 2026-05-13 00:00" in answer.answer
    assert store.read(OrchestratorSweep) == [] and len(store.read(Finding)) == before


class FakeChat(GenericFakeChatModel):
    """A fake chat model (scripted replies) that accepts tools, so structured output works."""

    fail_with: str | None = None

    def bind_tools(self, tools: Any, **kwargs: Any) -> FakeChat:
        return self

    def _generate(self, messages: Any, stop: Any = None, run_manager: Any = None, **kwargs: Any) -> Any:
        if self.fail_with:
            raise ConnectionError(self.fail_with)
        return super()._generate(messages, stop=stop, run_manager=run_manager, **kwargs)


def scripted(*calls: tuple[str, dict[str, Any]], **kwargs: Any) -> FakeChat:
    replies = [AIMessage(content="", tool_calls=[{"name": n, "args": a, "id": f"c{i}", "type": "tool_call"}])
               for i, (n, a) in enumerate(calls)]
    return FakeChat(messages=iter(replies), **kwargs)


SYNTHESIS_ONLY = AskOptions(llm_stages=frozenset({"synthesis"}))


def test_llm_synthesis_with_evidence_numbers_is_used_and_the_frame_stays(world: Path, shared_store: LocalOpsStore) -> None:
    warehouse = LocalWarehouse(world)
    draft = ask(MULTI, session_id="llm-draft", now=NOW, warehouse=warehouse, store=shared_store)
    link = next(c for c in draft.correlations if c.kind == "same_workspace")
    body = (f"Spend rose mostly in workspace {link.key}; the failed runs there cost ${link.numbers['failed_usd']:,.2f}, "
            f"{link.numbers['failed_share_of_spend_pct']}% of its spend, so failures explain little of the rise.")
    model = scripted(("SynthesisAnswer", {"headline": "Cost rose in one workspace; failures were a small part.", "body": body}))
    answer = ask(MULTI, session_id="llm-ok", now=NOW, warehouse=warehouse, store=shared_store, llm=model, options=SYNTHESIS_ONLY)
    assert answer.agent_path == "llm" and answer.synthesis.path == "llm" and answer.synthesis.fallback_reason == ""
    assert answer.headline == "Cost rose in one workspace; failures were a small part."
    assert body in answer.answer and "Answered by the cost and reliability agents" in answer.answer
    assert all(r.analysis_path == "deterministic" for r in answer.results)  # the agents' stage was left offline
    [turn] = shared_store.read(ConversationTurn, {"session_id": "llm-ok"})
    assert turn.agent_path == "llm"


def test_llm_synthesis_citing_an_invented_number_is_rejected_and_the_template_answer_stands(
    world: Path, shared_store: LocalOpsStore
) -> None:
    warehouse = LocalWarehouse(world)
    model = scripted(("SynthesisAnswer", {"headline": "Cost spiked 37.5% because job retries tripled.",
                                          "body": "Retries added $4,321.99 of spend yesterday."}))
    answer = ask(MULTI, session_id="llm-bad", now=NOW, warehouse=warehouse, store=shared_store, llm=model, options=SYNTHESIS_ONLY)
    assert answer.agent_path == "deterministic" and answer.synthesis.path == "deterministic"
    assert answer.synthesis.fallback_reason.startswith("unsupported_numbers")
    assert answer.synthesis.rejected_numbers == ["37.5%", "$4,321.99"]
    assert "4,321.99" not in answer.answer and "37.5" not in answer.headline
    assert "How these connect:" in answer.answer  # the deterministic body
    [turn] = shared_store.read(ConversationTurn, {"session_id": "llm-bad"})
    assert turn.agent_path == "deterministic" and turn.synthesis_fallback.startswith("unsupported_numbers")


def test_llm_failures_fall_back_and_the_route_can_come_from_the_llm_too(world: Path, shared_store: LocalOpsStore) -> None:
    warehouse = LocalWarehouse(world)
    broken = scripted(fail_with="connection refused")
    answer = ask(MULTI, session_id="llm-down", now=NOW, warehouse=warehouse, store=shared_store, llm=broken, options=SYNTHESIS_ONLY)
    assert answer.agent_path == "deterministic" and "ConnectionError" in answer.synthesis.fallback_reason
    assert answer.status == "answered"
    routed = scripted(("LLMRoute", {"domains": ["cost"], "ambiguous": False, "reason": "spend"}),
                      ("SynthesisAnswer", {"headline": "Spend is covered by the cost agent.", "body": "See the cost findings."}))
    answer = ask("how much did we spend yesterday?", session_id="llm-route", now=NOW, warehouse=warehouse, store=shared_store,
                 llm=routed, options=AskOptions(llm_stages=frozenset({"route", "synthesis"})))
    assert answer.route_path == "llm" and answer.agents() == ["cost"] and answer.agent_path == "llm"


def test_bad_questions_are_refused_before_anything_is_stored(world: Path, tmp_path: Path) -> None:
    store = LocalOpsStore(tmp_path / "ops")
    with pytest.raises(ValueError, match="empty"):
        ask("   ", session_id="bad", now=NOW, warehouse=LocalWarehouse(world), store=store)
    with pytest.raises(ValueError, match="session id"):
        ask("cost yesterday?", session_id="no spaces allowed", now=NOW, warehouse=LocalWarehouse(world), store=store)
    assert store.read(ConversationTurn) == []


def test_a_domain_that_does_not_finish_in_time_is_reported_and_the_others_answer(world: Path, tmp_path: Path) -> None:
    release = threading.Event()

    def sweeps(warehouse, domain, as_of, settings=None):
        if domain == "reliability":
            release.wait(60)  # a hung warehouse call
        return run_domain(warehouse, domain, as_of, settings=settings)

    try:
        answer = ask(MULTI, session_id="slow", now=NOW, warehouse=LocalWarehouse(world), store=LocalOpsStore(tmp_path / "ops"),
                     options=AskOptions(deadline_s=20, sweep_fn=sweeps))
    finally:
        release.set()
    by_domain = {r.domain: r for r in answer.results}
    assert by_domain["reliability"].status == "failed" and by_domain["reliability"].error == "did not finish within 20s"
    assert by_domain["cost"].status == "answered" and answer.status == "partial"
    assert "Reliability: did not finish within 20s" in answer.answer


def test_a_window_longer_than_a_week_is_swept_in_weekly_pieces(world: Path, shared_store: LocalOpsStore) -> None:
    answer = ask("what did we spend this month?", session_id="month", now=NOW, warehouse=LocalWarehouse(world), store=shared_store)
    [cost] = answer.results
    assert [(s.window_start, s.window_end) for s in cost.sweeps] == [
        (datetime(2026, 5, 1, tzinfo=UTC), datetime(2026, 5, 6, tzinfo=UTC)), (datetime(2026, 5, 6, tzinfo=UTC), NOW)]
    assert (cost.window_start, cost.window_end) == (datetime(2026, 5, 1, tzinfo=UTC), NOW)
    assert "for this month [2026-05-01 00:00 → 2026-05-13 00:00) UTC" in answer.answer
    drivers = cost.evidence_table("cost_drivers")
    assert drivers is not None and drivers.params["start"] == "2026-05-01T00:00:00+00:00"


def test_an_empty_window_is_answered_with_what_to_ask_instead(world: Path, shared_store: LocalOpsStore) -> None:
    warehouse = LocalWarehouse(world)
    empty = ask("how much have we spent today?", session_id="today", now=NOW, warehouse=warehouse, store=shared_store)
    assert empty.status == "failed" and "nothing to look at yet" in empty.answer
    assert empty.followups == ["what about yesterday?"]
    before = ask("what about yesterday?", session_id="today", now=NOW, warehouse=warehouse, store=shared_store)
    assert before.status == "answered" and before.agents() == ["cost"]
    assert before.time_window is not None and before.time_window.start == NOW - timedelta(days=1)


def test_a_stale_table_is_connected_to_its_failing_writer_job(world: Path, truth: list[dict[str, Any]],
                                                               shared_store: LocalOpsStore) -> None:
    stale = next(i for i in truth if i["kind"] == "stale_table" and "failure_streak" in str(i["details"].get("derived_from")))
    writer = str(stale["details"]["derived_from"]).rsplit(":", 1)[1]
    answer = ask("which tables went stale yesterday and which jobs failed?", session_id="stale", now=NOW,
                 warehouse=LocalWarehouse(world), store=shared_store)
    assert answer.agents() == ["reliability", "data_quality"]
    link = next(c for c in answer.correlations if c.kind == "same_job" and c.key == writer)
    assert link.domains == ["data_quality", "reliability"]
    assert "stale_table" in link.statement and "failure_streak" in link.statement


def test_a_security_question_about_a_week_sweeps_the_whole_week(world: Path, shared_store: LocalOpsStore) -> None:
    # The health DAGs anchor security sweeps to the UTC day; a question's window must not be cut to its last day.
    answer = ask("any failed logins in the past 7 days?", session_id="sec-week", now=NOW, warehouse=LocalWarehouse(world),
                 store=shared_store)
    security = next(r for r in answer.results if r.domain == "security")
    assert [(s.window_start, s.window_end) for s in security.sweeps] == [(NOW - timedelta(days=7), NOW)]
