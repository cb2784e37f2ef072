"""The provisioning plan: what the conversation produces, what the DAG receives as conf, and the
one function that validates it (`validate_plan`), used on both sides — the DAG never trusts conf.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from include.provisioning.capability import PlanContext
from include.provisioning.cost import CostEstimate
from include.provisioning.registry import CapabilityRegistry, get_registry

Target = Literal["sandbox", "azure"]
# "apply" creates or changes (provision_infrastructure); "destroy" removes what the stack's capabilities hold
# (decommission_infrastructure, include/provisioning/decommission.py).
PlanAction = Literal["apply", "destroy"]
DAG_FOR: dict[str, str] = {"apply": "provision_infrastructure", "destroy": "decommission_infrastructure"}
_STACK = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")
_USER = re.compile(r"^[A-Za-z0-9_.@+-]{1,128}$")

ENV_APPROVERS = "LAKEPILOT_PROVISION_APPROVERS"
ENV_CONFIRM_USD = "LAKEPILOT_PROVISION_CONFIRM_USD"
DEFAULT_CONFIRM_USD = 500.0
DEFAULT_APPROVAL_TIMEOUT_S = 24 * 3600


class PlanValidationError(ValueError):
    """A plan that must not run; `problems` name each wrong value by its path."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("invalid provisioning plan:\n  - " + "\n  - ".join(problems))
        self.problems = problems


class CapabilitySpec(BaseModel):
    """One capability of a plan with its parameters."""

    model_config = ConfigDict(extra="forbid")

    name: str
    params: dict[str, Any] = Field(default_factory=dict)


class ApprovalPolicy(BaseModel):
    """How the plan is approved: timeout (then: rejected), who may approve, when to confirm twice."""

    model_config = ConfigDict(extra="forbid")

    timeout_s: int = Field(default=DEFAULT_APPROVAL_TIMEOUT_S, ge=5, le=7 * 24 * 3600)
    approvers: list[str] = Field(default_factory=list, max_length=50)
    confirm_cost_usd: float | None = Field(default=None, ge=0)

    @field_validator("approvers")
    @classmethod
    def _users(cls, value: list[str]) -> list[str]:
        for user in value:
            if not _USER.match(user):
                raise ValueError(f"approver {user!r} is not a valid user id")
        return value


class ProvisioningPlan(BaseModel):
    """A complete request: stack, target, shared context, capabilities with parameters."""

    model_config = ConfigDict(extra="forbid")

    version: Literal[1] = 1
    stack: str
    target: Target = "sandbox"
    requester: str = "unknown"
    context: PlanContext
    capabilities: list[CapabilitySpec] = Field(min_length=1, max_length=20)
    approval: ApprovalPolicy = Field(default_factory=ApprovalPolicy)
    request: str = Field(default="", max_length=4000)
    budget_usd: float | None = Field(default=None, gt=0, le=10_000_000,
                                     description="monthly budget (USD) the estimate must stay within; None: no limit")
    session_id: str | None = None
    parsed_by: Literal["deterministic", "llm", "plan_file"] = "plan_file"
    action: PlanAction = "apply"

    @field_validator("stack")
    @classmethod
    def _stack(cls, value: str) -> str:
        if not _STACK.match(value):
            raise ValueError(f"stack {value!r} must be 2-63 lower-case letters, digits or '-'")
        return value

    @field_validator("requester")
    @classmethod
    def _requester(cls, value: str) -> str:
        if not _USER.match(value):
            raise ValueError(f"requester {value!r} is not a valid user id")
        return value


class ValidatedCapability(BaseModel):
    """A capability after validation: normalised parameters, cost, risk, what needs confirming."""

    name: str
    title: str
    params: dict[str, Any]
    cost: CostEstimate
    monthly_usd: float
    risk: str
    sensitive: list[str]
    depends_on: list[str]
    description: list[str]


class ValidatedPlan(BaseModel):
    """A plan that passed validation, with its capabilities in dependency order."""

    plan: ProvisioningPlan
    order: list[str]
    capabilities: dict[str, ValidatedCapability]
    monthly_usd: float
    validated_at: datetime = Field(default_factory=lambda: datetime.now(UTC))

    def digest(self) -> str:
        """sha256 of the normalised plan (what was requested, independent of when)."""
        return hashlib.sha256(self.plan.model_dump_json().encode()).hexdigest()


def _errors(prefix: str, exc: ValidationError | ValueError) -> list[str]:
    if isinstance(exc, ValidationError):
        out = []
        for err in exc.errors():
            loc = ".".join(str(p) for p in err["loc"])
            msg = err["msg"].removeprefix("Value error, ")
            out.append(f"{prefix}{'.' + loc if loc else ''}: {msg}")
        return out
    return [f"{prefix}: {exc}"]


def validate_plan(data: dict[str, Any] | ProvisioningPlan, registry: CapabilityRegistry | None = None) -> ValidatedPlan:
    """Check a plan completely; raise `PlanValidationError` listing every problem found.

    Capability names must be registered (the allow-list), parameters must satisfy each
    capability's model and its cross-checks, at most one capability may create the resource
    group, and approvers must be within `LAKEPILOT_PROVISION_APPROVERS` when that is set.
    """
    registry = registry or get_registry()
    try:
        plan = data if isinstance(data, ProvisioningPlan) else ProvisioningPlan.model_validate(data)
    except ValidationError as exc:
        raise PlanValidationError(_errors("plan", exc)) from None
    problems: list[str] = []
    names = [c.name for c in plan.capabilities]
    if len(names) != len(set(names)):
        problems.append(f"capabilities: each capability may appear once, got {names}")
    caps: dict[str, ValidatedCapability] = {}
    creators = []
    for i, spec in enumerate(plan.capabilities):
        prefix = f"capabilities[{i}] {spec.name}"
        if spec.name not in registry:
            problems.append(f"{prefix}: not a capability LakePilot can provision "
                            f"(allowed: {', '.join(registry.names())})")
            continue
        cap = registry.get(spec.name)
        try:
            params = cap.validate_params(spec.params, plan.context)
            cost = cap.estimate(params, plan.context)
        except (ValidationError, ValueError) as exc:
            problems.extend(_errors(prefix, exc))
            continue
        if getattr(params, "create_resource_group", False):
            creators.append(spec.name)
        caps[spec.name] = ValidatedCapability(
            name=spec.name, title=cap.title, params=params.model_dump(mode="json"), cost=cost,
            monthly_usd=cost.monthly_usd, risk=cap.risk, sensitive=cap.sensitive(params),
            depends_on=[d for d in cap.depends_on if d in names], description=cap.describe(params),
        )
    if len(creators) > 1:
        problems.append(f"resource group {plan.context.resource_group!r} would be created by more than one "
                        f"capability ({', '.join(creators)}); set create_resource_group on one only")
    allowed = approvers_allowed()
    if allowed and not set(plan.approval.approvers) <= allowed:
        outside = sorted(set(plan.approval.approvers) - allowed)
        problems.append(f"approval.approvers: {outside} are not in {ENV_APPROVERS}")
    total = round(sum(c.monthly_usd for c in caps.values()), 2)
    if plan.action == "apply" and plan.budget_usd is not None and not problems and total > plan.budget_usd:
        problems.append(f"budget: the estimate ${total:,.2f}/month is above the budget ${plan.budget_usd:,.2f}/month; "
                        "make the plan smaller (e.g. fewer workers, a smaller node size) or raise the budget")
    if problems:
        raise PlanValidationError(problems)
    order = registry.order(caps)
    return ValidatedPlan(plan=plan, order=order, capabilities={n: caps[n] for n in order}, monthly_usd=total)


def approvers_allowed() -> set[str]:
    """Users allowed to approve, from `LAKEPILOT_PROVISION_APPROVERS` (empty: not restricted here)."""
    return {u.strip() for u in os.environ.get(ENV_APPROVERS, "").split(",") if u.strip()}


def effective_approvers(plan: ProvisioningPlan) -> list[str]:
    """Who may answer the approval tasks: the plan's approvers, else the configured ones, else anyone."""
    return list(plan.approval.approvers) or sorted(approvers_allowed())


def confirm_threshold_usd(plan: ProvisioningPlan) -> float:
    """Monthly cost above which a second confirmation is needed; a plan may lower it, never raise it."""
    configured = float(os.environ.get(ENV_CONFIRM_USD) or DEFAULT_CONFIRM_USD)
    asked = plan.approval.confirm_cost_usd
    return min(configured, asked) if asked is not None else configured


def plan_json(plan: ProvisioningPlan) -> dict[str, Any]:
    """The plan as DAG conf (plain JSON types)."""
    conf: dict[str, Any] = json.loads(plan.model_dump_json())
    return conf
