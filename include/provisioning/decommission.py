"""Destroy what LakePilot provisioned on a stack, with the same guarantees as an apply.

`destroy_plan(stack)` rebuilds the stack's plan from what each capability last applied (`applied-spec.json`,
include/provisioning/expiry.py) with `action: destroy`. `decommission_infrastructure` (the provisioning DAG
built the other way round: dependents first) then plans `terraform plan -destroy` per capability, shows the
summary (every resource destroyed, what it cost), asks a person to approve and to confirm (a destroy is
always confirmed twice), applies exactly the approved plan under the stack's lock, and records the run; after
a destroy the capability's applied spec is gone, so nothing expires or is destroyed twice.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from include.provisioning.expiry import APPLIED_SPEC, AppliedSpec
from include.provisioning.plan import CapabilitySpec, ProvisioningPlan
from include.terraform import stacks


def applied_capabilities(stack: str) -> dict[str, AppliedSpec]:
    """Each capability of `stack` with what it last applied (an empty dict: LakePilot applied nothing there)."""
    root = stacks.state_file(stack, "x").parent.parent
    found: dict[str, AppliedSpec] = {}
    for path in sorted(root.glob(f"*/{APPLIED_SPEC}")) if root.is_dir() else []:
        found[path.parent.name] = AppliedSpec.model_validate_json(Path(path).read_text())
    return found


def _destroyable(spec: CapabilitySpec) -> CapabilitySpec:
    """Parameters that still validate today: a rule's past expiry date only ever described it."""
    if spec.name != "firewall_ports":
        return spec
    rules = [{k: v for k, v in r.items() if k != "expires_on"} for r in spec.params.get("rules") or []]
    params: dict[str, Any] = {**spec.params, "rules": rules, "closes_expired_rules": not rules}
    return spec.model_copy(update={"params": params})


def destroy_plan(stack: str, requester: str, *, capabilities: list[str] | None = None, reason: str = "") -> ProvisioningPlan:
    """The plan that destroys `stack` (or only `capabilities` of it); raises `LookupError` / `ValueError` naming why not."""
    applied = applied_capabilities(stack)
    if not applied:
        raise LookupError(f"LakePilot applied nothing on stack {stack!r} (no {APPLIED_SPEC} under "
                          f"{stacks.terraform_home() / 'stacks' / stack})")
    wanted = capabilities or sorted(applied)
    unknown = sorted(set(wanted) - set(applied))
    if unknown:
        raise LookupError(f"stack {stack!r} has no applied {', '.join(unknown)} (it has {', '.join(sorted(applied))})")
    specs = [applied[name] for name in wanted]
    contexts = {s.plan.context.model_dump_json() for s in specs}
    if len(contexts) > 1:
        raise ValueError(f"the capabilities of stack {stack!r} were applied with different contexts; "
                         "destroy them one at a time (capabilities=[...])")
    caps = [_destroyable(c) for s in specs for c in s.plan.capabilities if c.name in wanted]
    base = specs[0].plan
    why = f": {reason.strip()}" if reason.strip() else ""
    return base.model_copy(update={
        "capabilities": caps, "action": "destroy", "requester": requester, "session_id": None,
        "parsed_by": "plan_file", "budget_usd": None,
        "request": f"Destroy {', '.join(wanted)} of stack {stack}{why}"[:4000],
    })
