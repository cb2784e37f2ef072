"""Ops-table reads filter in the engine: equality, Since, Before, In and NULL, the same locally and in SQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from include.ops.filters import Before, In, Since, sql_filter
from include.ops.models import ConversationTurn
from include.ops.store import LocalOpsStore

T0 = datetime(2026, 5, 1, 12, tzinfo=UTC)


def _turn(session: str, turn: int, hours: int) -> ConversationTurn:
    return ConversationTurn(session_id=session, turn=turn, question=f"q{turn}", answer="a", status="answered",
                            created_at=T0 + timedelta(hours=hours))


@pytest.fixture
def store(lakehouse) -> LocalOpsStore:
    s = LocalOpsStore(lakehouse)
    s.upsert([_turn("a", 1, 0), _turn("a", 2, 5), _turn("b", 1, 10), _turn("c", 1, 20)])
    return s


def _keys(rows) -> list[tuple[str, int]]:
    return sorted((r.session_id, r.turn) for r in rows)


def test_conditions_are_applied_by_the_scan(store) -> None:
    assert _keys(store.read(ConversationTurn, {"session_id": "a"})) == [("a", 1), ("a", 2)]
    assert _keys(store.read(ConversationTurn, {"created_at": Since(T0 + timedelta(hours=5))})) == [("a", 2), ("b", 1), ("c", 1)]
    assert _keys(store.read(ConversationTurn, {"created_at": Before(T0 + timedelta(hours=5))})) == [("a", 1)]
    assert _keys(store.read(ConversationTurn, {"session_id": In(["b", "c", "zz"]), "turn": 1})) == [("b", 1), ("c", 1)]
    assert store.read(ConversationTurn, {"session_id": In([])}) == []
    # A naive moment is taken as UTC, as everywhere else.
    assert _keys(store.read(ConversationTurn, {"created_at": Since(datetime(2026, 5, 2, 8))})) == [("c", 1)]


def test_an_unknown_column_is_refused_by_name(store) -> None:
    with pytest.raises(ValueError, match="'nope' is not a column of conversations"):
        store.read(ConversationTurn, {"nope": 1})


def test_the_same_conditions_become_bound_sql() -> None:
    clause, params = sql_filter({"session_id": In(["a", "b"]), "created_at": Since(T0), "headline": None, "turn": 2},
                                ["session_id", "created_at", "headline", "turn"])
    assert clause == " WHERE `session_id` IN (:w0_0, :w0_1) AND `created_at` >= :w1 AND `headline` IS NULL AND `turn` = :w3"
    assert params == {"w0_0": "a", "w0_1": "b", "w1": T0, "w3": 2}
    with pytest.raises(ValueError, match="not a column"):
        sql_filter({"x; DROP TABLE y": 1}, ["session_id"])
