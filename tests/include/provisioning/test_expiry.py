"""Expired firewall rules are closed by the same plan → approve → apply path, against real Terraform (sandbox)."""

from __future__ import annotations

import json
from datetime import date, timedelta

from include.provisioning.expiry import REQUESTER, AppliedSpec, applied_spec_file, find_expired
from include.provisioning.facts import RequestFacts
from include.provisioning.pipeline import apply_capability, decide, plan_capability
from include.provisioning.plan import ProvisioningPlan, validate_plan
from include.terraform import stacks
from tests.include.provisioning.conftest import make_plan

TODAY = date.today()
FIREWALL = RequestFacts(capabilities=["firewall_ports"], team="sec", environment="dev", region="westeurope",
                        ports=["443", "8443"], sources=["10.20.0.0/16"])


def _plan(stack: str, expiries: list[date | None]) -> ProvisioningPlan:
    plan = make_plan(FIREWALL, stack=stack)
    (cap,) = plan.capabilities
    rules = [{**r, "expires_on": e.isoformat() if e else None} for r, e in zip(cap.params["rules"], expiries, strict=True)]
    return plan.model_copy(update={"capabilities": [cap.model_copy(update={"params": {**cap.params, "rules": rules}})]})


def _approve_and_apply(conf: ProvisioningPlan | dict, run_id: str):
    v = validate_plan(conf)
    step = plan_capability(v, "firewall_ports", run_id)
    approval = decide(step, "approve", ["Approve"], "carol", False, run_id)
    confirmation = decide(step, "confirm", ["Approve"], "carol", False, run_id)
    return step, apply_capability(step, approval, confirmation, run_id)


def _rules_in_state(stack: str) -> set[str]:
    state = json.loads(stacks.state_file(stack, "firewall_ports").read_text())
    return {r["name"] for r in state["resources"] if r["mode"] == "managed" and "security_rule" in r["name"]}


def test_an_expired_rule_is_closed_through_a_plan_that_removes_only_it() -> None:
    _approve_and_apply(_plan("fw-expiry", [TODAY + timedelta(days=1), None]), "run-open")
    spec = AppliedSpec.model_validate_json(applied_spec_file("fw-expiry", "firewall_ports").read_text())
    assert spec.run_id == "run-open" and spec.applied_at is not None
    assert _rules_in_state("fw-expiry") == {"azurerm_network_security_rule__rule_allow_tcp_443",
                                            "azurerm_network_security_rule__rule_allow_tcp_8443"}
    assert find_expired(TODAY) == []  # not expired yet

    (closing,) = find_expired(TODAY + timedelta(days=2))
    assert (closing.stack, closing.expired, closing.remaining) == ("fw-expiry", ["allow-tcp-443"], ["allow-tcp-8443"])
    assert closing.run_id == f"expiry__fw-expiry__{TODAY + timedelta(days=2)}"
    assert closing.conf["requester"] == REQUESTER and "allow-tcp-443" in closing.conf["request"]
    step, _ = _approve_and_apply(closing.conf, closing.run_id)
    assert (step.summary.adds, step.summary.destroys) == (0, 1)  # the approver sees one removal and nothing else
    assert _rules_in_state("fw-expiry") == {"azurerm_network_security_rule__rule_allow_tcp_8443"}
    assert find_expired(TODAY + timedelta(days=2)) == []  # the applied spec no longer has it


def test_when_every_rule_expired_the_group_stays_without_rules() -> None:
    soon = TODAY + timedelta(days=1)
    _approve_and_apply(_plan("fw-all", [soon, soon]), "run-all")
    (closing,) = find_expired(soon)
    assert closing.remaining == [] and closing.conf["capabilities"][0]["params"]["closes_expired_rules"] is True
    step, result = _approve_and_apply(closing.conf, closing.run_id)
    assert step.summary.destroys == 2 and _rules_in_state("fw-all") == set()
    assert any(r["type"] == "azurerm_network_security_group" for r in result.resources)


def test_a_request_still_needs_a_rule_and_an_unreadable_spec_blocks_no_other_stack() -> None:
    import pytest

    from include.provisioning.plan import PlanValidationError

    plan = _plan("fw-none", [None, None])
    (cap,) = plan.capabilities
    empty = plan.model_copy(update={"capabilities": [cap.model_copy(update={"params": {**cap.params, "rules": []}})]})
    with pytest.raises(PlanValidationError, match="at least one rule"):
        validate_plan(empty)
    _approve_and_apply(_plan("fw-good", [TODAY + timedelta(days=1), None]), "run-good")
    broken = applied_spec_file("fw-broken", "firewall_ports")
    broken.parent.mkdir(parents=True, exist_ok=True)
    broken.write_text("{not json")
    assert [c.stack for c in find_expired(TODAY + timedelta(days=3))] == ["fw-good"]


def test_a_stack_whose_closing_run_waits_for_approval_is_not_asked_about_again(lakehouse) -> None:
    from datetime import UTC, datetime

    from include.ops.models import ProvisioningRun
    from include.ops.store import LocalOpsStore
    from include.provisioning.expiry import awaiting

    now = datetime.now(UTC)
    store = LocalOpsStore(lakehouse)
    store.upsert([
        ProvisioningRun(run_id="a", stack="fw-wait", requester=REQUESTER, outcome="planning", created_at=now),
        ProvisioningRun(run_id="b", stack="fw-old", requester=REQUESTER, outcome="planning",
                        created_at=now - timedelta(days=8)),  # never finished: no longer holds the stack
        ProvisioningRun(run_id="c", stack="fw-no", requester=REQUESTER, outcome="rejected", created_at=now),
        ProvisioningRun(run_id="d", stack="fw-human", requester="alice", outcome="planning", created_at=now),
    ])
    assert awaiting(store, now) == {"fw-wait"}
    for stack in ("fw-wait", "fw-no"):
        _approve_and_apply(_plan(stack, [TODAY + timedelta(days=1), None]), f"run-{stack}")
    due = TODAY + timedelta(days=2)
    assert [c.stack for c in find_expired(due, skip=awaiting(store, now))] == ["fw-no"]  # rejected: asked again
    assert [c.stack for c in find_expired(due)] == ["fw-no", "fw-wait"]
