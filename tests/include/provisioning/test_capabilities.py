"""Typed parameters with defaults and validation; names, costs, risk, security sensitivity."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from pydantic import ValidationError

from include.provisioning.capabilities.azure_openai import OpenAIParams
from include.provisioning.capabilities.databricks_workspace import WorkspaceParams
from include.provisioning.capabilities.firewall_ports import FirewallParams, is_public, port_range
from include.provisioning.capability import PlanContext
from include.provisioning.cost import RATES, rate
from include.provisioning.naming import RESOURCE_GROUP, suggest
from include.provisioning.registry import get_registry

CTX = PlanContext(team="ml-team", environment="prod", region="eastus", resource_group="rg-ml-team-prod-eus")
WS = {"workspace_name": "dbw-a", "managed_resource_group_name": "rg-m", "instance_pool_name": "pool-a",
      "cluster_name": "cls-a"}


def _rule(**kw: Any) -> dict[str, Any]:
    return {"name": "r1", "priority": 100, "ports": ["443"], "sources": ["10.20.0.0/16"], **kw}


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"node_type": "Standard_X99"}, "not allowed"),
        ({"gpu": True}, "has no GPU"),
        ({"node_type": "Standard_NC4as_T4_v3"}, "is a GPU node type"),
        ({"gpu": True, "node_type": "Standard_NC4as_T4_v3"}, "does not match gpu=True"),
        ({"min_workers": 5, "max_workers": 2}, "above max_workers"),
        ({"max_workers": 40, "pool_max_capacity": 20}, "at least 41"),
        ({"sku": "gold"}, "Input should be"),
        ({"extra": 1}, "Extra inputs are not permitted"),
    ],
)
def test_workspace_parameters_are_refused(changes: dict, error: str) -> None:
    with pytest.raises(ValidationError, match=error):
        WorkspaceParams.model_validate({**WS, **changes})


def test_workspace_defaults_and_gpu() -> None:
    cpu = WorkspaceParams.model_validate(WS)
    assert (cpu.sku, cpu.min_workers, cpu.max_workers, cpu.public_network_access) == ("premium", 1, 8, False)
    gpu = WorkspaceParams.model_validate({**WS, "gpu": True, "node_type": "Standard_NC24ads_A100_v4",
                                          "spark_version": "15.4.x-gpu-ml-scala2.12"})
    assert gpu.gpu


@pytest.mark.parametrize(
    ("params", "error"),
    [
        ({"deployments": []}, "at least 1"),
        ({"deployments": [{"name": "a", "model": "gpt-5-ultra"}]}, "not allowed"),
        ({"deployments": [{"name": "a", "model": "gpt-4o"}, {"name": "a", "model": "gpt-4o-mini"}]}, "unique"),
        ({"deployments": [{"name": "a", "model": "gpt-4o", "capacity": 0}]}, "greater than or equal to 1"),
        ({"deployments": [{"name": "bad name!", "model": "gpt-4o"}]}, "deployment name"),
    ],
)
def test_openai_parameters_are_refused(params: dict, error: str) -> None:
    with pytest.raises(ValidationError, match=error):
        OpenAIParams.model_validate({"account_name": "oai-a", **params})


def test_openai_pins_model_versions_and_checks_region() -> None:
    params = OpenAIParams.model_validate({"account_name": "oai-a", "deployments": [{"name": "m", "model": "gpt-4o"}]})
    assert params.deployments[0].version == "2024-11-20"
    cap = get_registry().get("azure_openai")
    with pytest.raises(ValueError, match="not offered in centralindia"):
        cap.check_context(params, CTX.model_copy(update={"region": "centralindia"}))


@pytest.mark.parametrize("port", ["22", "3389", "5985", "5986", "5432", "1433", "20-25", "*"])
@pytest.mark.parametrize("source", ["0.0.0.0/0", "*", "Internet", "any", "::/0"])
def test_admin_ports_open_to_the_world_are_refused(port: str, source: str) -> None:
    with pytest.raises(ValidationError, match="administrative port"):
        FirewallParams.model_validate({"nsg_name": "nsg-a", "rules": [_rule(ports=[port], sources=[source])]})


@pytest.mark.parametrize(
    ("rule", "ok"),
    [
        (_rule(ports=["22"], sources=["10.0.0.0/8"]), True),       # private source: fine
        (_rule(ports=["443"], sources=["0.0.0.0/0"]), True),       # public web port: fine
        (_rule(ports=["22"], sources=["0.0.0.0/0"], access="Deny"), True),
        (_rule(ports=["22"], sources=["0.0.0.0/1"]), False),       # wider than /8 and public
        (_rule(ports=["70000"]), False),
        (_rule(sources=["not-a-cidr"]), False),
        (_rule(expires_on=(date.today() - timedelta(days=1)).isoformat()), False),
    ],
)
def test_firewall_rule_table(rule: dict, ok: bool) -> None:
    data = {"nsg_name": "nsg-a", "rules": [rule]}
    if ok:
        FirewallParams.model_validate(data)
    else:
        with pytest.raises(ValidationError):
            FirewallParams.model_validate(data)


def test_override_needs_a_reason_and_is_flagged_for_confirmation() -> None:
    world_ssh = {"nsg_name": "nsg-a", "rules": [_rule(ports=["22"], sources=["0.0.0.0/0"])],
                 "allow_public_admin_ports": True}
    with pytest.raises(ValidationError, match="override_reason"):
        FirewallParams.model_validate(world_ssh)
    params = FirewallParams.model_validate({**world_ssh, "override_reason": "vendor break-glass until Friday"})
    reasons = get_registry().get("firewall_ports").sensitive(params)
    assert any("OVERRIDE" in r and "22 (SSH)" in r and "vendor break-glass" in r for r in reasons)


def test_port_and_source_helpers() -> None:
    assert port_range("8000-8100") == (8000, 8100) and port_range("*") == (1, 65535)
    with pytest.raises(ValueError):
        port_range("100-50")
    assert is_public("Internet") and is_public("0.0.0.0/0") and not is_public("10.0.0.0/8")
    assert not is_public("VirtualNetwork")


def test_naming_convention_and_overrides() -> None:
    assert suggest(RESOURCE_GROUP, "ml-team", "prod", "eastus") == "rg-ml-team-prod-eus"
    assert suggest(RESOURCE_GROUP, "ML Team", "dev", "westeurope") == "rg-ml-team-dev-weu"
    cap = get_registry().get("databricks_workspace")
    built = cap.build({}, CTX, {"databricks_workspace.cluster_name": "cls-gpu-training"})
    assert built.workspace_name == "dbw-ml-team-prod-eus" and built.cluster_name == "cls-gpu-training"
    long = suggest(cap.name_fields["workspace_name"], "a" * 80, "prod", "eastus")
    assert len(long) <= 64 and not long.endswith("-")
    with pytest.raises(ValueError, match="not valid"):
        RESOURCE_GROUP.check("rg with spaces")


def test_workspace_cost_is_the_rate_table_times_the_stated_assumptions() -> None:
    cap = get_registry().get("databricks_workspace")
    params = WorkspaceParams.model_validate({**WS, "min_workers": 2, "max_workers": 6, "pool_min_idle": 1})
    est = cap.estimate(params, CTX)
    nodes = 1 + 2 + (6 - 2) * 0.25          # driver + min + 25 % of the range
    hours = 400                              # prod
    vm = RATES["vm_usd_per_hour"]["Standard_DS3_v2"]
    expected = nodes * hours * vm + nodes * hours * 0.75 * 0.55 + 730 * vm
    assert est.monthly_usd == pytest.approx(expected, abs=0.02)
    assert any("400 h/month" in a for a in est.assumptions)


def test_openai_cost_and_missing_rates() -> None:
    cap = get_registry().get("azure_openai")
    params = OpenAIParams.model_validate({"account_name": "oai-a", "deployments": [
        {"name": "m", "model": "gpt-4o-mini", "capacity": 100}]})
    tokens_m = 100 * 1000 * 60 * 730 * 0.02 / 1e6
    assert cap.estimate(params, CTX).monthly_usd == pytest.approx(tokens_m * 0.2625, abs=0.01)
    with pytest.raises(KeyError, match="add it to include/provisioning/cost.py"):
        rate("vm_usd_per_hour", "Standard_Imaginary")
