"""Trigger `provision_infrastructure` through Airflow's REST API with a validated plan as conf.

Where Airflow is: `LAKEPILOT_AIRFLOW_URL`, else `http://127.0.0.1:$LAKEPILOT_AIRFLOW_PORT` (the port
`lakepilot up` uses; default 8080), user
`LAKEPILOT_AIRFLOW_USER` (default admin), password `LAKEPILOT_AIRFLOW_PASSWORD` or, for the local
stack, the simple auth manager's generated password file under the state directory.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from os import environ
from typing import Any

from pydantic import BaseModel

from include.airflow_api import AirflowClient
from include.config import state_dir
from include.provisioning.plan import DAG_FOR, ProvisioningPlan, plan_json, validate_plan

DAG_ID = "provision_infrastructure"  # a destroy plan goes to DAG_FOR["destroy"]


class TriggeredRun(BaseModel):
    """A DAG run started for a plan, and where to watch it."""

    dag_id: str
    dag_run_id: str
    url: str
    state: str | None = None
    unpaused: bool = False


def airflow_client() -> AirflowClient:
    """A client for the configured Airflow (env), defaulting to the local stack."""
    url = environ.get("LAKEPILOT_AIRFLOW_URL") or f"http://127.0.0.1:{environ.get('LAKEPILOT_AIRFLOW_PORT') or 8080}"
    user = environ.get("LAKEPILOT_AIRFLOW_USER") or "admin"
    password = environ.get("LAKEPILOT_AIRFLOW_PASSWORD")
    if not password:
        path = state_dir() / "airflow" / "simple_auth_manager_passwords.json.generated"
        if not path.is_file():
            raise RuntimeError(f"no Airflow password: set LAKEPILOT_AIRFLOW_PASSWORD or start the local stack "
                               f"(`lakepilot up`), which writes {path}")
        password = json.loads(path.read_text()).get(user)
        if not password:
            raise RuntimeError(f"{path} has no password for user {user!r}")
    return AirflowClient(url, user, password)


def run_id_for(plan: ProvisioningPlan) -> str:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    base = plan.session_id or plan.stack
    verb = "decommission" if plan.action == "destroy" else "provision"
    return re.sub(r"[^A-Za-z0-9_.~:+-]", "-", f"{verb}-{base}-{stamp}")[:200]


def trigger_plan(plan: ProvisioningPlan, client: AirflowClient | None = None, run_id: str | None = None) -> TriggeredRun:
    """Validate once more, unpause the DAG if needed, trigger it; return the run and its UI address."""
    validate_plan(plan)
    dag_id = DAG_FOR[plan.action]
    client = client or airflow_client()
    dag: dict[str, Any] = client.request("GET", f"/api/v2/dags/{dag_id}")
    unpaused = False
    if dag.get("is_paused"):
        client.unpause(dag_id)
        unpaused = True
    run = client.trigger(dag_id, conf=plan_json(plan), run_id=run_id or run_id_for(plan))
    run_id = run["dag_run_id"]
    return TriggeredRun(dag_id=dag_id, dag_run_id=run_id, url=f"{client.base_url}/dags/{dag_id}/runs/{run_id}",
                        state=run.get("state"), unpaused=unpaused)
