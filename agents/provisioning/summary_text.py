"""What the conversation shows: the proposed capabilities, the names, the plan with its costs."""

from __future__ import annotations

from agents.provisioning.draft import Draft
from include.provisioning.azure_facts import REGIONS
from include.provisioning.plan import ValidatedPlan, confirm_threshold_usd
from include.provisioning.registry import CapabilityRegistry


def capabilities_text(draft: Draft, registry: CapabilityRegistry) -> str:
    lines = ["I would set up:"]
    for name in registry.order(draft.capabilities):
        cap = registry.get(name)
        deps = [d for d in cap.depends_on if d in draft.capabilities]
        after = f" (after {', '.join(deps)})" if deps else ""
        lines.append(f"  - {cap.title}: {cap.description}{after}")
    others = [registry.get(n).title for n in registry.names() if n not in draft.capabilities]
    if others:
        lines.append(f"Not included: {', '.join(others)}.")
    lines.append("Is that right? (yes, or e.g. 'drop the OpenAI part', 'add firewall ports')")
    return "\n".join(lines)


def names_text(draft: Draft, registry: CapabilityRegistry) -> str:
    lines = ["Names (by convention <prefix>-<team>-<env>-<region>):"]
    for label, value, overridden in draft.suggested_names(registry):
        lines.append(f"  - {label}: {value}{'  (yours)' if overridden else ''}")
    lines.append("Accept them (yes) or override one, e.g. 'call the resource group rg-ml-team-prod'.")
    return "\n".join(lines)


def plan_text(validated: ValidatedPlan, registry: CapabilityRegistry) -> str:
    plan = validated.plan
    ctx = plan.context
    threshold = confirm_threshold_usd(plan)
    lines = [
        f"Plan for stack {plan.stack} — team {ctx.team}, {ctx.environment}, {REGIONS[ctx.region][0]}, "
        f"resource group {ctx.resource_group}, target {plan.target}"
        + (" (sandbox: modelled offline, nothing created in Azure)" if plan.target == "sandbox" else ""),
    ]
    for name in validated.order:
        vc = validated.capabilities[name]
        lines.append(f"  {vc.title} — risk {vc.risk}, about ${vc.monthly_usd:,.2f}/month")
        lines += [f"    {line}" for line in vc.description]
        for cost in vc.cost.lines:
            if cost.monthly_usd:
                lines.append(f"    $ {cost.item}: {cost.quantity:g} {cost.unit} × ${cost.unit_usd:g} = "
                             f"${cost.monthly_usd:,.2f}")
        second = list(vc.sensitive)
        if vc.monthly_usd > threshold:
            second.append(f"over ${threshold:,.0f}/month")
        if second:
            lines.append(f"    needs a second confirmation in Airflow: {'; '.join(second)}")
    lines.append(f"Estimated total: ${validated.monthly_usd:,.2f}/month (an estimate from list prices, not a quote)"
                 + (f", within the budget of ${plan.budget_usd:,.2f}/month." if plan.budget_usd else "."))
    approvers = ", ".join(plan.approval.approvers) or "any user allowed to approve in Airflow"
    lines.append(f"After you confirm, Airflow plans each part and waits for approval by {approvers}.")
    lines.append("Provision this? (yes / no / an edit such as 'reduce the cluster to 1-4 workers', 'add port 8443')")
    return "\n".join(lines)
