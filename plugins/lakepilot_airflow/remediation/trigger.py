"""`FailedRunTrigger`: poll the Jobs API in the triggerer until a new failed run appears (or a deadline).

Each poll lists completed runs (`jobs/runs/list`, `completed_only`, `start_time_from`) page by
page, keeps the failed ones that ended inside the window, adds the runs LakePilot repaired
(`watch_runs`, checked by id because a repair's failure keeps the run's old start time), reads
each candidate with its repair history (`runs/get`, `include_history`) to get the attempt, and
drops the (run_id, attempt) pairs the ledger already knows (`known`). It fires with the new
failures, or with none once `deadline_ms` passes, so the DAG run ends and the watermark advances.

Why the hook's async API: the triggerer runs every trigger on one event loop, and the provider's
own `DatabricksExecutionTrigger` uses the same aiohttp session (`async with hook`). Wrapping the
sync hook in `asyncio.to_thread` would park a thread per poll, including through tenacity's retry
sleeps. `runs/list` and `include_history` have no public hook method, so they go through the
hook's `_a_do_api_call` (its auth, retries and URL building), as the provider's own calls do.

The deadline is absolute (epoch ms): a triggerer restart resumes the same wait, not a new one.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

from airflow.triggers.base import BaseTrigger, TriggerEvent

CLASSPATH = "lakepilot_airflow.remediation.trigger.FailedRunTrigger"
LIST_RUNS = ("GET", "2.2/jobs/runs/list")
GET_RUN = ("GET", "2.2/jobs/runs/get")
PAGE_LIMIT = 25  # the API's maximum page size for runs/list


def _now_ms() -> int:
    return int(time.time() * 1000)


class FailedRunTrigger(BaseTrigger):
    """Fire with `{"status": "found"|"idle"|"error", "failures": [...], "scanned_until": ms, ...}`."""

    def __init__(
        self,
        *,
        databricks_conn_id: str,
        since_ms: int,
        list_from_ms: int,
        deadline_ms: int,
        known: list[str] | None = None,
        watch_runs: list[str] | None = None,
        poll_seconds: float = 30.0,
        max_pages: int = 40,
        retry_limit: int = 3,
        retry_delay: float = 1.0,
    ) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # Airflow's BaseTrigger.__init__ is unannotated
        self.databricks_conn_id = databricks_conn_id
        self.since_ms = int(since_ms)
        self.list_from_ms = int(list_from_ms)
        self.deadline_ms = int(deadline_ms)
        self.known = list(known or [])
        self.watch_runs = list(watch_runs or [])
        self.poll_seconds = float(poll_seconds)
        self.max_pages = int(max_pages)
        self.retry_limit = int(retry_limit)
        self.retry_delay = float(retry_delay)

    def serialize(self) -> tuple[str, dict[str, Any]]:
        return (
            CLASSPATH,
            {
                "databricks_conn_id": self.databricks_conn_id,
                "since_ms": self.since_ms,
                "list_from_ms": self.list_from_ms,
                "deadline_ms": self.deadline_ms,
                "known": self.known,
                "watch_runs": self.watch_runs,
                "poll_seconds": self.poll_seconds,
                "max_pages": self.max_pages,
                "retry_limit": self.retry_limit,
                "retry_delay": self.retry_delay,
            },
        )

    def _hook(self) -> Any:
        from airflow.providers.databricks.hooks.databricks import DatabricksHook

        return DatabricksHook(
            self.databricks_conn_id, retry_limit=self.retry_limit, retry_delay=self.retry_delay,
            caller="FailedRunTrigger",
        )

    async def _list_completed(self, hook: Any) -> tuple[list[dict[str, Any]], bool]:
        runs: list[dict[str, Any]] = []
        token: str | None = None
        for _ in range(self.max_pages):
            body: dict[str, Any] = {"completed_only": True, "start_time_from": self.list_from_ms, "limit": PAGE_LIMIT}
            if token:
                body["page_token"] = token
            page = await hook._a_do_api_call(LIST_RUNS, body)  # noqa: SLF001 - no public runs/list
            runs.extend(page.get("runs") or [])
            token = page.get("next_page_token")
            if not token:
                return runs, False
        return runs, True

    async def _with_history(self, hook: Any, run_id: str) -> dict[str, Any] | None:
        try:
            run: dict[str, Any] = await hook._a_do_api_call(  # noqa: SLF001
                GET_RUN, {"run_id": int(run_id), "include_history": True})
            return run
        except Exception as exc:  # a deleted run cannot fail again; the rest of the scan goes on
            self.log.warning("run %s could not be read: %s", run_id, exc)
            return None

    async def scan(self, hook: Any) -> dict[str, Any]:
        """One poll: the new failures (as `FailedRunRef` dicts) and what was looked at."""
        from include.remediation.detection import failed_in_window, is_failed, new_failures

        started = _now_ms()
        listed, truncated = await self._list_completed(hook)
        candidates = {str(r["run_id"]) for r in failed_in_window(listed, self.since_ms)}
        detailed = []
        for run_id in sorted(candidates | set(self.watch_runs)):
            run = await self._with_history(hook, run_id)
            if run is not None and is_failed(run):
                detailed.append(run)
        detailed.sort(key=lambda r: (int(r.get("end_time") or 0), int(r.get("run_id") or 0)))
        found = new_failures(detailed, self.known)
        return {
            "failures": [f.model_dump(mode="json") for f in found],
            "scanned_until": started,
            "listed": len(listed),
            "candidates": len(detailed),
            "truncated": truncated,
        }

    async def run(self) -> AsyncIterator[TriggerEvent]:
        hook = self._hook()
        polls = 0
        try:
            async with hook:
                while True:
                    polls += 1
                    result = await self.scan(hook)
                    if result["truncated"]:
                        self.log.warning("runs/list has more than %d pages; raise max_pages", self.max_pages)
                    remaining = (self.deadline_ms - _now_ms()) / 1000
                    if result["failures"] or remaining <= 0:
                        status = "found" if result["failures"] else "idle"
                        self.log.info("%s: %d new failure(s) after %d poll(s)", status, len(result["failures"]), polls)
                        yield TriggerEvent(  # type: ignore[no-untyped-call]  # unannotated in Airflow
                            {"status": status, "polls": polls, **result})
                        return
                    await asyncio.sleep(min(self.poll_seconds, remaining))
        except Exception as exc:  # fire an error event: the sensor fails the task with the message
            from include.untrusted.redaction import redact

            self.log.error("failed-run scan failed: %s", exc)
            yield TriggerEvent({"status": "error",  # type: ignore[no-untyped-call]  # unannotated in Airflow
                                "message": redact(f"{type(exc).__name__}: {exc}")[:1000],
                                "polls": polls, "failures": []})
