"""`FailedRunTrigger`: exact serialisation, and `run()` driven against the Jobs API emulator.

The trigger's own async path (the hook's aiohttp session, GET parameters as a JSON body) talks to
the emulator over loopback HTTP, exactly as it does in the triggerer.
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import pytest
from lakepilot_airflow.remediation.trigger import FailedRunTrigger

from tests.include.remediation.support import JOBS, failed_run, wait_terminal


def _trigger(**overrides: Any) -> FailedRunTrigger:
    now = int(time.time() * 1000)
    values: dict[str, Any] = {
        "databricks_conn_id": "databricks_default",
        "since_ms": now - 3_600_000,
        "list_from_ms": now - 7_200_000,
        "deadline_ms": now,  # one poll, then fire
        "known": [],
        "watch_runs": [],
        "poll_seconds": 0.2,
        "max_pages": 5,
        "retry_limit": 2,
        "retry_delay": 0.1,
    }
    values.update(overrides)
    return FailedRunTrigger(**values)


def _first_event(trigger: FailedRunTrigger, timeout: float = 30.0) -> dict[str, Any]:
    async def first() -> dict[str, Any]:
        agen = trigger.run()
        try:
            event = await asyncio.wait_for(agen.__anext__(), timeout)
        finally:
            await agen.aclose()
        return event.payload

    return asyncio.run(first())


def test_serialize_is_exact_and_round_trips() -> None:
    trigger = FailedRunTrigger(
        databricks_conn_id="dbx", since_ms=1_700_000_000_000, list_from_ms=1_699_990_000_000,
        deadline_ms=1_700_000_240_000, known=["11:0", "12:1"], watch_runs=["12"], poll_seconds=15,
        max_pages=7, retry_limit=4, retry_delay=2,
    )
    classpath, kwargs = trigger.serialize()
    assert classpath == "lakepilot_airflow.remediation.trigger.FailedRunTrigger"
    assert kwargs == {
        "databricks_conn_id": "dbx",
        "since_ms": 1_700_000_000_000,
        "list_from_ms": 1_699_990_000_000,
        "deadline_ms": 1_700_000_240_000,
        "known": ["11:0", "12:1"],
        "watch_runs": ["12"],
        "poll_seconds": 15.0,
        "max_pages": 7,
        "retry_limit": 4,
        "retry_delay": 2.0,
    }
    json.dumps(kwargs)  # stored in the metadata DB as JSON
    # The triggerer re-creates it from exactly these kwargs.
    module, _, name = classpath.rpartition(".")
    cls = getattr(__import__(module, fromlist=[name]), name)
    assert cls(**kwargs).serialize() == (classpath, kwargs)


def test_run_fires_with_a_new_failed_run_and_skips_successes(hook) -> None:
    ok = hook.run_now({"job_id": JOBS["ok"]})
    assert wait_terminal(hook, ok) == "SUCCESS"
    run_id = failed_run(hook, "permission")
    event = _first_event(_trigger())
    assert event["status"] == "found" and event["polls"] == 1
    assert [(f["run_id"], f["attempt"], f["job_id"]) for f in event["failures"]] == [(str(run_id), 0, str(JOBS["permission"]))]
    failure = event["failures"][0]
    assert failure["result_state"] == "FAILED" and str(run_id) in failure["run_page_url"]
    assert event["listed"] == 2 and event["scanned_until"] > 0


def test_known_failures_are_not_handed_on_and_the_trigger_goes_idle(hook) -> None:
    run_id = failed_run(hook, "permission")
    event = _first_event(_trigger(known=[f"{run_id}:0"]))
    assert (event["status"], event["failures"]) == ("idle", [])


def test_run_keeps_polling_until_a_failure_appears(hook) -> None:
    """Deadline in the future: the first poll finds nothing; a failure arriving later fires the event."""
    import threading

    def fail_later() -> None:
        time.sleep(0.6)
        failed_run(hook, "transient")

    worker = threading.Thread(target=fail_later)
    worker.start()
    event = _first_event(_trigger(deadline_ms=int(time.time() * 1000) + 20_000))
    worker.join()
    assert event["status"] == "found" and event["polls"] >= 2
    assert event["failures"][0]["job_id"] == str(JOBS["transient"])


def test_a_repaired_run_that_fails_again_is_found_by_watching_it(hook) -> None:
    run_id = failed_run(hook, "stubborn")
    hook.repair_run({"run_id": run_id, "rerun_all_failed_tasks": True})
    assert wait_terminal(hook, run_id) == "FAILED"
    # The run started before the listed window (as a repaired run does after hours): only the watch finds it.
    future = int(time.time() * 1000) + 60_000
    hidden = _first_event(_trigger(since_ms=future, list_from_ms=future, known=[f"{run_id}:0"]))
    assert hidden["failures"] == []
    watched = _first_event(_trigger(since_ms=future, list_from_ms=future, known=[f"{run_id}:0"],
                                    watch_runs=[str(run_id)]))
    assert [(f["run_id"], f["attempt"]) for f in watched["failures"]] == [(str(run_id), 1)]


def test_paging_reads_every_page_and_says_when_it_stopped(hook, monkeypatch: pytest.MonkeyPatch) -> None:
    import lakepilot_airflow.remediation.trigger as trigger_module

    monkeypatch.setattr(trigger_module, "PAGE_LIMIT", 2)  # 3 failed + 1 successful run -> 2 pages
    runs = [failed_run(hook, "permission") for _ in range(3)]
    assert wait_terminal(hook, hook.run_now({"job_id": JOBS["ok"]})) == "SUCCESS"
    event = _first_event(_trigger(max_pages=5), timeout=60)
    assert sorted(f["run_id"] for f in event["failures"]) == sorted(map(str, runs))
    assert (event["listed"], event["truncated"]) == (4, False)
    # runs/list is newest first: one page holds the success and the newest failure only.
    short = _first_event(_trigger(max_pages=1), timeout=60)
    assert (short["listed"], short["truncated"]) == (2, True)
    assert [f["run_id"] for f in short["failures"]] == [str(runs[-1])]


@pytest.mark.parametrize("token", ["dapi0123456789abcdef0123456789abcdef"])
def test_an_unreachable_api_fires_an_error_event_without_secrets(monkeypatch: pytest.MonkeyPatch, token: str) -> None:
    from include.devstack.procs import free_port

    conn = {"conn_type": "databricks", "host": "127.0.0.1", "port": free_port(), "schema": "http", "password": token}
    monkeypatch.setenv("AIRFLOW_CONN_DATABRICKS_DEFAULT", json.dumps(conn))
    event = _first_event(_trigger(retry_limit=1, retry_delay=0.05))
    assert event["status"] == "error" and event["failures"] == []
    assert token not in event["message"] and event["message"]
