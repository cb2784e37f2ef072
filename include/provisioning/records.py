"""One row per DAG run in `lakepilot.ops.provisioning_runs`: who asked, who approved, which plan
(by hash), what was applied, what it costs, how it ended. Written with MERGE on the run id, so a
retried task updates the row instead of adding one."""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from include.clock import utcnow
from include.ops.models import ProvisioningRun
from include.provisioning.pipeline import ApplyResult, ApprovalDecision, PlanStep
from include.provisioning.plan import ValidatedPlan

log = logging.getLogger(__name__)

FAILED_STATES = {"failed", "upstream_failed"}


def capability_outcome(step: PlanStep | None, approval: ApprovalDecision | None,
                       confirmation: ApprovalDecision | None, applied: ApplyResult | None,
                       task_states: dict[str, str]) -> str:
    """applied | no_changes | rejected | timed_out | failed | skipped | pending, for one capability."""
    if applied is not None:
        return "applied"
    for decision in (approval, confirmation):
        if decision is not None and decision.required and not decision.approved:
            return "timed_out" if decision.timed_out else "rejected"
    if step is not None and not step.has_changes:
        return "no_changes"
    states = set(task_states.values())
    if states & FAILED_STATES:
        return "failed"
    if step is None and task_states.get("plan") == "skipped":
        return "skipped"
    return "pending"


def overall_outcome(outcomes: dict[str, str]) -> str:
    """The run's outcome from its capabilities' outcomes."""
    values = set(outcomes.values())
    if not values:
        return "planned"
    if values <= {"applied", "no_changes"}:
        return "applied" if "applied" in values else "no_changes"
    if "applied" in values:
        return "partially_applied"
    for outcome in ("failed", "pending", "timed_out", "rejected"):
        if outcome in values:
            return outcome
    return "skipped"


def build_run_record(
    run_id: str,
    validated: ValidatedPlan,
    steps: dict[str, PlanStep],
    approvals: dict[str, ApprovalDecision],
    confirmations: dict[str, ApprovalDecision],
    applies: dict[str, ApplyResult],
    task_states: dict[str, dict[str, str]],
    triggered_by: str | None = None,
) -> ProvisioningRun:
    """Assemble the ops row for a run from what each step returned."""
    plan = validated.plan
    outcomes = {
        name: capability_outcome(steps.get(name), approvals.get(name), confirmations.get(name),
                                 applies.get(name), task_states.get(name, {}))
        for name in validated.order
    }
    hashes = {n: s.plan_hash for n, s in steps.items()}
    combined = hashlib.sha256("".join(f"{n}={h}\n" for n, h in sorted(hashes.items())).encode()).hexdigest()
    decisions = [d for d in (*approvals.values(), *confirmations.values()) if d.required]
    approvers = sorted({d.approver for d in decisions if d.approved and d.approver})
    return ProvisioningRun(
        run_id=run_id,
        stack=plan.stack,
        requester=plan.requester,
        approver=", ".join(approvers) or None,
        capabilities=list(validated.order),
        plan_hash=combined if hashes else None,
        plan_hashes=hashes,
        plan_summary={n: s.summary.model_dump(mode="json", exclude={"resources"}) for n, s in steps.items()},
        resources=[r for a in applies.values() for r in a.resources],
        outputs={n: a.outputs for n, a in applies.items()},
        cost_estimate_usd=validated.monthly_usd,
        outcome=overall_outcome(outcomes),
        capability_outcomes=outcomes,
        approvals=[d.model_dump(mode="json") for d in decisions],
        target=plan.target,
        triggered_by=triggered_by,
        request=plan.request,
        agent_path=plan.parsed_by,
        action=plan.action,
        updated_at=utcnow(),
    )


def invalid_run_record(run_id: str, conf: dict[str, Any], error: str, triggered_by: str | None) -> ProvisioningRun:
    """The ops row for a run whose conf failed validation (nothing planned, nothing applied)."""
    def text(key: str, default: str) -> str:
        value = conf.get(key) if isinstance(conf, dict) else None
        return value[:128] if isinstance(value, str) and value else default

    return ProvisioningRun(run_id=run_id, stack=text("stack", "unknown"), requester=text("requester", "unknown"),
                           outcome="invalid", error=error[:4000], triggered_by=triggered_by, updated_at=utcnow())
