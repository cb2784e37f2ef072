"""Closed sets LakePilot checks plans against: Azure regions, node types, OpenAI models.

These are allow-lists, not a mirror of Azure: a value outside them is refused with the list of
what is allowed, so neither a typo nor LLM text reaches Terraform. Extend them here.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

Environment = Literal["dev", "test", "staging", "prod"]
ENVIRONMENTS: tuple[Environment, ...] = ("dev", "test", "staging", "prod")
ENVIRONMENT_WORDS: dict[str, Environment] = {
    "prod": "prod", "production": "prod", "prd": "prod", "live": "prod",
    "staging": "staging", "stage": "staging", "stg": "staging", "preprod": "staging", "pre-prod": "staging",
    "dev": "dev", "development": "dev", "sandbox": "dev",
    "test": "test", "testing": "test", "qa": "test", "uat": "test",
}

# region code -> (display name, short code used in resource names)
REGIONS: dict[str, tuple[str, str]] = {
    "eastus": ("East US", "eus"),
    "eastus2": ("East US 2", "eus2"),
    "centralus": ("Central US", "cus"),
    "southcentralus": ("South Central US", "scus"),
    "westus": ("West US", "wus"),
    "westus2": ("West US 2", "wus2"),
    "westus3": ("West US 3", "wus3"),
    "canadacentral": ("Canada Central", "cac"),
    "canadaeast": ("Canada East", "cae"),
    "brazilsouth": ("Brazil South", "brs"),
    "northeurope": ("North Europe", "neu"),
    "westeurope": ("West Europe", "weu"),
    "uksouth": ("UK South", "uks"),
    "francecentral": ("France Central", "frc"),
    "germanywestcentral": ("Germany West Central", "gwc"),
    "switzerlandnorth": ("Switzerland North", "szn"),
    "swedencentral": ("Sweden Central", "sdc"),
    "norwayeast": ("Norway East", "noe"),
    "italynorth": ("Italy North", "itn"),
    "australiaeast": ("Australia East", "aue"),
    "japaneast": ("Japan East", "jpe"),
    "southeastasia": ("Southeast Asia", "sea"),
    "eastasia": ("East Asia", "ea"),
    "centralindia": ("Central India", "cin"),
}

# Azure OpenAI is offered in a subset of regions (standard deployments).
OPENAI_REGIONS: frozenset[str] = frozenset({
    "eastus", "eastus2", "northcentralus", "southcentralus", "westus", "westus3", "canadaeast",
    "swedencentral", "francecentral", "switzerlandnorth", "norwayeast", "uksouth", "westeurope",
    "australiaeast", "japaneast", "brazilsouth", "germanywestcentral", "italynorth",
})


def region_code(text: str) -> str | None:
    """Normalise 'East US 2', 'eastus2' or 'eus2' to the region code, or None."""
    squashed = "".join(text.lower().split())
    if squashed in REGIONS:
        return squashed
    for code, (display, short) in REGIONS.items():
        if squashed in ("".join(display.lower().split()), short):
            return code
    return None


class NodeType(BaseModel):
    """An Azure VM size Databricks can run on."""

    name: str
    vcpus: int
    memory_gb: int
    gpus: int = 0
    gpu_model: str | None = None


NODE_TYPES: dict[str, NodeType] = {n.name: n for n in (
    NodeType(name="Standard_DS3_v2", vcpus=4, memory_gb=14),
    NodeType(name="Standard_DS4_v2", vcpus=8, memory_gb=28),
    NodeType(name="Standard_DS5_v2", vcpus=16, memory_gb=56),
    NodeType(name="Standard_D4ds_v5", vcpus=4, memory_gb=16),
    NodeType(name="Standard_D8ds_v5", vcpus=8, memory_gb=32),
    NodeType(name="Standard_E8ds_v5", vcpus=8, memory_gb=64),
    NodeType(name="Standard_NC4as_T4_v3", vcpus=4, memory_gb=28, gpus=1, gpu_model="T4"),
    NodeType(name="Standard_NC8as_T4_v3", vcpus=8, memory_gb=56, gpus=1, gpu_model="T4"),
    NodeType(name="Standard_NC6s_v3", vcpus=6, memory_gb=112, gpus=1, gpu_model="V100"),
    NodeType(name="Standard_NC24ads_A100_v4", vcpus=24, memory_gb=220, gpus=1, gpu_model="A100"),
)}

# Sizes a request may name, per kind of workload.
CPU_SIZES = {"small": "Standard_DS3_v2", "medium": "Standard_DS4_v2", "large": "Standard_DS5_v2"}
GPU_SIZES = {"small": "Standard_NC4as_T4_v3", "medium": "Standard_NC8as_T4_v3", "large": "Standard_NC24ads_A100_v4"}
CPU_RUNTIME = "15.4.x-scala2.12"
GPU_RUNTIME = "15.4.x-gpu-ml-scala2.12"


class OpenAIModel(BaseModel):
    """A model Azure OpenAI can deploy, with the version LakePilot pins."""

    name: str
    version: str
    kind: Literal["chat", "embedding"]


OPENAI_MODELS: dict[str, OpenAIModel] = {m.name: m for m in (
    OpenAIModel(name="gpt-4o", version="2024-11-20", kind="chat"),
    OpenAIModel(name="gpt-4o-mini", version="2024-07-18", kind="chat"),
    OpenAIModel(name="gpt-4.1", version="2025-04-14", kind="chat"),
    OpenAIModel(name="gpt-4.1-mini", version="2025-04-14", kind="chat"),
    OpenAIModel(name="o3-mini", version="2025-01-31", kind="chat"),
    OpenAIModel(name="text-embedding-3-large", version="1", kind="embedding"),
    OpenAIModel(name="text-embedding-3-small", version="1", kind="embedding"),
)}
