"""Real Terraform (built-in terraform_data only, offline): init, plan, show, apply, summary, errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from include.terraform.hcl import hcl_value
from include.terraform.runner import TerraformError, TerraformRunner
from include.terraform.summary import state_resources, summarise_plan


def _write(workdir: Path, resources: dict[str, dict]) -> None:
    blocks = [
        f'resource "terraform_data" "{name}" {{\n  input = {hcl_value(attrs, 1)}\n}}\n'
        for name, attrs in resources.items()
    ]
    (workdir / "main.tf").write_text("\n".join(blocks))


def _plan(runner: TerraformRunner, name: str = "p.tfplan"):
    path = runner.workdir / name
    changed = runner.plan(path)
    return changed, summarise_plan(runner.show_plan(path)), path


def test_create_update_delete_are_counted_per_modelled_type(tmp_path: Path) -> None:
    runner = TerraformRunner(tmp_path)
    _write(tmp_path, {
        "azurerm_resource_group__main": {"name": "rg-a", "location": "eastus"},
        "azurerm_network_security_rule__r1": {"name": "r1", "priority": 100},
        "azurerm_network_security_rule__r2": {"name": "r2", "priority": 110},
    })
    runner.init()
    changed, summary, plan = _plan(runner)
    assert changed and summary.has_changes
    assert (summary.adds, summary.changes, summary.destroys) == (3, 0, 0)
    assert summary.by_type == {
        "azurerm_network_security_rule": {"add": 2, "change": 0, "destroy": 0},
        "azurerm_resource_group": {"add": 1, "change": 0, "destroy": 0},
    }
    rg = next(r for r in summary.resources if r.type == "azurerm_resource_group")
    assert rg.name == "main" and rg.attributes == {"name": "rg-a", "location": "eastus"}
    runner.apply(plan)
    assert {r["type"] for r in state_resources(runner.show_state())} == {
        "azurerm_resource_group", "azurerm_network_security_rule"}

    changed, summary, _ = _plan(runner, "same.tfplan")
    assert not changed and not summary.has_changes and summary.by_type == {}

    _write(tmp_path, {
        "azurerm_resource_group__main": {"name": "rg-a", "location": "westeurope"},
        "azurerm_network_security_rule__r1": {"name": "r1", "priority": 100},
    })
    changed, summary, _ = _plan(runner, "edit.tfplan")
    assert changed
    assert (summary.adds, summary.changes, summary.destroys) == (0, 1, 1)
    deleted = next(r for r in summary.resources if r.action == "delete")
    assert deleted.type == "azurerm_network_security_rule" and deleted.attributes["name"] == "r2"


def test_replace_actions_and_data_sources_in_plan_json() -> None:
    plan_json = {
        "resource_changes": [
            {"address": "azurerm_x.a", "type": "azurerm_x", "name": "a", "mode": "managed",
             "change": {"actions": ["delete", "create"], "after": {"name": "a"}}},
            {"address": "data.azurerm_y.b", "type": "azurerm_y", "name": "b", "mode": "data",
             "change": {"actions": ["read"], "after": {}}},
        ],
        "output_changes": {"out": {}},
    }
    summary = summarise_plan(plan_json)
    assert (summary.adds, summary.changes, summary.destroys) == (1, 0, 1)
    assert [r.action for r in summary.resources] == ["replace"]
    assert summary.outputs == ["out"]
    with pytest.raises(ValueError, match="unexpected Terraform action"):
        summarise_plan({"resource_changes": [{"address": "a.b", "type": "a", "name": "b",
                                               "change": {"actions": ["explode"]}}]})


def test_a_broken_configuration_fails_naming_the_step(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text('resource "terraform_data" "x" {\n  input = undefined_thing.value\n}\n')
    runner = TerraformRunner(tmp_path)
    runner.init()
    with pytest.raises(TerraformError) as info:
        runner.plan(tmp_path / "p.tfplan")
    assert info.value.step == "plan"
    assert "undefined_thing" in str(info.value)
    assert not (tmp_path / "p.tfplan").exists()
