"""Provision infrastructure from a validated plan: per capability plan → approve → (confirm) → apply.
The same builder makes `decommission_infrastructure`, which destroys a stack's capabilities (dependents first).

Wiring only: the steps live in `include.provisioning.pipeline`; task groups come from the
capability registry at parse time (light imports), so a new capability needs no change here.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from airflow.sdk import dag, get_current_context, task
from airflow.sdk.definitions.taskgroup import TaskGroup
from lakepilot_airflow.notifiers import failure_notifier

# Airflow puts the plugins folder on sys.path in every component.
from lakepilot_airflow.provisioning import PlanApprovalOperator

from include.provisioning.registry import get_registry

DOC = """
### Provision infrastructure
Triggered by `lakepilot provision` (or the REST API) with a **validated plan** as conf; the first
task validates it again — conf is never trusted. Then, per capability in dependency order:

1. **plan** — render the capability's Terraform templates (target `sandbox`: offline
   `terraform_data` models; `azure`: azurerm + databricks providers), `terraform init`, `plan -out`,
   `show -json`, summary (adds/changes/destroys per resource type) and cost estimate, plan sha256.
2. **approve** — a human approves the summary (Required actions). No answer within the plan's
   `approval.timeout_s` means **Reject**. Approvers are restricted to `approval.approvers` /
   `LAKEPILOT_PROVISION_APPROVERS` when set.
3. **confirm** — a second approval, only for security-sensitive steps (firewall rules, public
   network access) or an estimate above the confirmation threshold; otherwise it passes at once.
4. **apply** — applies exactly the approved plan file (sha256 checked; a changed file is refused
   and needs a new plan and approval) under the stack's lock, then records outputs.

A failed capability can be retried alone: clear its task group (re-plan, re-approve); what
succeeded stays applied. Every run is recorded in `lakepilot.ops.provisioning_runs`.
"""

VALIDATE = "validate_plan"


@task(task_id=VALIDATE)
def validate_plan(action: str) -> dict:
    """Validate conf as a provisioning plan for this DAG's action; record the run; fail (no retry) when invalid."""
    from airflow.sdk.exceptions import AirflowFailException
    from lakepilot_airflow.connections import resolve_warehouse

    from include.ops.store import get_ops_store
    from include.provisioning.plan import PlanValidationError
    from include.provisioning.service import start_run

    ctx = get_current_context()
    dag_run = ctx["dag_run"]
    store = get_ops_store(resolve_warehouse())
    try:
        validated = start_run(dag_run.conf or {}, dag_run.run_id, getattr(dag_run, "triggering_user_name", None),
                              store, action=action)
    except PlanValidationError as exc:
        raise AirflowFailException(str(exc)) from exc
    return validated.model_dump(mode="json")


@task(trigger_rule="none_failed")
def plan(capability: str, validated: dict) -> dict:
    """Render, init, plan and summarise one capability (skipped when not in the plan)."""
    from airflow.sdk.exceptions import AirflowSkipException
    from lakepilot_airflow.provisioning import terraform_env

    from include.provisioning.plan import ValidatedPlan
    from include.provisioning.service import blocked_by, plan_step

    ctx = get_current_context()
    vp = ValidatedPlan.model_validate(validated)
    if capability not in vp.order:
        raise AirflowSkipException(f"{capability} is not part of this plan")
    blocker = blocked_by(vp, capability, lambda tid: ctx["ti"].xcom_pull(task_ids=tid))
    if blocker:
        raise AirflowSkipException(blocker)
    return plan_step(vp, capability, ctx["run_id"], terraform_env(vp.plan.target)).model_dump(mode="json")


@task(pool="terraform_apply")
def apply(capability: str, step: dict) -> dict:
    """Apply exactly the approved plan; a changed plan file fails at once (no retry)."""
    from airflow.sdk.exceptions import AirflowFailException
    from lakepilot_airflow.provisioning import terraform_env

    from include.provisioning.pipeline import PlanStep
    from include.provisioning.service import apply_step
    from include.terraform.plan_guard import StalePlanError

    ctx = get_current_context()
    ps = PlanStep.model_validate(step)
    pull = ctx["ti"].xcom_pull
    try:
        result = apply_step(ps, pull(task_ids=f"{capability}.approve"), pull(task_ids=f"{capability}.confirm"),
                            ctx["run_id"], terraform_env(ps.target))
    except StalePlanError as exc:
        raise AirflowFailException(str(exc)) from exc
    return result.model_dump(mode="json")


@task(trigger_rule="all_done")
def record(capabilities: list[str]) -> dict:
    """Write the run's row in lakepilot.ops.provisioning_runs; fail the run if a capability failed."""
    from airflow.sdk.exceptions import AirflowFailException
    from lakepilot_airflow.connections import resolve_warehouse

    from include.ops.store import get_ops_store
    from include.provisioning.service import finish_run

    ctx = get_current_context()
    ti, dag_run = ctx["ti"], ctx["dag_run"]
    try:
        states = ti.get_task_states(dag_id=dag_run.dag_id, run_ids=[dag_run.run_id]).get(dag_run.run_id, {})
    except Exception:  # states only refine the outcome; the XComs carry the decisions
        states = {}
    row = finish_run(dag_run.run_id, dag_run.conf or {}, capabilities, lambda tid: ti.xcom_pull(task_ids=tid),
                     states, getattr(dag_run, "triggering_user_name", None), get_ops_store(resolve_warehouse()))
    if row["outcome"] in ("failed", "invalid") or "failed" in row["capability_outcomes"].values():
        raise AirflowFailException(f"provisioning {row['outcome']}: {row['capability_outcomes']}")
    return {"outcome": row["outcome"], "capability_outcomes": row["capability_outcomes"]}


def build(dag_id: str, action: str, doc: str):
    """The provisioning DAG: per capability plan → approve → (confirm) → apply, in dependency order for an
    apply and the other way round (dependents first) for a destroy."""

    @dag(
        dag_id=dag_id,
        schedule=None,
        start_date=datetime(2026, 1, 1),
        catchup=False,
        max_active_runs=8,
        tags=["lakepilot", "provisioning", "terraform", "hitl"],
        doc_md=doc,
        default_args={"on_failure_callback": failure_notifier(), "retries": 1, "retry_delay": timedelta(seconds=30),
                      "owner": "lakepilot"},
    )
    def provisioning():
        registry = get_registry()
        validated = validate_plan(action)
        applies = {}
        plans = {}
        for name in registry.order():
            with TaskGroup(group_id=name, tooltip=registry.get(name).description):
                planned = plan.override(task_id="plan")(name, validated)
                # A quick retry re-asks at once if an answer raced the scheduler (see docs/provisioning.md).
                approve = PlanApprovalOperator(task_id="approve", capability=name, stage="approve",
                                               plan_task_id=f"{name}.plan", validate_task_id=VALIDATE,
                                               retries=2, retry_delay=timedelta(seconds=5))
                confirm = PlanApprovalOperator(task_id="confirm", capability=name, stage="confirm",
                                               plan_task_id=f"{name}.plan", validate_task_id=VALIDATE,
                                               retries=2, retry_delay=timedelta(seconds=5))
                applied = apply.override(task_id="apply")(name, planned)
                planned >> approve >> confirm >> applied
            plans[name], applies[name] = planned, applied
        for name in registry.order():
            for dep in registry.get(name).depends_on:
                if action == "destroy":
                    applies[name] >> plans[dep]  # what depends on a capability goes first
                else:
                    applies[dep] >> plans[name]
        record(registry.order()) << [validated, *applies.values()]

    return provisioning()


DECOMMISSION_DOC = """
### Decommission infrastructure
Triggered with a **destroy plan** as conf (`lakepilot provision --destroy STACK`, or
`include.provisioning.decommission.destroy_plan`): the plan each capability of the stack last applied, with
`action: destroy`. The same guarantees as provisioning, the other way round — per capability, dependents
first: **plan** (`terraform plan -destroy`, summary and what it cost), **approve**, **confirm** (a destroy is
always confirmed twice), **apply** exactly the approved plan under the stack's lock. An apply plan is refused
here, and a destroy plan by provision_infrastructure. Every run is recorded in
`lakepilot.ops.provisioning_runs` with `action = destroy`.
"""

provision_infrastructure = build("provision_infrastructure", "apply", DOC)
decommission_infrastructure = build("decommission_infrastructure", "destroy", DECOMMISSION_DOC)
