"""Figure 4: when the LLM fails, every agent answers on its deterministic path, in time, and says so.

The "LLM" is a loopback OpenAI-compatible server (tests/reliability/llm_stub.py) reached by the real
`ChatOpenAI` that `agents.llm.build_chat_model` builds, over real HTTP. Failure modes: connection
refused (nothing listens), HTTP 500 and 503, HTTP 429 with `Retry-After: 10` (as Azure OpenAI sends;
the OpenAI client honours it between its attempts), a server that never answers, a body that is not
JSON, and a well-formed answer whose tool call breaks the schema. For each mode the four agents that
use an LLM run side by side: the health domain agent (cost), the orchestrator `ask` (router, domain
agents, synthesis), remediation triage, and the provisioning request parser. Each must answer, on
its deterministic path, within its own documented bound, and record which path ran and why.
A control run against a healthy stub proves each agent really reaches the stub.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from agents.domains import analyse
from agents.llm import LLMConfig, build_chat_model
from agents.orchestrator import ask
from agents.orchestrator.service import AskOptions
from agents.provisioning.conversation import Conversation
from agents.provisioning.llm_parser import LLMRequestParser
from agents.provisioning.sessions import Session
from agents.remediation.agent import remediate
from include.lakehouse.warehouse import LocalWarehouse
from include.ops.store import LocalOpsStore
from tests.agents.common.fakes import cost_sweep
from tests.agents.remediation.conftest import failure
from tests.reliability.llm_stub import OpenAIStub

TIMEOUT_S = 2.0
ITERATIONS = 2
ASK_DEADLINE_S = 20.0
SLACK_S = 1.5  # thread start-up and the deterministic work itself, on a shared 2-core machine
NOW = datetime(2026, 5, 13, tzinfo=UTC)
QUESTION = "Why did cost spike yesterday, and did jobs fail?"
REQUEST = "a dev workspace for the bi team in westeurope with 1-2 workers"
MODES = ["refused", "status:500", "status:503", "status:429", "hang", "malformed_json", "invalid_tool"]
FAILURE_TEXT = "org.apache.spark.SparkException: Job aborted: java.net.SocketException: Connection reset by peer"

# What each agent promises: its bound (seconds) for one answer with the LLM failing.
BOUNDS = {
    "health_agent": TIMEOUT_S * ITERATIONS + SLACK_S,      # deadline = timeout x iterations (DomainAgent.analyse)
    "triage": TIMEOUT_S * 2 + 1 + SLACK_S,                # 2 x client timeout + 1 s (docs/remediation.md)
    "ask": ASK_DEADLINE_S,                                 # AskOptions.deadline_s
    "provisioning_parser": TIMEOUT_S * 2 + 1 + SLACK_S,    # 2 x client timeout + 1 s (llm_parser.default_deadline)
}


@dataclass
class Outcome:
    agent: str
    mode: str
    elapsed: float
    fell_back: bool
    says: str


def _config(url: str) -> LLMConfig:
    return LLMConfig(provider="openai", base_url=url, api_key=SecretStr("sk-reliability-outage-000000"),
                     model="stub-model", timeout_s=TIMEOUT_S, max_iterations=ITERATIONS)


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def world(ask_world: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, LocalOpsStore]:
    """The shared small workspace and an ops store of this module whose sweep cache is warmed once."""
    root = ask_world
    store = LocalOpsStore(tmp_path_factory.mktemp("llm-outage") / "ops")
    warm = ask(QUESTION, session_id="warm", now=NOW, warehouse=LocalWarehouse(root), store=store)
    assert warm.status in ("answered", "partial"), warm.answer
    return root, store


def _health(config: LLMConfig, world: Any) -> tuple[bool, str]:
    a = analyse("cost", cost_sweep(), llm=config)
    return a.path == "deterministic" and bool(a.fallback_reason), f"path={a.path} fallback={a.fallback_reason}"


def _triage(config: LLMConfig, world: Any) -> tuple[bool, str]:
    d = remediate(failure(FAILURE_TEXT), (), None, NOW, llm=config)
    return (d.decided_by == "pattern_fallback" and bool(d.llm_error) and d.action == "RETRY",
            f"decided_by={d.decided_by} action={d.action} llm_error={d.llm_error}")


def _ask(config: LLMConfig, world: Any) -> tuple[bool, str]:
    root, store = world
    a = ask(QUESTION, now=NOW, warehouse=LocalWarehouse(root), store=store, llm=config,
            options=AskOptions(deadline_s=ASK_DEADLINE_S))
    paths = {r.domain: r.analysis_path for r in a.results}
    ok = (a.status in ("answered", "partial") and a.route_path == "offline" and a.agent_path == "deterministic"
          and bool(a.synthesis.fallback_reason) and set(paths.values()) == {"deterministic"} and bool(a.answer))
    return ok, f"status={a.status} route={a.route_path} agents={paths} synthesis={a.synthesis.fallback_reason}"


def _provision(config: LLMConfig, world: Any) -> tuple[bool, str]:
    conv = Conversation(Session(), llm=LLMRequestParser(build_chat_model(config)))
    reply = conv.start(REQUEST)
    said = bool(reply.messages) and "LLM could not be reached" in reply.messages[0]
    ok = said and conv.session.agent_path == "deterministic" and (conv.draft.team or "").startswith("bi")
    return ok, f"agent_path={conv.session.agent_path} team={conv.draft.team} first={reply.messages[:1]}"


AGENTS: dict[str, Callable[[LLMConfig, Any], tuple[bool, str]]] = {
    "health_agent": _health, "triage": _triage, "ask": _ask, "provisioning_parser": _provision,
}


def _run(agent: str, config: LLMConfig, mode: str, world: Any) -> Outcome:
    started = time.monotonic()
    fell_back, says = AGENTS[agent](config, world)
    return Outcome(agent, mode, time.monotonic() - started, fell_back, says)


@pytest.fixture
def stubs() -> Iterator[Callable[[str], OpenAIStub]]:
    started: list[OpenAIStub] = []

    def start(mode: str) -> OpenAIStub:
        stub = OpenAIStub(mode, retry_after=10 if mode == "status:429" else None, hang_s=30).start()
        started.append(stub)
        return stub

    yield start
    for stub in started:
        stub.stop()


def test_the_stub_is_really_used_when_it_answers(world, stubs) -> None:
    """Control: against a healthy stub each agent takes its LLM path (so the failures below are real)."""
    stub = stubs("ok")
    config = _config(stub.url)
    assert analyse("cost", cost_sweep(), llm=config).path == "llm"
    assert remediate(failure(FAILURE_TEXT), (), None, NOW, llm=config).decided_by in ("pattern+llm", "pattern_over_llm")
    root, store = world
    answer = ask(QUESTION, now=NOW, warehouse=LocalWarehouse(root), store=store, llm=config)
    assert answer.route_path in ("llm", "llm+offline") and answer.agent_path == "llm"
    conv = Conversation(Session(), llm=LLMRequestParser(build_chat_model(config)))
    conv.start(REQUEST)
    assert conv.session.agent_path == "llm"
    assert len(stub.bodies) >= 6


def test_every_agent_falls_back_in_time_and_says_so(world, stubs, figures) -> None:
    outcomes: list[Outcome] = []
    reached: dict[str, int] = {}
    for mode in MODES:
        if mode == "refused":
            url, stub = f"http://127.0.0.1:{_closed_port()}/v1", None
        else:
            stub = stubs(mode)
            url = stub.url
        config = _config(url)
        with ThreadPoolExecutor(max_workers=len(AGENTS)) as pool:
            futures = [pool.submit(_run, agent, config, mode, world) for agent in AGENTS]
            outcomes += [f.result(timeout=120) for f in futures]
        reached[mode] = len(stub.bodies) if stub else 0
        if stub is not None:
            stub.stop()  # wakes any request still hanging, so no client thread outlives the mode
    # Every mode except "refused" must have reached the stub from all four agents.
    assert all(n >= len(AGENTS) for m, n in reached.items() if m != "refused"), reached

    for agent, bound in BOUNDS.items():
        mine = [o for o in outcomes if o.agent == agent]
        good = [o for o in mine if o.fell_back and o.elapsed <= bound]
        worst = max(mine, key=lambda o: o.elapsed)
        bad = "; ".join(f"{o.mode}: {o.elapsed:.1f}s {o.says}" for o in mine if o not in good)
        figures.record(
            f"llm_failure.{agent}.deterministic_in_time", f"{len(good)}/{len(mine)} (max {worst.elapsed:.1f}s, {worst.mode})",
            f"{len(mine)}/{len(mine)} answered deterministically within {bound:.1f}s and said so",
            len(good) == len(mine), detail=bad,
        )
