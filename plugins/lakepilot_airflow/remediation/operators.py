"""`RemediationActOperator`: act on one recorded decision, deferring (no worker held) for its backoff.

The decision comes from the decide task (`DecisionRef` dict, via XCom). Acting itself is
`include.remediation.service.act` (retry- and crash-safe; see `include.remediation.acting`). When the
decision's `not_before` is at most `max_inline_wait_seconds` away, the task defers on a
`DateTimeTrigger` and acts when it fires; further away, the decision stays `pending` and the
`act_due` task of a later DAG run acts on it, so a long backoff never holds up detection.
On the last try a failure is recorded as outcome `error` (the breaker counts it) and re-raised.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from airflow.sdk import BaseOperator


class RemediationActOperator(BaseOperator):
    """Carry out one remediation decision through the Jobs API (pool it: `databricks_api`)."""

    template_fields: Sequence[str] = ("decision",)
    ui_color = "#d8ecd4"

    def __init__(self, *, decision: Any, databricks_conn_id: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.decision = decision
        self.databricks_conn_id = databricks_conn_id

    def _act(self, context: Any) -> dict[str, Any]:
        from airflow.providers.standard.triggers.temporal import DateTimeTrigger

        from include.remediation import service
        from lakepilot_airflow.remediation import runtime

        ref = dict(self.decision or {})
        if not ref.get("decision_id"):
            self.log.info("run %s: no decision to act on (%s)", ref.get("run_id"), ref.get("note") or ref.get("status"))
            return {"status": "done", "run_id": ref.get("run_id"), "attempt": ref.get("attempt"), "outcome": None,
                    "detail": ref.get("note", "")}
        settings = runtime.settings()
        conn_id = self.databricks_conn_id or settings.conn_id
        store = runtime.store()
        now = datetime.now(UTC)
        result = service.act(store, runtime.jobs(conn_id), ref["run_id"], int(ref["attempt"]),
                             runtime.policy(settings), now, last_try=runtime.is_last_try(context))
        if result.status == "waiting" and result.not_before is not None:
            wait = (result.not_before - now).total_seconds()
            if wait <= settings.max_inline_wait_seconds:
                self.log.info("run %s: backoff, acting at %s (in %.0fs)", result.run_id, result.not_before, wait)
                self.defer(trigger=DateTimeTrigger(moment=result.not_before), method_name="execute_complete",
                           timeout=timedelta(seconds=wait + 600))
            self.log.info("run %s: backoff until %s; a later run's act_due acts on it", result.run_id, result.not_before)
        self.log.info("run %s attempt %s: %s -> %s (%s)", result.run_id, result.attempt, result.action,
                      result.status, result.detail)
        return result.model_dump(mode="json")

    def execute(self, context: Any) -> dict[str, Any]:
        return self._act(context)

    def execute_complete(self, context: Any, event: Any = None) -> dict[str, Any]:
        return self._act(context)
