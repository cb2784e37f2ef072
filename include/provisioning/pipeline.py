"""The steps the `provision_infrastructure` DAG runs per capability: plan, approve, apply.

Each step is a plain function over typed values (no Airflow here): the DAG task resolves
connections, calls one of these, and returns the model as a JSON-able dict.

    plan_capability   render → terraform init → plan -out → show -json → summary + sha256
    approval_request  what the approval task shows, and whether a second confirmation is needed
    decide            turn the human's answer into an `ApprovalDecision` (hash re-checked)
    apply_capability  refuse anything but the approved plan file, then apply it under the stack lock
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field

from include.provisioning.cost import CostEstimate
from include.provisioning.expiry import forget_applied, record_applied, write_spec
from include.provisioning.plan import (
    ValidatedPlan,
    confirm_threshold_usd,
    effective_approvers,
)
from include.provisioning.registry import get_registry
from include.templating import template_environment
from include.terraform import stacks
from include.terraform.plan_guard import (
    ApprovalRecord,
    StalePlanError,
    check_plan_unchanged,
    sha256_file,
    stack_lock,
    write_record,
)
from include.terraform.render import render_capability
from include.terraform.runner import TerraformRunner
from include.terraform.summary import PlanSummary, state_resources, summarise_plan

log = logging.getLogger(__name__)

Stage = Literal["approve", "confirm"]
_TEMPLATES = Path(__file__).resolve().parent / "templates"


class PlanStep(BaseModel):
    """A saved Terraform plan for one capability, summarised for its reviewer."""

    run_id: str
    stack: str
    capability: str
    title: str
    target: str
    requester: str
    workdir: str
    plan_file: str
    plan_hash: str
    has_changes: bool
    summary: PlanSummary
    cost: CostEstimate
    monthly_usd: float
    risk: str
    sensitive: list[str] = Field(default_factory=list)
    confirm_reasons: list[str] = Field(default_factory=list)
    plan_monthly_usd: float | None = None  # the whole plan's estimate, against...
    budget_usd: float | None = None  # ...the requester's monthly budget
    action: str = "apply"  # or "destroy" (decommission_infrastructure)
    planned_at: datetime = Field(default_factory=lambda: datetime.now(UTC))


class ApprovalRequest(BaseModel):
    """What one approval task asks, of whom, for how long."""

    required: bool
    subject: str
    body: str
    timeout_s: int
    approvers: list[str]


class ApprovalDecision(BaseModel):
    """The answer to one approval task."""

    capability: str
    stage: Stage
    required: bool = True
    approved: bool
    chosen: str | None = None
    timed_out: bool = False
    approver: str | None = None
    plan_hash: str | None = None
    decided_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    note: str = ""


class ApplyResult(BaseModel):
    """What an apply did: the plan applied, the outputs, and the resources now in state."""

    capability: str
    stack: str
    plan_hash: str
    outputs: dict[str, Any]
    resources: list[dict[str, Any]]
    applied_at: datetime = Field(default_factory=lambda: datetime.now(UTC))


def _render_context(validated: ValidatedPlan, capability: str, run_id: str) -> dict[str, Any]:
    cap = get_registry().get(capability)
    plan = validated.plan
    params = cap.validate_params(validated.capabilities[capability].params, plan.context)
    return {
        **cap.template_context(params, plan.context),
        "capability": capability,
        "stack": plan.stack,
        "run_id": run_id,
        "state_path": str(stacks.state_file(plan.stack, capability)),
    }


def plan_capability(validated: ValidatedPlan, capability: str, run_id: str,
                    env: Mapping[str, str] | None = None) -> PlanStep:
    """Render, init and plan one capability into the run's directory; summarise and hash the plan."""
    cap = get_registry().get(capability)
    plan = validated.plan
    vc = validated.capabilities[capability]
    workdir = stacks.run_dir(run_id, capability)
    stacks.state_file(plan.stack, capability).parent.mkdir(parents=True, exist_ok=True)
    render_capability(cap.template_dir(), plan.target, _render_context(validated, capability, run_id), workdir)
    runner = TerraformRunner(workdir, env)
    runner.init()
    plan_file = workdir / stacks.PLAN_FILE
    destroy = plan.action == "destroy"
    has_changes = runner.plan(plan_file, destroy=destroy)
    summary = summarise_plan(runner.show_plan(plan_file))
    reasons = []
    if has_changes and destroy:  # removing infrastructure is always confirmed twice
        reasons.append(f"destroys every resource of {capability} on stack {plan.stack} "
                       f"(about ${vc.monthly_usd:,.2f}/month today)")
    elif has_changes:
        reasons += vc.sensitive
        threshold = confirm_threshold_usd(plan)
        if vc.monthly_usd > threshold:
            reasons.append(f"estimated ${vc.monthly_usd:,.2f}/month is above the ${threshold:,.2f} threshold")
    step = PlanStep(
        run_id=run_id, stack=plan.stack, capability=capability, title=cap.title, target=plan.target,
        requester=plan.requester, workdir=str(workdir), plan_file=str(plan_file),
        plan_hash=sha256_file(plan_file), has_changes=has_changes, summary=summary, cost=vc.cost,
        monthly_usd=vc.monthly_usd, risk=vc.risk, sensitive=vc.sensitive, confirm_reasons=reasons,
        plan_monthly_usd=validated.monthly_usd, budget_usd=plan.budget_usd, action=plan.action,
    )
    (workdir / stacks.SUMMARY_FILE).write_text(step.model_dump_json(indent=2))
    if not destroy:
        write_spec(workdir, validated, capability, run_id)  # what this plan would make the stack (provisioning/expiry.py)
    log.info("%s: %d to add, %d to change, %d to destroy; plan sha256 %s", capability, summary.adds,
             summary.changes, summary.destroys, step.plan_hash)
    return step


def _body(step: PlanStep, stage: Stage) -> str:
    env = template_environment(_TEMPLATES)
    return env.get_template("approval_body.md.j2").render(
        step=step.model_dump(mode="json"), stage=stage, title=step.title, requester=step.requester)


def approval_request(step: PlanStep, stage: Stage, validated: ValidatedPlan) -> ApprovalRequest:
    """The approval (or second confirmation) for one plan; `required` is False when nothing is to decide."""
    required = step.has_changes and (stage == "approve" or bool(step.confirm_reasons))
    verb = "Confirm" if stage == "confirm" else "Approve"
    subject = (f"{verb} {step.title} on {step.stack}: +{step.summary.adds} ~{step.summary.changes} "
               f"-{step.summary.destroys}, ${step.monthly_usd:,.2f}/month")
    return ApprovalRequest(required=required, subject=subject[:250], body=_body(step, stage),
                           timeout_s=validated.plan.approval.timeout_s,
                           approvers=effective_approvers(validated.plan))


def decide(step: PlanStep, stage: Stage, chosen: list[str], approver: str | None, timed_out: bool,
           run_id: str) -> ApprovalDecision:
    """Record a human's answer. An approval is bound to the plan's hash, re-checked right now."""
    choice = chosen[0] if chosen else None
    approved = choice == "Approve" and not timed_out
    decision = ApprovalDecision(capability=step.capability, stage=stage, approved=approved, chosen=choice,
                                timed_out=timed_out, approver=approver)
    if approved:
        # The human saw the summary of `step.plan_hash`; refuse if the file changed while they read.
        decision.plan_hash = check_plan_unchanged(step.plan_file, step.plan_hash)
        record = ApprovalRecord(run_id=run_id, capability=step.capability, plan_hash=decision.plan_hash,
                                approver=approver, approved_at=decision.decided_at, kind=stage)
        write_record(Path(step.workdir) / f"{stage}.json", record)
    log.info("%s %s: %s by %s%s", step.capability, stage, choice, approver or "nobody",
             " (timed out)" if timed_out else "")
    return decision


def apply_capability(step: PlanStep, approval: ApprovalDecision | None, confirmation: ApprovalDecision | None,
                     run_id: str, env: Mapping[str, str] | None = None, lock_timeout_s: float = 600.0) -> ApplyResult:
    """Apply the approved plan file and nothing else; raise `StalePlanError` otherwise."""
    if approval is None or not approval.approved:
        raise StalePlanError(f"{step.capability}: the plan was not approved; nothing to apply")
    if approval.plan_hash != step.plan_hash:
        raise StalePlanError(f"{step.capability}: the approval is for plan {str(approval.plan_hash)[:12]}…, "
                             f"not for {step.plan_hash[:12]}…; approve the current plan")
    if step.confirm_reasons and not (confirmation and confirmation.approved and confirmation.required
                                     and confirmation.plan_hash == step.plan_hash):
        raise StalePlanError(f"{step.capability}: needs a second confirmation ({'; '.join(step.confirm_reasons)})")
    check_plan_unchanged(step.plan_file, approval.plan_hash)
    runner = TerraformRunner(step.workdir, env)
    with stack_lock(stacks.lock_file(step.stack, step.capability), holder=f"run {run_id}", timeout_s=lock_timeout_s):
        # Re-check under the lock: the file may have changed while this apply waited for it.
        check_plan_unchanged(step.plan_file, approval.plan_hash)
        runner.apply(step.plan_file)
        state = runner.show_state()
        if step.action == "destroy":
            forget_applied(step.stack, step.capability)  # nothing left to expire or to destroy again
        else:
            record_applied(Path(step.workdir), step.stack, step.capability)  # the stack's last applied desired state
    result = ApplyResult(capability=step.capability, stack=step.stack, plan_hash=step.plan_hash,
                         outputs=runner.outputs(), resources=state_resources(state))
    (Path(step.workdir) / "apply.json").write_text(result.model_dump_json(indent=2))
    log.info("%s applied on %s: %d resource(s) in state", step.capability, step.stack, len(result.resources))
    return result
