"""A stack is destroyed with the guarantees of an apply: plan -destroy, approval bound to the plan, exact apply.

Real Terraform (sandbox target); the steps the decommission DAG runs, without Airflow (tests/e2e drives it).
"""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from include.ops.store import LocalOpsStore
from include.provisioning.decommission import destroy_plan
from include.provisioning.expiry import applied_spec_file, find_expired
from include.provisioning.facts import RequestFacts
from include.provisioning.pipeline import apply_capability, decide, plan_capability
from include.provisioning.plan import PlanValidationError, plan_json, validate_plan
from include.provisioning.service import blocked_by, start_run
from include.terraform import stacks
from tests.include.provisioning.conftest import make_plan

WS_AND_FW = RequestFacts(capabilities=["databricks_workspace", "firewall_ports"], team="bi", environment="dev",
                         region="westeurope", min_workers=1, max_workers=2, ports=["443"], sources=["10.20.0.0/16"])


def _managed(stack: str, capability: str) -> list[dict]:
    path = stacks.state_file(stack, capability)
    return [r for r in json.loads(path.read_text())["resources"] if r["mode"] == "managed"] if path.is_file() else []


def _run(plan, run_id: str) -> dict:
    """Plan, approve, confirm and apply every capability in order, as the DAG does; the steps by capability."""
    v = validate_plan(plan)
    order = list(reversed(v.order)) if v.plan.action == "destroy" else v.order
    done: dict[str, dict] = {}
    for name in order:
        assert blocked_by(v, name, lambda tid: done.get(tid)) is None, name
        step = plan_capability(v, name, run_id)
        approval = decide(step, "approve", ["Approve"], "carol", False, run_id)
        confirmation = decide(step, "confirm", ["Approve"], "carol", False, run_id) if step.confirm_reasons else None
        apply_capability(step, approval, confirmation, run_id)
        done[f"{name}.plan"], done[f"{name}.apply"] = step.model_dump(mode="json"), {"ok": True}
        done[name] = step
    return done


def test_a_stack_is_destroyed_dependents_first_and_leaves_nothing(lakehouse) -> None:
    plan = make_plan(WS_AND_FW, stack="dc-both")
    (fw,) = [c for c in plan.capabilities if c.name == "firewall_ports"]
    rules = [{**r, "expires_on": (date.today() + timedelta(days=1)).isoformat()} for r in fw.params["rules"]]
    plan = plan.model_copy(update={"capabilities": [
        c if c.name != "firewall_ports" else c.model_copy(update={"params": {**c.params, "rules": rules}})
        for c in plan.capabilities]})
    _run(plan, "run-up")
    assert _managed("dc-both", "databricks_workspace") and _managed("dc-both", "firewall_ports")

    doomed = destroy_plan("dc-both", "carol", reason="project ended")
    assert doomed.action == "destroy" and doomed.request == "Destroy databricks_workspace, firewall_ports of stack dc-both: project ended"
    v = validate_plan(doomed)
    # The workspace must wait for the firewall that depends on it; the firewall can go at once.
    assert "needed by firewall_ports" in blocked_by(v, "databricks_workspace", lambda tid: None)
    assert blocked_by(v, "firewall_ports", lambda tid: None) is None
    steps = _run(doomed, "run-down")
    for name in ("firewall_ports", "databricks_workspace"):
        step = steps[name]
        assert step.action == "destroy" and step.summary.adds == 0 and step.summary.destroys > 0
        assert any(r.startswith("destroys every resource") for r in step.confirm_reasons)  # always confirmed twice
        assert _managed("dc-both", name) == [] and not applied_spec_file("dc-both", name).exists()
    assert find_expired(date.today() + timedelta(days=5)) == []  # nothing left to expire
    with pytest.raises(LookupError, match="applied nothing on stack 'dc-both'"):
        destroy_plan("dc-both", "carol")


def test_each_dag_refuses_the_other_action_and_unknown_capabilities_are_named(lakehouse) -> None:
    _run(make_plan(RequestFacts(capabilities=["firewall_ports"], team="sec", environment="dev", region="westeurope",
                                ports=["443"], sources=["10.20.0.0/16"]), stack="dc-fw"), "run-fw")
    store = LocalOpsStore(lakehouse)
    with pytest.raises(PlanValidationError, match="a plan to destroy goes to decommission_infrastructure"):
        start_run(plan_json(destroy_plan("dc-fw", "carol")), "r1", "admin", store, action="apply")
    with pytest.raises(PlanValidationError, match="a plan to apply goes to provision_infrastructure"):
        start_run(plan_json(make_plan(stack="dc-other")), "r2", "admin", store, action="destroy")
    with pytest.raises(LookupError, match="has no applied azure_openai"):
        destroy_plan("dc-fw", "carol", capabilities=["azure_openai"])
    validated = start_run(plan_json(destroy_plan("dc-fw", "carol")), "r3", "admin", store, action="destroy")
    assert validated.plan.action == "destroy"
