"""Every capability renders for both targets: `terraform fmt -check` clean, sandbox validates and
applies offline with the modelled attributes, azure declares the real resource types."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from include.provisioning.plan import ValidatedPlan
from include.provisioning.registry import get_registry
from include.terraform.render import render_capability, template_files
from include.terraform.runner import TerraformRunner

CAPABILITIES = get_registry().order()
AZURE_TYPES = {
    "databricks_workspace": {"azurerm_resource_group", "azurerm_databricks_workspace", "databricks_instance_pool",
                             "databricks_cluster"},
    "azure_openai": {"azurerm_cognitive_account", "azurerm_cognitive_deployment"},
    "firewall_ports": {"azurerm_network_security_group", "azurerm_network_security_rule"},
}


def _render(validated: ValidatedPlan, name: str, target: str, out: Path) -> list[Path]:
    cap = get_registry().get(name)
    params = cap.validate_params(validated.capabilities[name].params, validated.plan.context)
    context = {**cap.template_context(params, validated.plan.context), "capability": name,
               "stack": validated.plan.stack, "run_id": "t", "state_path": str(out.parent / f"{name}.tfstate")}
    return render_capability(cap.template_dir(), target, context, out)  # type: ignore[arg-type]


@pytest.mark.parametrize("name", CAPABILITIES)
@pytest.mark.parametrize("target", ["sandbox", "azure"])
def test_rendered_files_are_terraform_fmt_clean(validated: ValidatedPlan, tmp_path: Path, name: str, target: str) -> None:
    files = _render(validated, name, target, tmp_path / name)
    assert {f.name for f in files} == {"backend.tf", "main.tf"}
    assert TerraformRunner(tmp_path / name).fmt_check() == []


@pytest.mark.parametrize("name", CAPABILITIES)
def test_sandbox_validates_plans_and_applies_the_modelled_attributes(validated: ValidatedPlan, tmp_path: Path,
                                                                      name: str) -> None:
    out = tmp_path / name
    _render(validated, name, "sandbox", out)
    text = (out / "main.tf").read_text() + (out / "backend.tf").read_text()
    assert "required_providers" not in text and "provider " not in text  # offline: built-ins only
    runner = TerraformRunner(out)
    runner.init()
    assert runner.validate()["valid"] is True
    assert runner.plan(out / "p.tfplan")
    runner.apply(out / "p.tfplan")
    cap = get_registry().get(name)
    params = cap.validate_params(validated.capabilities[name].params, validated.plan.context)
    expected = {f"terraform_data.{r.type}__{r.name}": r.attributes for r in cap.resources(params, validated.plan.context)}
    state = runner.show_state()["values"]["root_module"]["resources"]
    got = {r["address"]: r["values"]["input"] for r in state}
    assert got == expected
    assert runner.outputs()["target"].startswith("sandbox")


@pytest.mark.parametrize("name", CAPABILITIES)
def test_azure_declares_real_resources_and_providers(validated: ValidatedPlan, tmp_path: Path, name: str) -> None:
    out = tmp_path / name
    _render(validated, name, "azure", out)
    main = (out / "main.tf").read_text()
    backend = (out / "backend.tf").read_text()
    declared = set(re.findall(r'^resource "([a-z_]+)"', main, re.M))
    assert declared == AZURE_TYPES[name] - ({"azurerm_resource_group"} if name != "databricks_workspace" else set())
    assert "terraform_data" not in main
    assert 'source  = "hashicorp/azurerm"' in backend and 'source  = "databricks/databricks"' in backend
    if name != "databricks_workspace":  # the workspace creates the resource group; the others look it up
        assert 'data "azurerm_resource_group" "main"' in main


def test_azure_firewall_rules_carry_ports_sources_and_priorities(validated: ValidatedPlan, tmp_path: Path) -> None:
    _render(validated, "firewall_ports", "azure", tmp_path / "fw")
    main = (tmp_path / "fw" / "main.tf").read_text()
    assert 'destination_port_ranges     = ["443"]' in main
    assert 'source_address_prefixes     = ["10.20.0.0/16"]' in main
    assert "priority                    = 100" in main


def test_rendering_is_deterministic_and_removes_stale_files(validated: ValidatedPlan, tmp_path: Path) -> None:
    out = tmp_path / "ws"
    first = {p.name: p.read_text() for p in _render(validated, "databricks_workspace", "sandbox", out)}
    (out / "leftover.tf").write_text("# from an older render\n")
    second = {p.name: p.read_text() for p in _render(validated, "databricks_workspace", "sandbox", out)}
    assert first == second
    assert not (out / "leftover.tf").exists()


def test_a_capability_without_templates_for_a_target_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "main.sandbox.tf.j2").write_text("# sandbox only\n")
    with pytest.raises(FileNotFoundError, match="no azure templates"):
        template_files(tmp_path, "azure")
    with pytest.raises(ValueError, match="unknown target"):
        render_capability(tmp_path, "gcp", {}, tmp_path / "out")  # type: ignore[arg-type]
