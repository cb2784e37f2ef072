"""What each task of `provision_infrastructure` calls: one function per task, dicts in and out.

The DAG passes XCom values (plain dicts) and a way to pull them; these functions turn them back
into typed models, call the pipeline, and keep `lakepilot.ops.provisioning_runs` up to date.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

from pydantic import BaseModel

from include.ops.models import ProvisioningRun
from include.ops.store import OpsStore, get_ops_store
from include.provisioning.pipeline import (
    ApplyResult,
    ApprovalDecision,
    PlanStep,
    apply_capability,
    plan_capability,
)
from include.provisioning.plan import DAG_FOR, PlanValidationError, ValidatedPlan, validate_plan
from include.provisioning.records import build_run_record, invalid_run_record
from include.untrusted.limits import check_conf

log = logging.getLogger(__name__)

Pull = Callable[[str], Any]


def _store(store: OpsStore | None) -> OpsStore:
    return store or get_ops_store()


def start_run(conf: Mapping[str, Any], run_id: str, triggered_by: str | None,
              store: OpsStore | None = None, action: str = "apply") -> ValidatedPlan:
    """Validate the conf; record the run as `planning` (or `invalid`, then re-raise).

    `action` is what the DAG does: a destroy plan is refused by provision_infrastructure and an apply
    plan by decommission_infrastructure, so neither can be smuggled through the other's approvals.
    """
    try:
        try:
            check_conf(conf)
        except ValueError as exc:
            raise PlanValidationError([str(exc)]) from None
        validated = validate_plan(dict(conf))
        if validated.plan.action != action:
            raise PlanValidationError([f"action: this is {DAG_FOR[action]}; a plan to {validated.plan.action} "
                                       f"goes to {DAG_FOR[validated.plan.action]}"])
    except PlanValidationError as exc:
        _store(store).upsert([invalid_run_record(run_id, dict(conf), str(exc), triggered_by)])
        raise
    plan = validated.plan
    _store(store).upsert([ProvisioningRun(
        run_id=run_id, stack=plan.stack, requester=plan.requester, capabilities=validated.order,
        cost_estimate_usd=validated.monthly_usd, outcome="planning", target=plan.target,
        triggered_by=triggered_by, request=plan.request, agent_path=plan.parsed_by, action=plan.action,
    )])
    log.info("plan for stack %s valid: %s, about $%.2f/month", plan.stack, ", ".join(validated.order),
             validated.monthly_usd)
    return validated


def blocked_by(validated: ValidatedPlan, capability: str, pull: Pull) -> str | None:
    """Why `capability` must not be planned in this run (a dependency not applied), or None.

    A destroy runs the other way round: a capability goes only after everything that depends on it is gone.
    """
    if validated.plan.action == "destroy":
        for other, vc in validated.capabilities.items():
            if capability in vc.depends_on and pull(f"{other}.apply") is None:
                step = pull(f"{other}.plan")
                if not (step is not None and not step.get("has_changes", True)):
                    return f"{capability} is needed by {other}, which was not destroyed in this run"
        return None
    for dep in validated.capabilities[capability].depends_on:
        applied = pull(f"{dep}.apply")
        step = pull(f"{dep}.plan")
        if applied is None and not (step is not None and not step.get("has_changes", True)):
            return f"{capability} depends on {dep}, which was not applied in this run"
    return None


def plan_step(validated: ValidatedPlan, capability: str, run_id: str,
              env: Mapping[str, str] | None = None) -> PlanStep:
    return plan_capability(validated, capability, run_id, env)


def apply_step(step: PlanStep, approval: dict[str, Any] | None, confirmation: dict[str, Any] | None,
               run_id: str, env: Mapping[str, str] | None = None) -> ApplyResult:
    return apply_capability(
        step,
        ApprovalDecision.model_validate(approval) if approval else None,
        ApprovalDecision.model_validate(confirmation) if confirmation else None,
        run_id,
        env,
    )


def _states_by_capability(states: Mapping[str, Any], capabilities: list[str]) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {c: {} for c in capabilities}
    for task_id, state in states.items():
        group, _, step = str(task_id).partition(".")
        if group in out and step:
            out[group][step] = str(state.get("state") if isinstance(state, dict) else state)
    return out


def finish_run(run_id: str, conf: Mapping[str, Any], capabilities: list[str], pull: Pull,
               states: Mapping[str, Any], triggered_by: str | None, store: OpsStore | None = None) -> dict[str, Any]:
    """Record the run's final row from every step's XCom; return it as a dict."""
    raw = pull("validate_plan")
    if raw is None:
        try:
            validate_plan(dict(conf))
            error = "validation did not complete"
        except PlanValidationError as exc:
            error = str(exc)
        row = invalid_run_record(run_id, dict(conf), error, triggered_by)
    else:
        validated = ValidatedPlan.model_validate(raw)

        def collect(suffix: str, model: type[BaseModel]) -> dict[str, Any]:
            found = {}
            for name in validated.order:
                value = pull(f"{name}.{suffix}")
                if value:
                    found[name] = model.model_validate(value)
            return found

        row = build_run_record(
            run_id, validated, collect("plan", PlanStep), collect("approve", ApprovalDecision),
            collect("confirm", ApprovalDecision), collect("apply", ApplyResult),
            _states_by_capability(states, capabilities), triggered_by,
        )
    _store(store).upsert([row])
    log.info("run %s: %s %s", run_id, row.outcome, row.capability_outcomes)
    return row.model_dump(mode="json")
