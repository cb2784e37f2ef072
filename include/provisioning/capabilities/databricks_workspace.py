"""Databricks workspace: resource group, workspace (SKU, network access), instance pool, autoscaling
cluster — CPU or GPU nodes for ML workloads."""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from include.provisioning.azure_facts import CPU_RUNTIME, CPU_SIZES, GPU_RUNTIME, GPU_SIZES, NODE_TYPES
from include.provisioning.capability import Capability, ModelledResource, PlanContext, Question
from include.provisioning.cost import AUTOSCALE_SHARE, CLUSTER_HOURS, HOURS_PER_MONTH, CostEstimate, rate
from include.provisioning.facts import RequestFacts
from include.provisioning.naming import NameRule
from include.provisioning.registry import register_capability

_NAME = r"[A-Za-z0-9][A-Za-z0-9_-]*[A-Za-z0-9]"


class WorkspaceParams(BaseModel):
    """Parameters of a Databricks workspace with one instance pool and one autoscaling cluster."""

    model_config = ConfigDict(extra="forbid")

    workspace_name: str
    managed_resource_group_name: str
    create_resource_group: bool = True
    sku: Literal["standard", "premium", "trial"] = "premium"
    public_network_access: bool = False
    gpu: bool = False
    node_type: str = CPU_SIZES["small"]
    spark_version: str = CPU_RUNTIME
    instance_pool_name: str
    pool_min_idle: int = Field(default=0, ge=0, le=20)
    pool_max_capacity: int = Field(default=10, ge=1, le=500)
    pool_idle_minutes: int = Field(default=15, ge=5, le=240)
    cluster_name: str
    min_workers: int = Field(default=1, ge=0, le=200)
    max_workers: int = Field(default=8, ge=1, le=200)
    autotermination_minutes: int = Field(default=30, ge=10, le=1440)

    @model_validator(mode="after")
    def _consistent(self) -> WorkspaceParams:
        node = NODE_TYPES.get(self.node_type)
        if node is None:
            raise ValueError(f"node_type {self.node_type!r} is not allowed; use one of: {', '.join(NODE_TYPES)}")
        if self.gpu and not node.gpus:
            raise ValueError(f"gpu is requested but {self.node_type} has no GPU; use one of: "
                             + ", ".join(n for n, t in NODE_TYPES.items() if t.gpus))
        if not self.gpu and node.gpus:
            raise ValueError(f"{self.node_type} is a GPU node type; set gpu=true or choose a CPU node type")
        if self.gpu != ("gpu" in self.spark_version):
            raise ValueError(f"spark_version {self.spark_version!r} does not match gpu={self.gpu} "
                             f"(use {GPU_RUNTIME if self.gpu else CPU_RUNTIME})")
        if self.min_workers > self.max_workers:
            raise ValueError(f"min_workers ({self.min_workers}) is above max_workers ({self.max_workers})")
        if self.pool_max_capacity < self.max_workers + 1:
            raise ValueError(f"pool_max_capacity ({self.pool_max_capacity}) must hold the driver and "
                             f"max_workers ({self.max_workers}): at least {self.max_workers + 1}")
        return self


def _rule(prefix: str, label: str, max_len: int, *aliases: str) -> NameRule:
    return NameRule(prefix=prefix, max_len=max_len, pattern=_NAME, label=label, aliases=aliases)


@register_capability
class DatabricksWorkspace(Capability):
    name = "databricks_workspace"
    title = "Databricks workspace"
    description = "resource group, workspace, instance pool and an autoscaling cluster (CPU or GPU)"
    Params = WorkspaceParams
    risk = "medium"
    keywords = ("workspace", "databricks", "cluster", "gpu", "gpus", "instance pool", "ml platform",
                "machine learning platform", "data science platform", "analytics platform", "lakehouse")
    name_fields = {
        "workspace_name": _rule("dbw", "workspace", 64, "workspace", "databricks workspace"),
        "managed_resource_group_name": _rule("rg-dbw-managed", "managed resource group", 90, "managed resource group"),
        "instance_pool_name": _rule("pool", "instance pool", 100, "instance pool", "pool"),
        "cluster_name": _rule("cls", "cluster", 100, "cluster"),
    }

    def draft(self, current: dict[str, Any], facts: RequestFacts) -> dict[str, Any]:
        d = dict(current)
        if facts.gpu is not None:
            d["gpu"] = facts.gpu
        if facts.workload:
            d["_workload"] = facts.workload
        gpu = bool(d.get("gpu", False))
        if facts.node_type:
            d["node_type"] = facts.node_type
            d["_node_given"] = True
        elif facts.size or facts.gpu is not None:
            size = facts.size or d.get("_size") or "small"
            d["node_type"] = (GPU_SIZES if gpu else CPU_SIZES)[size]
        if facts.size:
            d["_size"] = facts.size
        d["spark_version"] = GPU_RUNTIME if gpu else CPU_RUNTIME
        if facts.min_workers is not None:
            d["min_workers"] = facts.min_workers
        if facts.max_workers is not None:
            d["max_workers"] = facts.max_workers
            if d.get("min_workers", 1) > facts.max_workers:
                d["min_workers"] = facts.max_workers
        if facts.sku:
            d["sku"] = facts.sku
        if facts.public_network_access is not None:
            d["public_network_access"] = facts.public_network_access
        return d

    def questions(self, draft: dict[str, Any]) -> list[Question]:
        """ML work with no word on GPUs: ask, GPU suggested, with what a node of each kind costs."""
        if draft.get("_workload") != "ml" or "gpu" in draft or draft.get("_node_given"):
            return []
        size = draft.get("_size") or "small"
        gpu_node, cpu_node = GPU_SIZES[size], CPU_SIZES[size]

        def per_hour(node: str) -> str:
            usd = rate("vm_usd_per_hour", node) + rate("dbu_per_hour", node) * rate("usd_per_dbu", draft.get("sku", "premium"))
            spec = NODE_TYPES[node]
            kind = f"{spec.gpus}x {spec.gpu_model}" if spec.gpus else f"{spec.vcpus} vCPU"
            return f"{node}, {kind}, ~${usd:.2f} per node-hour"

        return [Question(key="databricks_workspace.gpu", default="gpu", text=(
            "This is for ML work. GPU nodes suit training deep-learning models; CPU nodes suit classical ML and "
            f"feature engineering at a lower price. GPU ({per_hour(gpu_node)}) or CPU ({per_hour(cpu_node)})?"))]

    def answer_facts(self, key: str, text: str) -> RequestFacts | None:
        if key != "databricks_workspace.gpu":
            return None
        lowered = text.lower()
        if re.search(r"\b(?:gpus?|yes|y)\b", lowered) and not re.search(r"\bcpus?\b", lowered):
            return RequestFacts(gpu=True)
        if re.search(r"\b(?:cpus?|no|n)\b", lowered):
            return RequestFacts(gpu=False)
        return None

    def build(self, draft: dict[str, Any], ctx: PlanContext, names: dict[str, str]) -> BaseModel:
        values = {k: v for k, v in draft.items() if not k.startswith("_")}
        if "pool_max_capacity" not in values:
            values["pool_max_capacity"] = max(10, int(values.get("max_workers", 8)) + 1)
        return super().build(values, ctx, names)

    def estimate(self, params: WorkspaceParams, ctx: PlanContext) -> CostEstimate:
        est = CostEstimate()
        hours = CLUSTER_HOURS[ctx.environment]
        nodes = 1 + params.min_workers + (params.max_workers - params.min_workers) * AUTOSCALE_SHARE
        node_hours = nodes * hours
        est.add(f"{params.node_type} VMs (cluster)", node_hours, "node-hours",
                rate("vm_usd_per_hour", params.node_type), f"{nodes:g} avg nodes × {hours} h")
        dbus = node_hours * rate("dbu_per_hour", params.node_type)
        est.add(f"Databricks DBUs, all-purpose {params.sku}", dbus, "DBU", rate("usd_per_dbu", params.sku))
        if params.pool_min_idle:
            idle_hours = params.pool_min_idle * HOURS_PER_MONTH
            est.add(f"{params.node_type} idle pool instances", idle_hours, "node-hours",
                    rate("vm_usd_per_hour", params.node_type), "idle instances bill VM time only")
        est.add("Databricks workspace", 1, "workspace", 0.0, "no charge for the workspace itself")
        est.assumptions = [
            f"cluster runs {hours} h/month ({ctx.environment})",
            f"autoscaling uses {AUTOSCALE_SHARE:.0%} of the range between min and max workers on average",
            "pay-as-you-go list prices; storage, networking and jobs compute are not included",
        ]
        return est

    def sensitive(self, params: WorkspaceParams) -> list[str]:
        return ["the workspace is reachable from the public internet"] if params.public_network_access else []

    def resources(self, params: WorkspaceParams, ctx: PlanContext) -> list[ModelledResource]:
        tags = ctx.all_tags()
        out = []
        if params.create_resource_group:
            out.append(ModelledResource(type="azurerm_resource_group", name="main", attributes={
                "name": ctx.resource_group, "location": ctx.region, "tags": tags}))
        out += [
            ModelledResource(type="azurerm_databricks_workspace", name="main", attributes={
                "name": params.workspace_name, "resource_group_name": ctx.resource_group,
                "location": ctx.region, "sku": params.sku,
                "managed_resource_group_name": params.managed_resource_group_name,
                "public_network_access_enabled": params.public_network_access, "tags": tags}),
            ModelledResource(type="databricks_instance_pool", name="main", attributes={
                "instance_pool_name": params.instance_pool_name, "node_type_id": params.node_type,
                "min_idle_instances": params.pool_min_idle, "max_capacity": params.pool_max_capacity,
                "idle_instance_autotermination_minutes": params.pool_idle_minutes, "custom_tags": tags}),
            ModelledResource(type="databricks_cluster", name="main", attributes={
                "cluster_name": params.cluster_name, "spark_version": params.spark_version,
                "min_workers": params.min_workers, "max_workers": params.max_workers,
                "autotermination_minutes": params.autotermination_minutes,
                "data_security_mode": "SINGLE_USER" if params.gpu else "USER_ISOLATION",
                "instance_pool": params.instance_pool_name, "custom_tags": tags}),
        ]
        return out

    def describe(self, params: WorkspaceParams) -> list[str]:
        node = NODE_TYPES[params.node_type]
        gpu = f", {node.gpus}× {node.gpu_model} GPU" if node.gpus else ""
        return [
            f"workspace {params.workspace_name} ({params.sku}, public access "
            f"{'on' if params.public_network_access else 'off'})",
            f"cluster {params.cluster_name}: {params.min_workers}-{params.max_workers} workers of "
            f"{params.node_type} ({node.vcpus} vCPU{gpu}), runtime {params.spark_version}",
            f"instance pool {params.instance_pool_name}: {params.pool_min_idle} idle, max {params.pool_max_capacity}",
        ]
