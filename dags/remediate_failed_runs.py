"""`remediate_failed_runs`: catch failed Databricks runs, decide, act within budgets, notify, learn.

Wiring only: every task calls one function of the remediation service (`include.remediation.service`):
`scan_plan` (through `FailedRunSensor`/`FailedRunTrigger`), `decide` (with the LLM triage of
`agents.remediation.agent.triager` when `lakepilot_llm` is set), `act` (through `RemediationActOperator`),
`notify`, `sweep_pending`, `check_outcomes` and `advance_watermark`.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from airflow.sdk import dag, task, task_group
from lakepilot_airflow.notifiers import failure_notifier

# Airflow puts the plugins folder on sys.path in every component.
from lakepilot_airflow.remediation.operators import RemediationActOperator
from lakepilot_airflow.remediation.sensor import FailedRunSensor

from include.schedules import schedule_from_env

POOL = "databricks_api"
DEFAULT_SCHEDULE = "*/5 * * * *"


def _schedule() -> str | None:
    return schedule_from_env("LAKEPILOT_REMEDIATION_SCHEDULE", DEFAULT_SCHEDULE)


SCHEDULE = _schedule()

DOC = f"""
### Remediate failed runs
Every run: **detect** failed Databricks job runs the ledger has not decided yet (deferrable sensor;
the trigger polls `jobs/runs/list` from the persisted watermark minus an overlap, and re-checks the
runs LakePilot repaired), then per failure a mapped chain **decide → act → notify**:

1. **decide** — `runs/get` (+ history), `runs/get-output`, `jobs/get` → pattern engine (+ learned
   rules, + LLM when `lakepilot_llm` is set) → guarded decision, recorded in
   `lakepilot.ops.remediation_decisions` **before** anything acts (idempotent on run + attempt).
2. **act** — RETRY: `runs/repair` with `latest_repair_id`; RETRY_WITH_NEW_PARAMS: `jobs/update` with
   the allow-listed change, then repair. A claim is written before the call, so a retry after a crash
   finds its own repair instead of starting another. Backoff (`not_before`) defers the task when short,
   else a later run's `sweep_pending` acts.
3. **notify** — e-mail through `smtp_default`: the owner (SEND_EMAIL, or what was changed), on-call +
   owner with an incident record (ESCALATE); one message per failure fingerprint.

Alongside: **sweep_pending** (due backoffs and owed notices from earlier runs), **check_outcomes**
(repairs that ended → `succeeded`/`failed`, then learned rules), and **advance_watermark** once every
failure found was decided.

* **Schedule**: `{SCHEDULE or "manual"}` — env `LAKEPILOT_REMEDIATION_SCHEDULE` (cron or `none`), read at parse.
* **Policy**: Variable `lakepilot_remediation_policy` (JSON, see docs/remediation.md); **shadow mode**:
  `"shadow": true` there or env `LAKEPILOT_REMEDIATION_SHADOW=1` (decide and record, never act).
* **Knobs** (env): `LAKEPILOT_REMEDIATION_WAIT_SECONDS`, `_POLL_SECONDS`, `_OVERLAP_MINUTES`,
  `_RUN_LOOKBACK_HOURS`, `_MAX_INLINE_WAIT_SECONDS`; `LAKEPILOT_ONCALL_EMAIL`.
* **Conf** (manual runs): `{{"since": "<ISO time>"}}` re-scans from then (decided failures are skipped);
  `{{"wait_seconds": 0}}` checks once without waiting.
* **Pool**: `{POOL}` on every task calling the Jobs API.
"""


@dag(
    dag_id="remediate_failed_runs",
    schedule=SCHEDULE,
    start_date=datetime(2026, 1, 1),
    catchup=False,
    max_active_runs=1,
    tags=["lakepilot", "remediation"],
    doc_md=DOC,
    default_args={"on_failure_callback": failure_notifier(), "owner": "lakepilot", "retries": 2, "retry_delay": timedelta(seconds=30)},
)
def remediate_failed_runs():
    detect = FailedRunSensor(task_id="detect_failed_runs", pool=POOL, execution_timeout=timedelta(minutes=70))

    @task(pool=POOL, execution_timeout=timedelta(minutes=10))
    def decide(failure: dict) -> dict:
        """Fetch the failed run, triage and decide, record the decision (nothing acts yet)."""
        from lakepilot_airflow.connections import resolve_llm
        from lakepilot_airflow.remediation import runtime

        from agents.remediation.agent import triager
        from include.remediation import service

        settings = runtime.settings()
        ref = service.decide(failure, runtime.jobs(settings.conn_id), runtime.store(), runtime.policy(settings),
                             triage=triager(resolve_llm()))
        return ref.model_dump(mode="json")

    @task(retries=3, execution_timeout=timedelta(minutes=5))
    def notify(acted: dict, **context) -> dict:
        """E-mail what the decision owes someone (owner / on-call), once per failure."""
        from datetime import UTC

        from lakepilot_airflow.remediation import runtime

        from include.remediation import service

        if not acted.get("run_id") or acted.get("attempt") is None or acted.get("outcome") is None:
            return {"status": "nothing", "detail": acted.get("detail", "")}
        result = service.notify(runtime.store(), acted["run_id"], int(acted["attempt"]), runtime.policy(),
                                 datetime.now(UTC), smtp=runtime.smtp())
        return result.model_dump(mode="json")

    @task_group(group_id="remediate")
    def remediate(failure: dict):
        decided = decide(failure)
        acted = RemediationActOperator(task_id="act", decision=decided, pool=POOL,
                                       execution_timeout=timedelta(minutes=10))
        notify(acted.output)

    @task(pool=POOL, execution_timeout=timedelta(minutes=20))
    def sweep_pending(**context) -> dict:
        """Act on backoffs that came due and send notices still owed from earlier runs."""
        from lakepilot_airflow.remediation import runtime

        from include.remediation import service

        settings = runtime.settings()
        dag_run = context["dag_run"]
        started = getattr(dag_run, "start_date", None) or getattr(dag_run, "run_after", None)
        report = service.sweep_pending(runtime.store(), runtime.jobs(settings.conn_id), runtime.policy(settings),
                       smtp=runtime.smtp(), decided_before=started)
        return report.model_dump(mode="json")

    @task(pool=POOL, execution_timeout=timedelta(minutes=20))
    def check_outcomes() -> dict:
        """Record how finished repairs ended, then promote/retire learned rules."""
        from datetime import UTC

        from lakepilot_airflow.remediation import runtime

        from include.remediation import service

        checked = service.check_outcomes(runtime.store(), runtime.jobs(runtime.settings().conn_id), datetime.now(UTC))
        return checked.model_dump(mode="json")

    @task(trigger_rule="none_failed")
    def advance_watermark(**context) -> dict:
        """Every failure found was decided: move the watermark to where this scan started."""
        from datetime import UTC

        from lakepilot_airflow.remediation import runtime
        from lakepilot_airflow.remediation.sensor import SCAN_XCOM_KEY

        from include.remediation import service

        scan = context["ti"].xcom_pull(task_ids="detect_failed_runs", key=SCAN_XCOM_KEY) or {}
        if not scan.get("scanned_until_ms"):
            return {"advanced": False, "why": "no scan result"}
        until = datetime.fromtimestamp(scan["scanned_until_ms"] / 1000, UTC)
        mark = service.advance_watermark(runtime.store(), runtime.settings().conn_id, until, dag_run_id=context["run_id"],
                       found=int(scan.get("found") or 0))
        return {"advanced": True, "watermark": mark.watermark.isoformat(), **scan}

    chains = remediate.expand(failure=detect.output)
    chains >> advance_watermark()
    sweep_pending()
    check_outcomes()


remediate_failed_runs()
