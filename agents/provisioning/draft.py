"""The plan being put together in a conversation: what is known so far, and how it becomes a
`ProvisioningPlan`. Facts from either parser are applied here; nothing they say bypasses the
registry (capability names) or the capabilities' own validation (every value)."""

from __future__ import annotations

import getpass
import os
from typing import Any

from pydantic import BaseModel, Field, ValidationError

from include.provisioning.azure_facts import ENVIRONMENTS, REGIONS
from include.provisioning.capability import PlanContext, Question
from include.provisioning.facts import RequestFacts
from include.provisioning.naming import RESOURCE_GROUP, NameRule, slug, suggest
from include.provisioning.plan import ApprovalPolicy, ProvisioningPlan, Target
from include.provisioning.registry import CapabilityRegistry, get_registry
from include.untrusted.limits import bounded


def default_requester() -> str:
    """Who is asking: `LAKEPILOT_REQUESTER`, else the OS user."""
    try:
        user = os.environ.get("LAKEPILOT_REQUESTER") or getpass.getuser()
    except Exception:  # no passwd entry in some containers
        user = "unknown"
    return "".join(c for c in user if c.isalnum() or c in "_.@+-")[:128] or "unknown"


class Draft(BaseModel):
    """Everything gathered so far; `to_plan()` turns it into a plan (or says what is wrong)."""

    request: str = ""
    capabilities: list[str] = Field(default_factory=list)
    team: str | None = None
    environment: str | None = None
    region: str | None = None
    params: dict[str, dict[str, Any]] = Field(default_factory=dict)
    names: dict[str, str] = Field(default_factory=dict)
    target: Target = "sandbox"
    stack: str | None = None
    requester: str = Field(default_factory=default_requester)
    approval: ApprovalPolicy = Field(default_factory=ApprovalPolicy)
    budget_usd: float | None = None  # None: not asked yet; 0: no limit

    # -- applying what the user said -----------------------------------------------------------
    def apply(self, facts: RequestFacts, registry: CapabilityRegistry | None = None) -> list[str]:
        """Apply facts; return notes on what changed or was refused (shown to the user)."""
        registry = registry or get_registry()
        notes: list[str] = []
        for name in facts.capabilities:
            if name not in registry:
                notes.append(f"'{name}' is not something I can provision (I can: {', '.join(registry.names())})")
            elif name not in self.capabilities:
                self.capabilities.append(name)
                notes.append(f"added {registry.get(name).title}")
        for name in facts.drop_capabilities:
            if name in self.capabilities:
                self.capabilities.remove(name)
                notes.append(f"dropped {registry.get(name).title}")
        if facts.team:
            team = slug(facts.team)
            if team and team != self.team:
                self.team = team
                notes.append(f"team: {team}")
        if facts.environment:
            env = facts.environment.lower()
            if env in ENVIRONMENTS:
                if env != self.environment:
                    self.environment = env
                    notes.append(f"environment: {env}")
            else:
                notes.append(f"environment {facts.environment!r} is not one of {', '.join(ENVIRONMENTS)}")
        if facts.region:
            from include.provisioning.azure_facts import region_code

            code = region_code(facts.region)
            if code is None:
                notes.append(f"region {facts.region!r} is not supported")
            elif code != self.region:
                self.region = code
                notes.append(f"region: {REGIONS[code][0]} ({code})")
        if facts.budget_usd is not None and facts.budget_usd != self.budget_usd:
            self.budget_usd = facts.budget_usd
            notes.append(f"budget: ${facts.budget_usd:,.0f}/month" if facts.budget_usd else "budget: no limit")
        refused_before = {n: registry.get(n).refusals(self.params.get(n, {})) for n in self.capabilities}
        for name in self.capabilities:
            before = self.params.get(name, {})
            after = registry.get(name).draft(before, facts)
            if after != before:
                self.params[name] = after
                if before:
                    notes.append(f"updated {registry.get(name).title}")
        for key, value in facts.names.items():
            notes.append(self._rename(key, value, registry))
        for name in self.capabilities:  # refused as soon as the offending fact is known, not at the final question
            cap = registry.get(name)
            notes += [f"refused: {r}" for r in cap.refusals(self.params.get(name, {})) if r not in refused_before[name]]
        return notes

    def _rename(self, key: str, value: str, registry: CapabilityRegistry) -> str:
        rule, label = self.name_rule(key, registry)
        if rule is None:
            return f"I don't know which resource '{key}' names"
        try:
            rule.check(value)
        except ValueError as exc:
            return str(exc)
        self.names[label] = value
        return f"{rule.label} will be called {value}"

    @staticmethod
    def name_rule(key: str, registry: CapabilityRegistry) -> tuple[NameRule | None, str]:
        """(rule, canonical key) for a name key or alias, or (None, key)."""
        lowered = key.lower().strip()
        if lowered in ("resource_group", *RESOURCE_GROUP.aliases):
            return RESOURCE_GROUP, "resource_group"
        for cap_name in registry.names():
            for field, rule in registry.get(cap_name).name_fields.items():
                if lowered in (f"{cap_name}.{field}", field, *rule.aliases):
                    return rule, f"{cap_name}.{field}"
        return None, key

    # -- what is still missing -----------------------------------------------------------------
    def missing(self, registry: CapabilityRegistry | None = None) -> list[Question]:
        registry = registry or get_registry()
        asks = []
        if not self.team:
            asks.append(Question(key="team", text="Which team is this for (e.g. ml-team, data-platform)?"))
        if not self.environment:
            asks.append(Question(key="environment", text=f"Which environment? ({', '.join(ENVIRONMENTS)})"))
        if not self.region:
            asks.append(Question(key="region", text="Which Azure region (e.g. East US, West Europe)?",
                                 default="eastus"))
        for name in registry.order(self.capabilities):
            asks += registry.get(name).questions(self.params.get(name, {}))
        if self.budget_usd is None and self.capabilities:
            asks.append(Question(key="budget", default="none", text=(
                "Is there a monthly budget this must stay within (USD)? An amount such as '2000', or 'none'. "
                "The plan's estimate is checked against it before anything is triggered.")))
        return asks

    # -- names and the plan --------------------------------------------------------------------
    def context(self) -> PlanContext:
        assert self.team and self.environment and self.region, "context is incomplete"
        rg = self.names.get("resource_group") or suggest(RESOURCE_GROUP, self.team, self.environment, self.region)
        return PlanContext(team=self.team, environment=self.environment, region=self.region,
                           resource_group=rg)

    def suggested_names(self, registry: CapabilityRegistry | None = None) -> list[tuple[str, str, bool]]:
        """(label, name, overridden) for every name the plan will use."""
        registry = registry or get_registry()
        ctx = self.context()
        out = [(RESOURCE_GROUP.label, ctx.resource_group, "resource_group" in self.names)]
        for cap_name in registry.order(self.capabilities):
            for field, rule in registry.get(cap_name).name_fields.items():
                key = f"{cap_name}.{field}"
                out.append((rule.label, self.names.get(key) or suggest(rule, ctx.team, ctx.environment, ctx.region),
                            key in self.names))
        return out

    def stack_name(self) -> str:
        if self.stack:
            return self.stack
        ctx = self.context()
        return slug(f"{ctx.team}-{ctx.environment}-{REGIONS[ctx.region][1]}")[:63]

    def to_plan(self, registry: CapabilityRegistry | None = None) -> ProvisioningPlan:
        """Build the plan; raise ValueError/ValidationError naming what is wrong."""
        registry = registry or get_registry()
        ctx = self.context()
        specs = []
        for i, name in enumerate(registry.order(self.capabilities)):
            draft = {**self.params.get(name, {}), "create_resource_group": i == 0}
            params = registry.get(name).build(draft, ctx, self.names)
            specs.append({"name": name, "params": params.model_dump(mode="json")})
        return ProvisioningPlan(stack=self.stack_name(), target=self.target, requester=self.requester, context=ctx,
                                capabilities=specs, approval=self.approval, request=bounded(self.request, 4000),
                                budget_usd=self.budget_usd or None)


def plan_problems(exc: Exception) -> list[str]:
    """Readable lines from a validation error."""
    if isinstance(exc, ValidationError):
        return [f"{'.'.join(str(p) for p in e['loc']) or 'plan'}: {e['msg'].removeprefix('Value error, ')}"
                for e in exc.errors()]
    problems = getattr(exc, "problems", None)
    return list(problems) if problems else [str(exc)]
