"""Findings have a lifecycle: open until a later sweep shows them gone (state checks) or a person closes them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from include.health.lifecycle import (
    FindingEvent,
    FindingState,
    change_status,
    issue_key,
    record_sweep,
    unresolved,
)
from include.ops.models import Finding
from include.ops.store import LocalOpsStore

T0 = datetime(2026, 5, 10, 6, tzinfo=UTC)


def _finding(check: str, entity: str, at: datetime, domain="data_quality", severity="high") -> Finding:
    return Finding(domain=domain, check=check, severity=severity, entity_type="table", entity_id=entity,
                   window_start=at - timedelta(days=1), window_end=at, metric="m", summary=f"{check} {entity}",
                   recommendation="r")


@pytest.fixture
def store(lakehouse) -> LocalOpsStore:
    return LocalOpsStore(lakehouse)


def _status(store, check: str, entity: str, domain="data_quality") -> str:
    return store.read(FindingState, {"issue_key": issue_key(domain, check, "table", entity)})[0].status


def test_a_state_issue_is_resolved_by_a_later_sweep_and_reopened_when_it_returns(store) -> None:
    record_sweep(store, "data_quality", [_finding("stale_table", "t1", T0)], ["stale_table"], T0)
    assert _status(store, "stale_table", "t1") == "open"
    record_sweep(store, "data_quality", [_finding("stale_table", "t1", T0 + timedelta(days=1))], ["stale_table"],
                 T0 + timedelta(days=1))
    assert _status(store, "stale_table", "t1") == "open"  # still there: still one issue
    record_sweep(store, "data_quality", [], ["stale_table"], T0 + timedelta(days=2))
    assert _status(store, "stale_table", "t1") == "resolved"
    record_sweep(store, "data_quality", [_finding("stale_table", "t1", T0 + timedelta(days=3))], ["stale_table"],
                 T0 + timedelta(days=3))
    [state] = store.read(FindingState)
    assert (state.status, state.reopened) == ("open", 1)
    assert [(e.from_status, e.to_status) for e in sorted(store.read(FindingEvent), key=lambda e: e.at)] == [
        ("new", "open"), ("open", "resolved"), ("resolved", "open")]


def test_a_check_that_could_not_run_resolves_nothing_and_an_older_rerun_changes_nothing(store) -> None:
    record_sweep(store, "data_quality", [_finding("stale_table", "t1", T0)], ["stale_table"], T0)
    record_sweep(store, "data_quality", [], [], T0 + timedelta(days=1))  # stale_table errored
    assert _status(store, "stale_table", "t1") == "open"
    record_sweep(store, "data_quality", [], ["stale_table"], T0 - timedelta(days=3))  # a backfill of an older day
    assert _status(store, "stale_table", "t1") == "open"


def test_an_event_stays_open_until_a_person_closes_it_or_it_expires(store) -> None:
    burst = _finding("failed_login_burst", "203.0.113.7", T0, domain="security", severity="critical")
    record_sweep(store, "security", [burst], ["failed_login_burst"], T0)
    record_sweep(store, "security", [], ["failed_login_burst"], T0 + timedelta(hours=1))
    assert _status(store, "failed_login_burst", "203.0.113.7", "security") == "open"  # the next window says nothing
    assert [s.entity_id for s in unresolved(store, "security")] == ["203.0.113.7"]
    record_sweep(store, "security", [], ["failed_login_burst"], T0 + timedelta(days=8))
    assert _status(store, "failed_login_burst", "203.0.113.7", "security") == "expired"


def test_people_acknowledge_snooze_and_resolve_with_a_reason(store) -> None:
    record_sweep(store, "data_quality", [_finding("stale_table", "t1", T0)], ["stale_table"], T0)
    key = issue_key("data_quality", "stale_table", "table", "t1")
    with pytest.raises(ValueError, match="say why"):
        change_status(store, key, "acknowledge", "alice", "  ")
    with pytest.raises(LookupError, match="no finding issue"):
        change_status(store, "nope", "resolve", "alice", "x")
    acked = change_status(store, key, "acknowledge", "alice", "looking into the writer job", now=T0 + timedelta(minutes=5))
    assert acked.status == "acknowledged" and [s.issue_key for s in unresolved(store)] == [key]
    snoozed = change_status(store, key, "snooze", "alice", "upstream migration this week", until=T0 + timedelta(days=2),
                            now=T0 + timedelta(hours=1))
    assert snoozed.status == "snoozed" and unresolved(store) == []
    # Still there when the snooze ends: open again.
    record_sweep(store, "data_quality", [_finding("stale_table", "t1", T0 + timedelta(days=3))], ["stale_table"],
                 T0 + timedelta(days=3))
    assert _status(store, "stale_table", "t1") == "open"
    done = change_status(store, key, "resolve", "bob", "job re-enabled", now=T0 + timedelta(days=3, hours=1))
    assert (done.status, done.changed_by, done.reason) == ("resolved", "bob", "job re-enabled")
    who = [(e.to_status, e.by) for e in sorted(store.read(FindingEvent), key=lambda e: e.at)]
    assert who == [("open", "sweep"), ("acknowledged", "alice"), ("snoozed", "alice"), ("open", "sweep"), ("resolved", "bob")]


def test_informational_findings_are_not_issues(store) -> None:
    note = _finding("top_contributors", "ws", T0, domain="cost", severity="low")
    note = note.model_copy(update={"evidence": {"informational": True}})
    record_sweep(store, "cost", [note], ["top_contributors"], T0)
    assert store.read(FindingState) == []
