"""Close expired firewall rules: each stack's applied rules that expired go through provision_infrastructure.

Wiring only: `include.provisioning.expiry.find_expired` reads each stack's last applied firewall spec and
builds the plan without the expired rules; this DAG triggers `provision_infrastructure` with each one, so the
removal is planned, shown, approved by a person (bound to the plan's hash) and applied exactly.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from airflow.providers.standard.operators.trigger_dagrun import TriggerDagRunOperator
from airflow.sdk import dag, task
from lakepilot_airflow.notifiers import failure_notifier

from include.schedules import schedule_from_env

SCHEDULE = schedule_from_env("LAKEPILOT_SCHEDULE_EXPIRY", "30 0 * * *")

DOC = """
### Close expired firewall rules
Daily (`LAKEPILOT_SCHEDULE_EXPIRY`, default 00:30 UTC): finds every stack whose applied firewall rules
include one with `expires_on` on or before the day (the end of the data interval; `{"as_of": "YYYY-MM-DD"}`
in conf to check another day), and triggers **provision_infrastructure** with the stack's plan minus those
rules (requester `lakepilot-expiry`). Nothing is removed without the usual approval of the plan; the run
id is `expiry__<stack>__<day>`, so a re-run of the same day never triggers a second one, and a stack whose
closing run still waits for its approval is not asked about again (a rejected or timed-out one is).
"""


@dag(
    dag_id="close_expired_firewall_rules",
    schedule=SCHEDULE,
    start_date=datetime(2026, 1, 1),
    catchup=False,
    max_active_runs=1,
    tags=["lakepilot", "provisioning", "expiry"],
    doc_md=DOC,
    default_args={"on_failure_callback": failure_notifier(), "retries": 1, "retry_delay": timedelta(minutes=1), "owner": "lakepilot"},
)
def close_expired_firewall_rules():
    @task
    def find_expired(**context) -> list[dict]:
        import logging
        from datetime import date

        from lakepilot_airflow.connections import resolve_warehouse

        from include.ops.store import get_ops_store
        from include.provisioning.expiry import awaiting
        from include.provisioning.expiry import find_expired as scan

        conf = context["dag_run"].conf or {}
        day = date.fromisoformat(str(conf["as_of"])) if conf.get("as_of") else \
            (context.get("data_interval_end") or context["dag_run"].run_after).date()
        closings = scan(day, skip=awaiting(get_ops_store(resolve_warehouse())))
        for c in closings:
            logging.getLogger(__name__).info("stack %s: closing %s (expired %s); %s kept", c.stack, ", ".join(c.expired),
                                             ", ".join(map(str, c.expired_on)), ", ".join(c.remaining) or "no rule")
        return [{"trigger_run_id": c.run_id, "conf": c.conf} for c in closings]

    TriggerDagRunOperator.partial(
        task_id="close", trigger_dag_id="provision_infrastructure", logical_date=None,
        skip_when_already_exists=True, wait_for_completion=False,
    ).expand_kwargs(find_expired())


close_expired_firewall_rules()
