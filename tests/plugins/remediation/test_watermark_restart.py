"""Detection across DAG runs and restarts: nothing missed, nothing handled twice.

Each "DAG run" below does what `remediate_failed_runs` does, with the production pieces: plan the
window from the persisted watermark and the ledger (`plan_scan`), one poll of the real trigger
against the emulator, the decide step per failure, then advance the watermark - or crash before
that. Objects are re-created per run, as after a scheduler/worker restart; only the Delta tables
and the emulator's state carry over.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from lakepilot_airflow.remediation.trigger import FailedRunTrigger

from include.ops.models import RemediationDecision
from include.ops.store import LocalOpsStore
from include.remediation.detection import FailedRunRef
from include.remediation.service import decide_failed_run
from include.remediation.settings import RemediationSettings
from include.remediation.watermark import advance_watermark, load_watermark, plan_scan
from tests.include.remediation.support import failed_run

SETTINGS = RemediationSettings(overlap_minutes=10, run_lookback_hours=24, first_lookback_hours=1)


def _scan(store, since: datetime | None = None) -> dict:
    plan = plan_scan(store, SETTINGS, datetime.now(UTC), since=since)
    trigger = FailedRunTrigger(
        databricks_conn_id="databricks_default", since_ms=int(plan.since.timestamp() * 1000),
        list_from_ms=int(plan.list_from.timestamp() * 1000), deadline_ms=0, known=plan.known,
        watch_runs=plan.watch_runs, retry_limit=2, retry_delay=0.1,
    )

    async def one() -> dict:
        agen = trigger.run()
        event = await agen.__anext__()
        await agen.aclose()
        return event.payload

    return asyncio.run(one())


def _dag_run(lakehouse, jobs, policy, *, crash_before_decide: bool = False, since: datetime | None = None) -> list[str]:
    """One DAG run; returns the run ids it found. A crash leaves decisions and watermark untouched."""
    store = LocalOpsStore(lakehouse)  # fresh objects: a restarted process
    event = _scan(store, since)
    found = [f["run_id"] for f in event["failures"]]
    if crash_before_decide:
        return found
    for failure in event["failures"]:
        decide_failed_run(FailedRunRef.model_validate(failure), jobs, store, policy)
    advance_watermark(store, SETTINGS.conn_id, datetime.fromtimestamp(event["scanned_until"] / 1000, UTC),
                      found=len(found))
    return found


def test_restart_neither_misses_nor_double_handles(lakehouse, hook, jobs, policy) -> None:
    a = str(failed_run(hook, "permission"))
    assert _dag_run(lakehouse, jobs, policy) == [a]
    first_mark = load_watermark(LocalOpsStore(lakehouse), SETTINGS.conn_id)
    assert first_mark is not None

    b = str(failed_run(hook, "permission"))
    # The worker dies after the sensor found b and before b was decided: the watermark stays put.
    assert _dag_run(lakehouse, jobs, policy, crash_before_decide=True) == [b]
    assert load_watermark(LocalOpsStore(lakehouse), SETTINGS.conn_id).watermark == first_mark.watermark

    # After the restart b is found again (not a) and decided exactly once.
    assert _dag_run(lakehouse, jobs, policy) == [b]
    assert _dag_run(lakehouse, jobs, policy) == []
    rows = LocalOpsStore(lakehouse).read(RemediationDecision)
    assert sorted((d.run_id, d.attempt) for d in rows) == sorted([(a, 0), (b, 0)])
    assert load_watermark(LocalOpsStore(lakehouse), SETTINGS.conn_id).watermark > first_mark.watermark


def test_rescanning_an_old_window_adds_nothing(lakehouse, hook, jobs, policy) -> None:
    runs = [str(failed_run(hook, "permission")), str(failed_run(hook, "transient"))]
    assert sorted(_dag_run(lakehouse, jobs, policy)) == sorted(runs)
    long_ago = datetime.now(UTC) - timedelta(days=2)
    assert _dag_run(lakehouse, jobs, policy, since=long_ago) == []
    assert len(LocalOpsStore(lakehouse).read(RemediationDecision)) == 2


def test_the_overlap_catches_a_failure_that_ended_just_before_the_watermark(lakehouse, hook, jobs, policy) -> None:
    late = str(failed_run(hook, "permission"))
    store = LocalOpsStore(lakehouse)
    # A scan that started after `late` ended but did not see it (listing lag, clock skew).
    advance_watermark(store, SETTINGS.conn_id, datetime.now(UTC) + timedelta(minutes=5))
    assert _dag_run(lakehouse, jobs, policy) == [late]


def test_the_watermark_never_moves_back(lakehouse) -> None:
    store = LocalOpsStore(lakehouse)
    later = datetime(2026, 3, 2, 12, tzinfo=UTC)
    advance_watermark(store, "databricks_default", later)
    kept = advance_watermark(store, "databricks_default", later - timedelta(hours=1))
    assert kept.watermark == later and load_watermark(store, "databricks_default").watermark == later
