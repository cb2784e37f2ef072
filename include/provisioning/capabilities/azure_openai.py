"""Azure OpenAI: a Cognitive Services account (kind OpenAI) and model deployments with capacity."""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from include.provisioning.azure_facts import OPENAI_MODELS, OPENAI_REGIONS
from include.provisioning.capability import Capability, ModelledResource, PlanContext, Question
from include.provisioning.cost import HOURS_PER_MONTH, OPENAI_UTILISATION, CostEstimate, rate
from include.provisioning.facts import RequestFacts
from include.provisioning.naming import NameRule
from include.provisioning.registry import register_capability

DEFAULT_CAPACITY = 10  # thousand tokens per minute
_DEPLOYMENT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


class Deployment(BaseModel):
    """One model deployment; capacity is in thousands of tokens per minute."""

    model_config = ConfigDict(extra="forbid")

    name: str
    model: str
    version: str | None = None
    capacity: int = Field(default=DEFAULT_CAPACITY, ge=1, le=1000)
    sku: Literal["Standard", "GlobalStandard"] = "Standard"

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not _DEPLOYMENT.match(value):
            raise ValueError(f"deployment name {value!r} must be 1-64 letters, digits, '.', '_' or '-'")
        return value

    @model_validator(mode="after")
    def _model(self) -> Deployment:
        known = OPENAI_MODELS.get(self.model)
        if known is None:
            raise ValueError(f"model {self.model!r} is not allowed; use one of: {', '.join(OPENAI_MODELS)}")
        if self.version is None:
            self.version = known.version
        return self


class OpenAIParams(BaseModel):
    """An Azure OpenAI account and its deployments."""

    model_config = ConfigDict(extra="forbid")

    account_name: str
    create_resource_group: bool = False
    sku: Literal["S0"] = "S0"
    public_network_access: bool = False
    deployments: list[Deployment] = Field(min_length=1, max_length=20)

    @model_validator(mode="after")
    def _unique(self) -> OpenAIParams:
        names = [tf_name(d.name) for d in self.deployments]
        if len(names) != len(set(names)):
            raise ValueError(f"deployment names must be unique (ignoring '.', '-' vs '_'): {names}")
        return self


def tf_name(deployment: str) -> str:
    """The Terraform resource name of a deployment (letters, digits, '_'; never a leading digit)."""
    return "deployment_" + re.sub(r"[^A-Za-z0-9_]", "_", deployment).lower()


def model_names(text: str) -> list[str]:
    """Known model names mentioned in `text`, longest match first (gpt-4o-mini before gpt-4o)."""
    lowered = text.lower()
    found: list[str] = []
    for name in sorted(OPENAI_MODELS, key=len, reverse=True):
        pattern = rf"(?<![a-z0-9.-]){re.escape(name)}(?![a-z0-9.-])"
        if re.search(pattern, lowered):
            found.append(name)
            lowered = re.sub(pattern, " ", lowered)
    return sorted(found, key=text.lower().find)


@register_capability
class AzureOpenAI(Capability):
    name = "azure_openai"
    title = "Azure OpenAI"
    description = "an Azure OpenAI account with model deployments and their capacity"
    Params = OpenAIParams
    risk = "medium"
    depends_on = ("databricks_workspace",)
    keywords = ("openai", "open ai", "azure openai", "gpt", "llm", "embeddings", "model deployment")
    name_fields = {
        "account_name": NameRule(prefix="oai", max_len=64, pattern=r"[a-z0-9][a-z0-9-]*[a-z0-9]",
                                 label="OpenAI account", aliases=("openai account", "openai", "account")),
    }

    def draft(self, current: dict[str, Any], facts: RequestFacts) -> dict[str, Any]:
        d = dict(current)
        deployments = [dict(x) for x in d.get("deployments", [])]
        drop = set(facts.drop_models)
        deployments = [x for x in deployments if x["model"] not in drop]
        have = {x["model"] for x in deployments}
        for model in facts.models:
            if model not in have:
                deployments.append({"name": model, "model": model,
                                    "capacity": facts.capacity or DEFAULT_CAPACITY})
                have.add(model)
        if facts.capacity and not facts.models:
            for x in deployments:
                x["capacity"] = facts.capacity
        d["deployments"] = deployments
        if facts.public_network_access is not None:
            d["public_network_access"] = facts.public_network_access
        return d

    def questions(self, draft: dict[str, Any]) -> list[Question]:
        if draft.get("deployments"):
            return []
        return [Question(key="azure_openai.models", default="gpt-4o-mini",
                         text=f"Which Azure OpenAI models should be deployed? ({', '.join(OPENAI_MODELS)})")]

    def answer_facts(self, key: str, text: str) -> RequestFacts | None:
        if key == "azure_openai.models":
            found = model_names(text)
            return RequestFacts(models=found) if found else None
        return None

    def check_context(self, params: OpenAIParams, ctx: PlanContext) -> None:
        if ctx.region not in OPENAI_REGIONS:
            raise ValueError(f"Azure OpenAI is not offered in {ctx.region}; choose one of: "
                             f"{', '.join(sorted(OPENAI_REGIONS))}")

    def estimate(self, params: OpenAIParams, ctx: PlanContext) -> CostEstimate:
        est = CostEstimate()
        for dep in params.deployments:
            tokens_m = dep.capacity * 1000 * 60 * HOURS_PER_MONTH * OPENAI_UTILISATION / 1e6
            est.add(f"{dep.model} tokens ({dep.name})", tokens_m, "M tokens",
                    rate("openai_usd_per_million_tokens", dep.model),
                    f"{dep.capacity}K TPM at {OPENAI_UTILISATION:.0%} utilisation")
        est.add("Azure OpenAI account", 1, "account", 0.0, "standard deployments bill per token only")
        est.assumptions = [
            f"deployments use {OPENAI_UTILISATION:.0%} of their tokens-per-minute limit over the month",
            "blended price for 3:1 input:output tokens; provisioned throughput is not modelled",
        ]
        return est

    def sensitive(self, params: OpenAIParams) -> list[str]:
        return ["the OpenAI account is reachable from the public internet"] if params.public_network_access else []

    def resources(self, params: OpenAIParams, ctx: PlanContext) -> list[ModelledResource]:
        tags = ctx.all_tags()
        out = []
        if params.create_resource_group:
            out.append(ModelledResource(type="azurerm_resource_group", name="main", attributes={
                "name": ctx.resource_group, "location": ctx.region, "tags": tags}))
        out.append(ModelledResource(type="azurerm_cognitive_account", name="openai", attributes={
            "name": params.account_name, "resource_group_name": ctx.resource_group, "location": ctx.region,
            "kind": "OpenAI", "sku_name": params.sku, "custom_subdomain_name": params.account_name,
            "public_network_access_enabled": params.public_network_access, "tags": tags}))
        for dep in params.deployments:
            out.append(ModelledResource(
                type="azurerm_cognitive_deployment", name=tf_name(dep.name),
                attributes={"name": dep.name, "model_format": "OpenAI", "model_name": dep.model,
                            "model_version": dep.version, "sku_name": dep.sku, "capacity": dep.capacity}))
        return out

    def describe(self, params: OpenAIParams) -> list[str]:
        deps = ", ".join(f"{d.model} ({d.capacity}K TPM)" for d in params.deployments)
        return [f"OpenAI account {params.account_name}: {deps}"]
