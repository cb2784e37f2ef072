"""What a remediation task needs, resolved inside the task: store, Jobs API, policy, mail, LLM.

Nothing here runs at DAG parse time. The policy is the Variable `lakepilot_remediation_policy`
(JSON) merged with the environment's shadow flag and on-call list; mail is the `smtp_default`
connection (the local sink when it is not defined, which says so in its description).
"""

from __future__ import annotations

import logging
from typing import Any

log = logging.getLogger(__name__)


def settings() -> Any:
    from include.remediation.settings import RemediationSettings

    return RemediationSettings.from_env()


def store() -> Any:
    from include.ops.store import get_ops_store
    from lakepilot_airflow.connections import resolve_warehouse

    return get_ops_store(resolve_warehouse())


def jobs(conn_id: str) -> Any:
    """`JobsApi` over Airflow's `DatabricksHook` for the connection."""
    from airflow.providers.databricks.hooks.databricks import DatabricksHook

    from include.remediation.jobs_client import HookJobsApi

    return HookJobsApi(DatabricksHook(conn_id, retry_limit=3, retry_delay=2, caller="LakePilotRemediation"))


def policy(current: Any | None = None) -> Any:
    """The decision policy (Variable + env); a bad Variable fails the task with the field named."""
    from airflow.sdk import Variable

    from include.remediation.settings import POLICY_VARIABLE, load_policy

    raw = Variable.get(POLICY_VARIABLE, default=None)
    return load_policy(raw, current or settings())


def smtp() -> Any:
    from lakepilot_airflow.connections import resolve_smtp

    return resolve_smtp()


def is_last_try(context: Any) -> bool:
    """Whether this try is the task's last (then failures are recorded in the ledger, not retried)."""
    ti = context["ti"]
    max_tries = getattr(ti, "max_tries", None)
    if max_tries is None:
        max_tries = getattr(context.get("task"), "retries", 0) or 0
    return int(getattr(ti, "try_number", 1) or 1) > int(max_tries)
