"""`FailedRunSensor`: plan a scan window from the watermark and the ledger, then defer to the trigger.

`execute` (on a worker) reads the detection watermark and the decision ledger, computes the
window (`include.remediation.service.scan_plan`) and defers at once to `FailedRunTrigger`
(no worker slot is held while it waits). `execute_complete` returns the new failures as a list of
small dicts - the DAG maps one decide -> act -> notify chain over it - and pushes the scan's extent
under the XCom key `scan` for the task that advances the watermark once everything is decided.

DAG-run conf (optional): `{"since": "<ISO time>"}` re-scans from that time (already-decided
failures are still recognised and skipped), `{"wait_seconds": N}` overrides how long to wait.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from airflow.sdk import BaseSensorOperator

SCAN_XCOM_KEY = "scan"
GRACE_SECONDS = 120  # the trigger fires on its own deadline; this only bounds a stuck triggerer


class FailedRunSensor(BaseSensorOperator):
    """Wait (deferred) until the Jobs API shows failed runs the ledger has not decided yet."""

    ui_color = "#f9d7d2"

    def __init__(self, *, databricks_conn_id: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.databricks_conn_id = databricks_conn_id

    def _settings(self) -> Any:
        from include.remediation.settings import RemediationSettings

        settings = RemediationSettings.from_env()
        if self.databricks_conn_id:
            settings = settings.model_copy(update={"conn_id": self.databricks_conn_id})
        return settings

    @staticmethod
    def _conf(context: Any) -> dict[str, Any]:
        dag_run = context.get("dag_run")
        conf = getattr(dag_run, "conf", None) or {}
        return dict(conf) if isinstance(conf, dict) else {}

    def plan(self, context: Any, now: datetime) -> tuple[Any, int, Any]:
        """(scan plan, wait seconds, settings) for this run; bad conf fails the task by name."""
        from include.ops.store import get_ops_store
        from include.remediation.service import scan_plan
        from lakepilot_airflow.connections import resolve_warehouse

        settings = self._settings()
        conf = self._conf(context)
        since = None
        if conf.get("since"):
            try:
                since = datetime.fromisoformat(str(conf["since"]).replace("Z", "+00:00"))
            except ValueError as exc:
                raise ValueError(f"dag_run.conf.since {conf['since']!r} is not an ISO date/time") from exc
        wait = settings.wait_seconds
        if conf.get("wait_seconds") is not None:
            try:
                wait = int(conf["wait_seconds"])
            except (TypeError, ValueError) as exc:
                raise ValueError(f"dag_run.conf.wait_seconds {conf['wait_seconds']!r} is not a whole number") from exc
            if not 0 <= wait <= 3600:
                raise ValueError(f"dag_run.conf.wait_seconds {wait} must be between 0 and 3600")
        store = get_ops_store(resolve_warehouse())
        return scan_plan(store, settings, now, since=since), wait, settings

    def execute(self, context: Any) -> None:
        from lakepilot_airflow.remediation.trigger import FailedRunTrigger

        now = datetime.now(UTC)
        plan, wait, settings = self.plan(context, now)
        self.log.info(
            "scanning for failed runs that ended after %s (watermark %s; %d known decision(s), %d watched run(s)); "
            "waiting up to %ss", plan.since.isoformat(), plan.watermark, len(plan.known), len(plan.watch_runs), wait,
        )
        trigger = FailedRunTrigger(
            databricks_conn_id=settings.conn_id,
            since_ms=int(plan.since.timestamp() * 1000),
            list_from_ms=int(plan.list_from.timestamp() * 1000),
            deadline_ms=int((now + timedelta(seconds=wait)).timestamp() * 1000),
            known=plan.known,
            watch_runs=plan.watch_runs,
            poll_seconds=settings.poll_seconds,
            max_pages=settings.max_pages,
        )
        self.defer(trigger=trigger, method_name="execute_complete", timeout=timedelta(seconds=wait + GRACE_SECONDS))

    def poke(self, context: Any) -> bool:
        raise NotImplementedError("FailedRunSensor only runs deferred (execute defers to FailedRunTrigger)")

    def execute_complete(self, context: Any, event: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """The trigger fired: fail on an error event, else hand the failures on and record the scan."""
        # Airflow re-exports AirflowException (from airflow.sdk) without marking it as exported
        from airflow.exceptions import AirflowException  # type: ignore[attr-defined]

        event = event or {}
        if event.get("status") == "error":
            raise AirflowException(f"scanning the Jobs API for failed runs failed: {event.get('message')}")
        failures = list(event.get("failures") or [])
        scan = {
            "scanned_until_ms": int(event.get("scanned_until") or 0),
            "found": len(failures),
            "listed": int(event.get("listed") or 0),
            "polls": int(event.get("polls") or 0),
            "status": event.get("status"),
        }
        context["ti"].xcom_push(key=SCAN_XCOM_KEY, value=scan)
        self.log.info("%d new failed run(s): %s", len(failures),
                      ", ".join(f"{f['run_id']}#{f['attempt']}" for f in failures) or "none")
        return failures
