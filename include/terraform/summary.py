"""Summarise `terraform show -json <plan>` for a human: what is added, changed, destroyed, by type.

Sandbox stacks model each cloud resource as a built-in `terraform_data` resource named
`<modelled type>__<name>`; the summary reports the modelled type (`azurerm_resource_group`), so a
reviewer reads the same summary for both targets.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

Action = Literal["create", "update", "replace", "delete", "read", "no-op"]
SANDBOX_SEPARATOR = "__"


class ResourceChange(BaseModel):
    """One resource the plan touches."""

    address: str
    type: str
    name: str
    action: Action
    attributes: dict[str, Any] = Field(default_factory=dict)


class PlanSummary(BaseModel):
    """Counts per action and per resource type, and the resources themselves."""

    adds: int = 0
    changes: int = 0
    destroys: int = 0
    by_type: dict[str, dict[str, int]] = Field(default_factory=dict)
    resources: list[ResourceChange] = Field(default_factory=list)
    outputs: list[str] = Field(default_factory=list)

    @property
    def has_changes(self) -> bool:
        return bool(self.adds or self.changes or self.destroys)

    def types_touched(self) -> set[str]:
        return {r.type for r in self.resources if r.action != "no-op"}


def _action(actions: list[str]) -> Action:
    if actions in (["delete", "create"], ["create", "delete"]):
        return "replace"
    if len(actions) == 1 and actions[0] in ("create", "update", "delete", "read", "no-op"):
        return actions[0]  # type: ignore[return-value]
    raise ValueError(f"unexpected Terraform action list {actions!r}")


def _modelled(resource_type: str, name: str, after: Any) -> tuple[str, str, dict[str, Any]]:
    """(type, name, attributes) — the modelled ones for sandbox `terraform_data` resources."""
    if resource_type == "terraform_data" and SANDBOX_SEPARATOR in name:
        modelled_type, _, modelled_name = name.partition(SANDBOX_SEPARATOR)
        attrs = after.get("input") if isinstance(after, dict) else None
        return modelled_type, modelled_name, attrs if isinstance(attrs, dict) else {}
    return resource_type, name, after if isinstance(after, dict) else {}


def summarise_plan(plan_json: dict[str, Any]) -> PlanSummary:
    """Build a `PlanSummary` from the JSON that `terraform show -json <planfile>` prints."""
    summary = PlanSummary(outputs=sorted((plan_json.get("output_changes") or {}).keys()))
    for rc in plan_json.get("resource_changes") or []:
        if rc.get("mode") == "data":
            continue
        change = rc.get("change") or {}
        action = _action(list(change.get("actions") or ["no-op"]))
        after = change.get("after") if action != "delete" else change.get("before")
        rtype, name, attrs = _modelled(rc["type"], rc["name"], after)
        summary.resources.append(
            ResourceChange(address=rc["address"], type=rtype, name=name, action=action, attributes=attrs)
        )
        counts = summary.by_type.setdefault(rtype, {"add": 0, "change": 0, "destroy": 0})
        if action == "create":
            summary.adds += 1
            counts["add"] += 1
        elif action == "update":
            summary.changes += 1
            counts["change"] += 1
        elif action == "delete":
            summary.destroys += 1
            counts["destroy"] += 1
        elif action == "replace":
            summary.adds += 1
            summary.destroys += 1
            counts["add"] += 1
            counts["destroy"] += 1
    summary.by_type = {t: c for t, c in sorted(summary.by_type.items()) if any(c.values())}
    return summary


def state_resources(state_json: dict[str, Any]) -> list[dict[str, Any]]:
    """Managed resources in `terraform show -json` state output, with modelled types for the sandbox."""
    out: list[dict[str, Any]] = []

    def walk(module: dict[str, Any]) -> None:
        for res in module.get("resources") or []:
            if res.get("mode") != "managed":
                continue
            rtype, name, attrs = _modelled(res["type"], res["name"], res.get("values") or {})
            out.append({"address": res["address"], "type": rtype, "name": name, "attributes": attrs})
        for child in module.get("child_modules") or []:
            walk(child)

    walk((state_json.get("values") or {}).get("root_module") or {})
    return out
