"""The DAG's steps without Airflow: real Terraform (sandbox), approvals bound to plan hashes,
refusals, and the run's row in lakepilot.ops.provisioning_runs (local Delta)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from include.ops.models import ProvisioningRun
from include.ops.store import LocalOpsStore
from include.provisioning.facts import RequestFacts
from include.provisioning.pipeline import apply_capability, approval_request, decide, plan_capability
from include.provisioning.plan import PlanValidationError, ValidatedPlan, validate_plan
from include.provisioning.service import blocked_by, finish_run, start_run
from include.terraform import stacks
from include.terraform.plan_guard import StalePlanError
from tests.include.provisioning.conftest import make_plan

FIREWALL = RequestFacts(capabilities=["firewall_ports"], team="sec", environment="dev", region="westeurope",
                        ports=["443"], sources=["10.20.0.0/16"])
CHEAP_WS = RequestFacts(capabilities=["databricks_workspace"], team="bi", environment="dev", region="westeurope",
                        min_workers=1, max_workers=2)


def _state(stack: str, capability: str) -> list[dict]:
    path = stacks.state_file(stack, capability)
    return json.loads(path.read_text())["resources"] if path.is_file() else []


def test_plan_summary_approval_and_apply_of_exactly_that_plan(lakehouse: Path) -> None:
    v = validate_plan(make_plan(CHEAP_WS))
    step = plan_capability(v, "databricks_workspace", "run-1")
    assert step.has_changes and step.summary.adds == 4 and not step.confirm_reasons  # dev: under $500
    request = approval_request(step, "approve", v)
    assert request.required and "+4 ~0 -0" in request.subject and step.plan_hash in request.body
    assert "| `databricks_cluster` | 1 | 0 | 0 |" in request.body and "budget" not in request.body
    assert not approval_request(step, "confirm", v).required
    approval = decide(step, "approve", ["Approve"], "carol", False, "run-1")
    assert approval.approved and approval.plan_hash == step.plan_hash
    assert json.loads((Path(step.workdir) / "approve.json").read_text())["approver"] == "carol"
    result = apply_capability(step, approval, None, "run-1")
    assert {r["type"] for r in result.resources} == {"azurerm_resource_group", "azurerm_databricks_workspace",
                                                     "databricks_instance_pool", "databricks_cluster"}
    cluster = next(r for r in result.resources if r["type"] == "databricks_cluster")
    assert (cluster["attributes"]["min_workers"], cluster["attributes"]["max_workers"]) == (1, 2)
    assert result.outputs["workspace_name"] == "dbw-bi-dev-weu"

    again = plan_capability(v, "databricks_workspace", "run-2")  # same plan, same stack: nothing to do
    assert not again.has_changes and not approval_request(again, "approve", v).required


def test_a_plan_changed_after_approval_is_refused_and_state_is_unchanged() -> None:
    v = validate_plan(make_plan(FIREWALL, stack="tamper"))
    step = plan_capability(v, "firewall_ports", "run-t")
    approval = decide(step, "approve", ["Approve"], "carol", False, "run-t")
    confirmation = decide(step, "confirm", ["Approve"], "carol", False, "run-t")
    with open(step.plan_file, "ab") as fh:
        fh.write(b"!")
    with pytest.raises(StalePlanError, match="changed after approval"):
        apply_capability(step, approval, confirmation, "run-t")
    assert _state("tamper", "firewall_ports") == []


def test_a_plan_changed_while_awaiting_approval_cannot_be_approved() -> None:
    v = validate_plan(make_plan(FIREWALL, stack="early"))
    step = plan_capability(v, "firewall_ports", "run-e")
    Path(step.plan_file).write_bytes(b"something else")
    with pytest.raises(StalePlanError):
        decide(step, "approve", ["Approve"], "carol", False, "run-e")


def test_rejections_timeouts_and_missing_confirmations_apply_nothing() -> None:
    v = validate_plan(make_plan(FIREWALL, stack="refuse"))
    step = plan_capability(v, "firewall_ports", "run-r")
    assert step.confirm_reasons and approval_request(step, "confirm", v).required  # firewall: always
    rejected = decide(step, "approve", ["Reject"], "carol", False, "run-r")
    timed_out = decide(step, "approve", ["Reject"], None, True, "run-r")
    approved = decide(step, "approve", ["Approve"], "carol", False, "run-r")
    for approval, confirmation, message in [
        (rejected, None, "not approved"),
        (timed_out, None, "not approved"),
        (approved, None, "second confirmation"),
        (approved, rejected.model_copy(update={"stage": "confirm"}), "second confirmation"),
    ]:
        with pytest.raises(StalePlanError, match=message):
            apply_capability(step, approval, confirmation, "run-r")
    assert not timed_out.approved and timed_out.timed_out and timed_out.plan_hash is None
    assert _state("refuse", "firewall_ports") == []


def test_an_expensive_plan_needs_a_second_confirmation(monkeypatch) -> None:
    monkeypatch.setenv("LAKEPILOT_PROVISION_CONFIRM_USD", "10")
    v = validate_plan(make_plan(CHEAP_WS, stack="pricey"))
    step = plan_capability(v, "databricks_workspace", "run-p")
    assert any("above the $10.00 threshold" in r for r in step.confirm_reasons)
    body = approval_request(step, "confirm", v).body
    assert body.startswith("**Second confirmation required**")


def test_dependents_wait_for_their_dependency(full_plan) -> None:
    v = validate_plan(full_plan)
    xcom: dict[str, dict] = {}
    assert blocked_by(v, "firewall_ports", xcom.get) == "firewall_ports depends on databricks_workspace, " \
                                                      "which was not applied in this run"
    xcom["databricks_workspace.plan"] = {"has_changes": False}  # already in place: fine
    assert blocked_by(v, "firewall_ports", xcom.get) is None


def test_the_run_is_recorded_once_per_run_id_with_outcomes(lakehouse: Path) -> None:
    store = LocalOpsStore(lakehouse)
    conf = make_plan(FIREWALL, stack="recorded").model_dump(mode="json")
    v: ValidatedPlan = start_run(conf, "run-x", "admin", store)
    assert store.read(ProvisioningRun, {"run_id": "run-x"})[0].outcome == "planning"
    step = plan_capability(v, "firewall_ports", "run-x")
    approval = decide(step, "approve", ["Approve"], "dave", False, "run-x")
    confirmation = decide(step, "confirm", ["Approve"], "erin", False, "run-x")
    applied = apply_capability(step, approval, confirmation, "run-x")
    xcom = {"validate_plan": v.model_dump(mode="json"), "firewall_ports.plan": step.model_dump(mode="json"),
            "firewall_ports.approve": approval.model_dump(mode="json"),
            "firewall_ports.confirm": confirmation.model_dump(mode="json"),
            "firewall_ports.apply": applied.model_dump(mode="json")}
    for _ in range(2):  # a retried record task must not add a row
        row = finish_run("run-x", conf, ["firewall_ports"], xcom.get, {}, "admin", store)
    rows = store.read(ProvisioningRun, {"run_id": "run-x"})
    assert len(rows) == 1
    assert (row["outcome"], rows[0].approver, rows[0].requester) == ("applied", "dave, erin", "alice")
    assert rows[0].plan_hashes == {"firewall_ports": step.plan_hash} and rows[0].plan_hash
    assert {r["type"] for r in rows[0].resources} == {"azurerm_resource_group", "azurerm_network_security_group",
                                                      "azurerm_network_security_rule"}


@pytest.mark.parametrize(
    ("xcom_keys", "states", "outcome"),
    [
        ({"firewall_ports.plan", "firewall_ports.approve:Reject"}, {}, "rejected"),
        ({"firewall_ports.plan", "firewall_ports.approve:timeout"}, {}, "timed_out"),
        ({"firewall_ports.plan", "firewall_ports.approve:Approve"}, {"firewall_ports.apply": "failed"}, "failed"),
        ({"firewall_ports.plan"}, {"firewall_ports.approve": "awaiting_input"}, "pending"),
    ],
)
def test_outcomes_from_partial_runs(lakehouse: Path, xcom_keys: set[str], states: dict, outcome: str) -> None:
    store = LocalOpsStore(lakehouse)
    conf = make_plan(FIREWALL, stack="partial").model_dump(mode="json")
    v = start_run(conf, "run-o", None, store)
    step = plan_capability(v, "firewall_ports", "run-o")
    xcom: dict = {"validate_plan": v.model_dump(mode="json"), "firewall_ports.plan": step.model_dump(mode="json")}
    for key in xcom_keys:
        if ":" in key:
            task, answer = key.split(":")
            xcom[task] = decide(step, "approve", ["Approve" if answer == "Approve" else "Reject"], "x",
                                answer == "timeout", "run-o").model_dump(mode="json")
    assert finish_run("run-o", conf, ["firewall_ports"], xcom.get, states, None, store)["outcome"] == outcome


def test_an_invalid_conf_is_recorded_as_invalid(lakehouse: Path) -> None:
    store = LocalOpsStore(lakehouse)
    conf = {"stack": "bad", "requester": "mallory", "capabilities": [{"name": "shell", "params": {}}]}
    with pytest.raises(ValueError):
        start_run(conf, "run-bad", "admin", store)
    row = store.read(ProvisioningRun, {"run_id": "run-bad"})[0]
    assert row.outcome == "invalid" and "context" in row.error and row.requester == "mallory"


def test_an_oversized_conf_is_refused_by_size_and_recorded(lakehouse: Path) -> None:
    store = LocalOpsStore(lakehouse)
    conf = {"stack": "big", "requester": "mallory", "request": "x" * 70_000, "capabilities": []}
    with pytest.raises(PlanValidationError, match="the limit is 65,536"):
        start_run(conf, "run-big", "admin", store)
    row = store.read(ProvisioningRun, {"run_id": "run-big"})[0]
    assert row.outcome == "invalid" and "65,536" in (row.error or "")


_CONF = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=60),
                     lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
                         st.sampled_from(["stack", "requester", "capabilities", "name", "params", "context", "target",
                                          "approval", "request", "region", "x"]), inner, max_size=5),
                     max_leaves=15)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(conf=st.dictionaries(st.sampled_from(["stack", "requester", "capabilities", "context", "target", "request"]),
                            _CONF, max_size=6))
def test_any_conf_is_a_valid_plan_or_a_named_refusal_recorded_as_invalid(lakehouse: Path, conf: dict) -> None:
    store = LocalOpsStore(lakehouse)
    try:
        start_run(conf, "run-fuzz", "admin", store)
    except PlanValidationError as exc:
        assert exc.problems and all(isinstance(p, str) and p for p in exc.problems)
        assert store.read(ProvisioningRun, {"run_id": "run-fuzz"})[0].outcome == "invalid"


def test_the_approver_sees_the_plans_budget(lakehouse: Path) -> None:
    v = validate_plan(make_plan(CHEAP_WS).model_copy(update={"budget_usd": 5000.0}))
    body = approval_request(plan_capability(v, "databricks_workspace", "run-b"), "approve", v).body
    assert f"The whole plan: ${v.monthly_usd:.2f}/month within a budget of $5000.00/month." in body
