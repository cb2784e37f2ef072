"""Exporting real users' questions for labelling: the real local ops store (Delta) and the real CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from agents.orchestrator.harvest import NEAR_TWIN, asked_questions
from agents.orchestrator.router.dataset import questions
from include.ops.models import ConversationTurn
from include.ops.store import LocalOpsStore

ROOT = Path(__file__).resolve().parents[3]
T0 = datetime(2026, 5, 13, 9, 0, tzinfo=UTC)
TOKEN = "dapi" + "0123456789abcdef" * 2
SHIPPED = questions("train")[0].question


def _turn(session: str, turn: int, question: str, minutes: int, domains: list[str] | None = None) -> ConversationTurn:
    return ConversationTurn(session_id=session, turn=turn, question=question, answer="…",
                            domains=domains or ["cost"], created_at=T0 + timedelta(minutes=minutes))


@pytest.fixture
def store(lakehouse: Path) -> LocalOpsStore:
    store = LocalOpsStore(lakehouse)
    store.upsert([
        _turn("s-1", 1, "Why is the ETL cluster so expensive this week?", 0),
        _turn("s-1", 2, "and the week before?", 1),
        _turn("s-2", 1, "why is the  ETL cluster so EXPENSIVE this week?", 30),  # the same question again
        _turn("s-2", 2, SHIPPED, 31),  # already labelled: not exported
        _turn("s-3", 1, f"is token {TOKEN} still valid for the nightly job?", 60, ["security"]),
        _turn("s-4", 1, SHIPPED.rstrip("?.!") + " exactly?", 90),  # a near-twin of a shipped question
    ])
    return store


def test_each_distinct_unlabelled_question_is_exported_once(store: LocalOpsStore) -> None:
    asked = asked_questions(store)
    by_text = {q.question: q for q in asked}
    assert len(asked) == 4 and SHIPPED not in by_text
    etl = by_text["Why is the ETL cluster so expensive this week?"]  # the first wording is kept
    assert (etl.times_asked, etl.sessions, etl.turn, etl.first_asked_at) == (2, 2, 1, T0)
    assert by_text["and the week before?"].turn == 2  # a follow-up: needs its previous turn
    secret = [q for q in asked if "nightly job" in q.question][0]
    assert TOKEN not in secret.question and "[REDACTED" in secret.question
    twin = [q for q in asked if q.question.endswith(" exactly?")][0]
    assert twin.near_twin and twin.nearest_shipped >= NEAR_TWIN
    assert not etl.near_twin
    assert len({q.id for q in asked}) == 4 and all(q.id.startswith("asked-") for q in asked)
    assert [q.first_asked_at for q in asked] == sorted(q.first_asked_at for q in asked)


def test_since_keeps_only_later_questions(store: LocalOpsStore) -> None:
    later = asked_questions(store, since=T0 + timedelta(minutes=45))
    assert [q.question.endswith(" exactly?") or "nightly job" in q.question for q in later] == [True, True]
    assert asked_questions(store, since=datetime(2026, 5, 14)) == []  # naive means UTC


def test_the_cli_writes_a_file_without_the_routers_answers(store: LocalOpsStore, lakehouse: Path, tmp_path: Path) -> None:
    target = tmp_path / "asked.jsonl"
    done = subprocess.run(
        [sys.executable, "-m", "cli.main", "route", "--export-asked", str(target), "--lakehouse", str(lakehouse)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in target.read_text().splitlines()]
    assert len(lines) == 4 and sum(line["near_twin"] for line in lines) == 1
    # Labels must not be anchored on the model: nothing the router or the agents decided is exported.
    assert all("domains" not in line and "answer" not in line for line in lines)
    assert "4 questions not yet labelled (1 near-twins" in " ".join(done.stderr.split())
    assert TOKEN not in target.read_text() and TOKEN not in done.stderr

    bad = subprocess.run(
        [sys.executable, "-m", "cli.main", "route", "--export-asked", str(tmp_path / "no" / "x.jsonl"),
         "--lakehouse", str(lakehouse), "--since", "yesterday"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert bad.returncode == 2 and "--since 'yesterday' is not a date (YYYY-MM-DD) or an ISO datetime" in " ".join(bad.stderr.split())
