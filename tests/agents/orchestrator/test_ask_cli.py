"""`lakepilot ask` and `lakepilot chat` on a generated small workspace (in-process CLI runner)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from include.ops.models import ConversationTurn
from include.ops.store import LocalOpsStore
from include.simulator.generate import generate_workspace

NOW = "2026-05-12"  # the end of that day: where the generated data ends


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("ask-cli") / "lakehouse"
    generate_workspace(root, days=10, scale="small", seed=3, end=date(2026, 5, 12))
    return root


def test_ask_json_is_the_typed_answer_and_the_banner_names_the_modes(world: Path) -> None:
    result = CliRunner().invoke(app, ["ask", "Why did cost spike yesterday, and did jobs fail?", "--json",
                                      "--lakehouse", str(world), "--now", NOW, "--session", "cli-1"])
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert answer["status"] in ("answered", "partial") and answer["session_id"] == "cli-1" and answer["turn"] == 1
    assert [r["domain"] for r in answer["results"]] == ["cost", "reliability"]
    assert answer["time_window"]["start"] == "2026-05-12T00:00:00Z"
    banner = " ".join(result.stderr.split())  # rich wraps the stderr banner at the console width
    assert "engine: local lakehouse" in banner and "deterministic (no LLM configured)" in banner


def test_ask_prints_the_answer_and_a_follow_up_continues_the_session(world: Path) -> None:
    runner = CliRunner()
    first = runner.invoke(app, ["ask", "did any jobs fail yesterday?", "--lakehouse", str(world), "--now", NOW, "--session", "cli-2"])
    assert first.exit_code == 0, first.output
    assert "Answered by the reliability agent for yesterday" in first.stdout
    assert "session cli-2 · turn 1" in " ".join(first.stderr.split())
    second = runner.invoke(app, ["ask", "and the day before?", "--lakehouse", str(world), "--now", NOW, "--session", "cli-2"])
    assert second.exit_code == 0, second.output
    assert "for the day before [2026-05-11 00:00 → 2026-05-12 00:00) UTC" in second.stdout
    turns = LocalOpsStore(world).read(ConversationTurn, {"session_id": "cli-2"})
    assert sorted(t.turn for t in turns) == [1, 2]


def test_chat_keeps_the_session_until_exit(world: Path) -> None:
    result = CliRunner().invoke(app, ["chat", "--lakehouse", str(world), "--now", NOW, "--session", "cli-chat"],
                                input="how much did we spend yesterday?\n\nwhat about security?\nexit\n")
    assert result.exit_code == 0, result.output
    assert result.stdout.count("Answered by the") == 2
    assert "Answered by the security agent for yesterday" in result.stdout
    assert "resume with: lakepilot chat --session cli-chat" in " ".join(result.stderr.split())
    turns = LocalOpsStore(world).read(ConversationTurn, {"session_id": "cli-chat"})
    assert [t.agents for t in sorted(turns, key=lambda t: t.turn)] == [["cost"], ["security"]]


def test_chat_ends_on_end_of_input(world: Path) -> None:
    result = CliRunner().invoke(app, ["chat", "--lakehouse", str(world), "--now", NOW], input="")
    assert result.exit_code == 0 and "session" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ask", "  "], "the question is empty"),
        (["ask", "cost?", "--now", "last tuesday"], "is not a date"),
        (["ask", "cost?", "--session", "two words"], "session id"),
    ],
)
def test_bad_input_is_named(world: Path, args: list[str], message: str) -> None:
    result = CliRunner().invoke(app, [*args, "--lakehouse", str(world)])
    assert result.exit_code == 2
    assert message in result.output


@pytest.mark.parametrize(("question", "lead"), [
    ("How is the fraud-detector model performing?", "Serving endpoint fraud-detector: p95 latency"),
    ("How is the fraud detection model doing?", "Serving endpoint fraud-detector"),  # a close name, said so
    ("Why are my ETL jobs running slower than last week?", "Job retention_refresh_4h now runs"),
    ("did hourly_orders_ingest run fine yesterday?", "hourly_orders_ingest"),
    ("Is shipments up to date?", "Nothing found about shipments"),
])
def test_the_seed_questions_are_answered_about_what_they_name(world: Path, question: str, lead: str) -> None:
    """The seed's example questions (#18): the first line is about the thing asked, not the domain's worst finding."""
    result = CliRunner().invoke(app, ["ask", question, "--offline", "--lakehouse", str(world), "--now", NOW])
    assert result.exit_code == 0, result.output
    first = result.stdout.strip().splitlines()[0]
    assert lead in first, result.stdout[:1500]
