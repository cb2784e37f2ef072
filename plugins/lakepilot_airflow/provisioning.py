"""Airflow pieces of provisioning: the plan-approval operator and Terraform credentials.

`PlanApprovalOperator` is the standard `ApprovalOperator` with what a plan approval needs: its
subject and Markdown body come from the plan step's summary at run time, the response timeout
and assigned users from the validated plan (timeout → the `Reject` default), and an `Approve`
is bound to the plan file's sha256 (a file changed while awaiting approval fails the task).
A second-confirmation task that is not needed completes at once without asking anyone.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from airflow.providers.standard.operators.hitl import ApprovalOperator

if TYPE_CHECKING:
    from include.provisioning.pipeline import PlanStep
    from include.provisioning.plan import ValidatedPlan

log = logging.getLogger(__name__)

AZURE_CONN_ID = "lakepilot_azure"


class PlanApprovalOperator(ApprovalOperator):
    """Approve (stage `approve`) or confirm (stage `confirm`) one capability's Terraform plan."""

    def __init__(self, *, capability: str, stage: str, plan_task_id: str, validate_task_id: str, **kwargs: Any) -> None:
        super().__init__(
            subject=f"{stage} {capability}",
            body="The plan summary is filled in when the task runs.",
            defaults="Reject",
            fail_on_reject=False,
            **kwargs,
        )
        self.capability = capability
        self.stage = stage
        self.plan_task_id = plan_task_id
        self.validate_task_id = validate_task_id

    def _inputs(self, context: Any) -> tuple[PlanStep, ValidatedPlan]:
        from include.provisioning.pipeline import PlanStep
        from include.provisioning.plan import ValidatedPlan

        ti = context["ti"]
        step = PlanStep.model_validate(ti.xcom_pull(task_ids=self.plan_task_id))
        validated = ValidatedPlan.model_validate(ti.xcom_pull(task_ids=self.validate_task_id))
        return step, validated

    def execute(self, context: Any) -> Any:
        from include.provisioning.pipeline import ApprovalDecision, approval_request

        step, validated = self._inputs(context)
        request = approval_request(step, self.stage, validated)  # type: ignore[arg-type]
        if not request.required:
            why = "no changes to apply" if not step.has_changes else "no second confirmation needed"
            log.info("%s %s: %s", self.capability, self.stage, why)
            decision = ApprovalDecision(capability=self.capability, stage=self.stage, required=False,
                                        approved=step.has_changes, plan_hash=step.plan_hash, note=why)
            if not step.has_changes:
                # skip() raises to end the task, so the decision is pushed first.
                context["ti"].xcom_push(key="return_value", value=decision.model_dump(mode="json"))
                self.skip(ti=context["ti"], tasks=list(context["task"].get_direct_relatives(upstream=False)))
            return decision.model_dump(mode="json")
        self.subject = request.subject
        self.body = request.body
        self.response_timeout = timedelta(seconds=request.timeout_s)
        self.assigned_users = [{"id": u, "name": u} for u in request.approvers] or None
        from lakepilot_airflow.notifiers import ApprovalWaitingNotifier

        self.notifiers = [ApprovalWaitingNotifier(subject=request.subject, summary=request.body,
                                                  approvers=list(request.approvers), timeout_s=request.timeout_s)]
        log.info("asking %s to %s %s (timeout %ss)", request.approvers or "any permitted user", self.stage,
                 self.capability, request.timeout_s)
        return super().execute(context)

    def _decision(self, context: Any, event: dict[str, Any]) -> dict[str, Any]:
        from airflow.sdk.exceptions import AirflowFailException

        from include.provisioning.pipeline import decide
        from include.terraform.plan_guard import StalePlanError

        step, _ = self._inputs(context)
        user = event.get("responded_by_user") or {}
        try:
            decision = decide(step, self.stage, list(event.get("chosen_options") or []),  # type: ignore[arg-type]
                              user.get("name") or user.get("id"), bool(event.get("timedout")), context["run_id"])
        except StalePlanError as exc:
            raise AirflowFailException(str(exc)) from exc
        return decision.model_dump(mode="json")

    def execute_complete(self, context: Any, event: dict[str, Any]) -> Any:
        from airflow.sdk.exceptions import DownstreamTasksSkipped

        try:
            super().execute_complete(context=context, event=event)
        except DownstreamTasksSkipped:
            # Rejected (or timed out into the Reject default): record the decision, then let the
            # exception skip the downstream tasks.
            context["ti"].xcom_push(key="return_value", value=self._decision(context, event))
            raise
        return self._decision(context, event)


def terraform_env(target: str) -> dict[str, str]:
    """Environment for Terraform: nothing for the sandbox; ARM_* from `lakepilot_azure` for azure.

    The connection (conn_type azure): login = client id, password = client secret, extra
    `tenant_id` and `subscription_id`. The values go to the Terraform process only — never to
    logs, XCom or the rendered files.
    """
    if target != "azure":
        return {}
    from airflow.sdk import BaseHook

    try:
        conn = BaseHook.get_connection(AZURE_CONN_ID)
    except Exception as exc:
        raise ValueError(f"target azure needs the {AZURE_CONN_ID} connection (service principal)") from exc
    extra = conn.extra_dejson
    env = {
        "ARM_CLIENT_ID": conn.login or "",
        "ARM_CLIENT_SECRET": conn.password or "",
        "ARM_TENANT_ID": extra.get("tenant_id") or extra.get("tenantId") or "",
        "ARM_SUBSCRIPTION_ID": extra.get("subscription_id") or extra.get("subscriptionId") or "",
    }
    missing = [k for k, v in env.items() if not v]
    if missing:
        raise ValueError(f"{AZURE_CONN_ID} lacks {', '.join(missing)}")
    return env
