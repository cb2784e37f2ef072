"""`validate_plan` is the gate on both sides: allow-list, every parameter, cross-checks, policy."""

from __future__ import annotations

import pytest

from include.provisioning.plan import (
    PlanValidationError,
    ProvisioningPlan,
    confirm_threshold_usd,
    effective_approvers,
    validate_plan,
)


def _data(full_plan: ProvisioningPlan) -> dict:
    return full_plan.model_dump(mode="json")


def test_a_good_plan_validates_with_costs_risk_and_order(full_plan: ProvisioningPlan) -> None:
    validated = validate_plan(_data(full_plan))
    assert validated.order == ["databricks_workspace", "azure_openai", "firewall_ports"]
    assert validated.capabilities["firewall_ports"].sensitive
    assert validated.capabilities["azure_openai"].depends_on == ["databricks_workspace"]
    assert validated.monthly_usd == pytest.approx(sum(c.monthly_usd for c in validated.capabilities.values()))
    assert len(validated.digest()) == 64


@pytest.mark.parametrize(
    ("mutate", "problem"),
    [
        (lambda d: d["capabilities"].append({"name": "shell_exec", "params": {}}), "not a capability"),
        (lambda d: d["capabilities"].append(dict(d["capabilities"][0])), "each capability may appear once"),
        (lambda d: d.update(stack="Bad Stack!"), "stack"),
        (lambda d: d.update(target="gcp"), "target"),
        (lambda d: d.update(sneaky="x"), "Extra inputs"),
        (lambda d: d["context"].update(region="marsnorth"), "region 'marsnorth' is not supported"),
        (lambda d: d["capabilities"][0]["params"].update(min_workers=9, max_workers=2), "above max_workers"),
        (lambda d: d["capabilities"][2]["params"]["rules"][0].update(ports=["3389"], sources=["*"]), "RDP"),
        (lambda d: d["capabilities"][1]["params"].update(create_resource_group=True), "more than one"),
        (lambda d: d["approval"].update(timeout_s=1), "greater than or equal to 5"),
        (lambda d: d["capabilities"][0]["params"].update(workspace_name="x" * 80), "workspace name"),
    ],
)
def test_bad_plans_are_refused_naming_what_is_wrong(full_plan: ProvisioningPlan, mutate, problem: str) -> None:
    data = _data(full_plan)
    mutate(data)
    with pytest.raises(PlanValidationError) as info:
        validate_plan(data)
    assert problem in str(info.value)


def test_all_problems_are_reported_at_once(full_plan: ProvisioningPlan) -> None:
    data = _data(full_plan)
    data["capabilities"][0]["params"]["node_type"] = "Standard_Nope"
    data["capabilities"][1]["params"]["deployments"] = []
    with pytest.raises(PlanValidationError) as info:
        validate_plan(data)
    assert len(info.value.problems) == 2
    assert info.value.problems[0].startswith("capabilities[0] databricks_workspace")


def test_approvers_and_confirmation_threshold_follow_the_environment(full_plan: ProvisioningPlan, monkeypatch) -> None:
    monkeypatch.setenv("LAKEPILOT_PROVISION_APPROVERS", "alice, bob")
    assert effective_approvers(full_plan) == ["alice", "bob"]
    data = _data(full_plan)
    data["approval"]["approvers"] = ["mallory"]
    with pytest.raises(PlanValidationError, match="mallory"):
        validate_plan(data)
    data["approval"]["approvers"] = ["bob"]
    assert effective_approvers(validate_plan(data).plan) == ["bob"]

    monkeypatch.setenv("LAKEPILOT_PROVISION_CONFIRM_USD", "300")
    assert confirm_threshold_usd(full_plan) == 300
    raised = full_plan.model_copy(update={"approval": full_plan.approval.model_copy(update={"confirm_cost_usd": 10_000})})
    lowered = full_plan.model_copy(update={"approval": full_plan.approval.model_copy(update={"confirm_cost_usd": 50})})
    assert confirm_threshold_usd(raised) == 300  # a plan may not raise the operator's threshold
    assert confirm_threshold_usd(lowered) == 50


def test_a_plan_above_its_budget_is_refused_naming_both_figures(full_plan) -> None:
    total = validate_plan(full_plan).monthly_usd
    assert validate_plan(full_plan.model_copy(update={"budget_usd": total + 1})).monthly_usd == total
    with pytest.raises(PlanValidationError, match=rf"estimate \${total:,.2f}/month is above the budget \$10.00/month"):
        validate_plan(full_plan.model_copy(update={"budget_usd": 10.0}))
