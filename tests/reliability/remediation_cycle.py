"""One run of the `remediate_failed_runs` DAG, as its tasks run it, without the scheduler.

Each step calls exactly what the DAG's task calls (`FailedRunTrigger.run` for detection,
`decide_failed_run`, `act_on_decision` / `record_act_error`, `notify_decision`, `check_outcomes`,
`advance_watermark`), with the Jobs API reached through `lakepilot_airflow.remediation.runtime.jobs`
(Airflow's `DatabricksHook`, retry_limit 3, as in production). What Airflow adds is reproduced:
the mapped decide -> act -> notify chains run side by side (up to the `databricks_api` pool's 8 slots), and a
task that raises is tried again up to its `retries` (decide/act 2, notify 3; the sensor 2), the act
task recording outcome `error` on its last try like `RemediationActOperator`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, Field

from include.remediation.acting import act_on_decision, record_act_error
from include.remediation.detection import FailedRunRef
from include.remediation.notices import notify_decision
from include.remediation.outcomes import check_outcomes
from include.remediation.policy import RemediationPolicy
from include.remediation.service import decide_failed_run
from include.remediation.settings import RemediationSettings
from include.remediation.watermark import advance_watermark, plan_scan

log = logging.getLogger(__name__)

DAG_RETRIES = {"detect": 2, "decide": 2, "act": 2, "notify": 3, "check_outcomes": 2}
PARALLELISM = 8  # the databricks_api pool's default slots


class CycleReport(BaseModel):
    """What one DAG run did (counts of task tries, failures found, results)."""

    found: int = 0
    seconds: float = 0.0
    task_retries: dict[str, int] = Field(default_factory=dict)
    task_failures: dict[str, int] = Field(default_factory=dict)
    acted: list[dict[str, Any]] = Field(default_factory=list)
    notified: list[dict[str, Any]] = Field(default_factory=list)


def _with_retries(report: CycleReport, task: str, fn: Callable[[int], Any]) -> Any:
    """Call `fn(try_number)` until it returns or its retries are spent (then re-raise)."""
    tries = DAG_RETRIES[task] + 1
    for attempt in range(1, tries + 1):
        try:
            return fn(attempt)
        except Exception as exc:
            if attempt == tries:
                report.task_failures[task] = report.task_failures.get(task, 0) + 1
                raise
            report.task_retries[task] = report.task_retries.get(task, 0) + 1
            log.info("%s try %d failed (%s); Airflow would retry", task, attempt, exc)
    raise AssertionError("unreachable")


def _detect(settings: RemediationSettings, store: Any, now: datetime) -> tuple[list[dict[str, Any]], int]:
    from lakepilot_airflow.remediation.trigger import FailedRunTrigger

    plan = plan_scan(store, settings, now)
    trigger = FailedRunTrigger(
        databricks_conn_id=settings.conn_id, since_ms=int(plan.since.timestamp() * 1000),
        list_from_ms=int(plan.list_from.timestamp() * 1000), deadline_ms=int(now.timestamp() * 1000),
        known=plan.known, watch_runs=plan.watch_runs, poll_seconds=0.2, max_pages=settings.max_pages,
    )

    async def first() -> dict[str, Any]:
        events = trigger.run()
        try:
            return (await events.__anext__()).payload
        finally:
            await events.aclose()

    event = asyncio.run(first())
    if event.get("status") == "error":  # FailedRunSensor.execute_complete fails the task on it
        raise RuntimeError(f"scan failed: {event.get('message')}")
    return list(event.get("failures") or []), int(event.get("scanned_until") or 0)


def run_cycle(store: Any, policy: RemediationPolicy, smtp: Any, settings: RemediationSettings | None = None) -> CycleReport:
    """One DAG run: check_outcomes and detect, then the mapped chains, then advance_watermark."""
    from lakepilot_airflow.remediation import runtime

    settings = settings or RemediationSettings()
    report = CycleReport()
    started = datetime.now(UTC)
    # check_outcomes starts with the sensor and ends long before the sensor's scan does
    _with_retries(report, "check_outcomes", lambda _: check_outcomes(store, runtime.jobs(settings.conn_id), datetime.now(UTC)))
    failures, scanned_until = _with_retries(report, "detect", lambda _: _detect(settings, store, datetime.now(UTC)))
    report.found = len(failures)

    def chain(failure: dict[str, Any]) -> bool:
        jobs = runtime.jobs(settings.conn_id)
        try:
            ref = _with_retries(report, "decide", lambda _: decide_failed_run(
                FailedRunRef.model_validate(failure), jobs, store, policy))
        except Exception:
            return False  # decide failed for good: act/notify upstream_failed, the watermark stays
        if not ref.decision_id:
            return True

        def act(try_number: int) -> Any:
            now = datetime.now(UTC)
            try:
                return act_on_decision(store, jobs, ref.run_id, ref.attempt, policy, now)
            except Exception as exc:
                if try_number == DAG_RETRIES["act"] + 1:
                    record_act_error(store, ref.run_id, ref.attempt, exc, now)
                raise

        try:
            acted = _with_retries(report, "act", act)
        except Exception:
            return False  # the act task failed for good (outcome error); notify is upstream_failed
        report.acted.append(acted.model_dump(mode="json"))
        try:
            sent = _with_retries(report, "notify", lambda _: notify_decision(
                store, acted.run_id, acted.attempt, policy, datetime.now(UTC), smtp=smtp))
        except Exception:
            return False
        report.notified.append(sent.model_dump(mode="json"))
        return True

    with ThreadPoolExecutor(max_workers=PARALLELISM) as pool:
        chains_ok = all(future.result() for future in [pool.submit(chain, f) for f in failures])
    if scanned_until and chains_ok:  # advance_watermark is trigger_rule none_failed
        advance_watermark(store, settings.conn_id, datetime.fromtimestamp(scanned_until / 1000, UTC), found=len(failures))
    report.seconds = (datetime.now(UTC) - started).total_seconds()
    log.info("cycle from %s: %d failures, retries %s", started, len(failures), report.task_retries)
    return report
