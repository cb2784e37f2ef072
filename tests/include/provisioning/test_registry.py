"""The registry is the allow-list: discovery, dependency order, refusal of unknown names, plug-ins."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

import pytest
from pydantic import BaseModel, ConfigDict

from include.provisioning.capability import Capability, ModelledResource, PlanContext
from include.provisioning.plan import PlanValidationError, validate_plan
from include.provisioning.registry import CapabilityRegistry, UnknownCapabilityError, get_registry


def test_shipped_capabilities_are_discovered_in_dependency_order() -> None:
    registry = get_registry()
    assert set(registry.names()) == {"databricks_workspace", "azure_openai", "firewall_ports"}
    order = registry.order()
    assert order[0] == "databricks_workspace"
    assert registry.order(["firewall_ports", "azure_openai"]) == ["azure_openai", "firewall_ports"]
    for name in registry.names():
        cap = registry.get(name)
        assert cap.risk in ("low", "medium", "high")
        assert (cap.template_dir() / "main.sandbox.tf.j2").is_file()
        assert (cap.template_dir() / "main.azure.tf.j2").is_file()


def test_unknown_capability_is_refused_with_the_allowed_list() -> None:
    with pytest.raises(UnknownCapabilityError, match="LakePilot can provision: .*databricks_workspace"):
        get_registry().get("kubernetes_cluster")
    with pytest.raises(UnknownCapabilityError):
        get_registry().order(["databricks_workspace", "rm_rf"])


def _fake(name: str, deps: tuple[str, ...] = ()) -> type[Capability]:
    return type(name.title(), (Capability,), {"name": name, "title": name, "description": name,
                                               "Params": BaseModel, "depends_on": deps})


def test_cycles_and_duplicate_names_are_errors() -> None:
    registry = CapabilityRegistry()
    registry.register(_fake("a", ("b",)))
    registry.register(_fake("b", ("a",)))
    with pytest.raises(ValueError, match="cycle: a -> b -> a"):
        registry.order()
    with pytest.raises(ValueError, match="registered twice"):
        registry.register(_fake("a"))
    missing = CapabilityRegistry()
    missing.register(_fake("c", ("nowhere",)))
    with pytest.raises(ValueError, match="unknown 'nowhere'"):
        missing.order()


class StorageParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    account_name: str
    replication: str = "LRS"


class StorageAccount(Capability):
    """A capability written by someone else, with its own template folder."""

    name = "storage_account"
    title = "Storage account"
    description = "a storage account"
    Params = StorageParams
    risk = "low"
    keywords: ClassVar[tuple[str, ...]] = ("storage",)
    folder: ClassVar[Path]

    def template_dir(self) -> Path:
        return self.folder

    def resources(self, params: StorageParams, ctx: PlanContext) -> list[ModelledResource]:
        return [ModelledResource(type="azurerm_storage_account", name="main",
                                 attributes={"name": params.account_name, "replication": params.replication})]


def test_a_new_capability_plugs_in_without_touching_the_core(tmp_path: Path, full_plan) -> None:
    from include.terraform.render import render_capability
    from include.terraform.runner import TerraformRunner

    (tmp_path / "main.sandbox.tf.j2").write_text('{% include "modelled_resources.j2" %}\n')
    (tmp_path / "main.azure.tf.j2").write_text('resource "azurerm_storage_account" "main" {\n'
                                              '  name = {{ params.account_name | hcl }}\n}\n')
    StorageAccount.folder = tmp_path
    registry = CapabilityRegistry()
    for name in get_registry().names():
        registry.register(type(get_registry().get(name)))
    registry.register(StorageAccount)
    data = full_plan.model_dump(mode="json")
    data["capabilities"] = [{"name": "storage_account", "params": {"account_name": "stmlteamprod"}}]
    validated = validate_plan(data, registry)
    assert validated.order == ["storage_account"]
    assert get_registry().match_keywords("storage") == []  # the global allow-list is untouched
    cap = registry.get("storage_account")
    params = cap.validate_params(validated.capabilities["storage_account"].params, validated.plan.context)
    out = tmp_path / "out"
    render_capability(cap.template_dir(), "sandbox",
                      {**cap.template_context(params, validated.plan.context), "capability": cap.name,
                       "stack": "s", "state_path": str(tmp_path / "s.tfstate")}, out)
    runner = TerraformRunner(out)
    runner.init()
    assert runner.validate()["valid"]
    with pytest.raises(PlanValidationError, match="not a capability LakePilot can provision"):
        validate_plan(data)  # …but only where it is registered
