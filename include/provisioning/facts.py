"""What a provisioning request (or an edit to one) says, as one typed value.

Both parsers produce `RequestFacts`: the deterministic one from patterns, the LLM one through
structured output. Facts are only suggestions: every value is normalised and validated again when
the draft becomes a plan, and capability names are checked against the registry, so LLM text can
never add a capability or a value the allow-lists do not contain.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Answer = Literal["yes", "no"]


class RequestFacts(BaseModel):
    """Everything a request or edit may say; unset fields mean 'not mentioned'."""

    model_config = ConfigDict(extra="forbid")

    capabilities: list[str] = Field(default_factory=list, description="capabilities to add, by registry name")
    drop_capabilities: list[str] = Field(default_factory=list, description="capabilities to remove")
    team: str | None = Field(default=None, description="owning team, e.g. 'ml-team'")
    environment: str | None = Field(default=None, description="dev, test, staging or prod")
    region: str | None = Field(default=None, description="Azure region, e.g. 'eastus' or 'East US'")
    gpu: bool | None = Field(default=None, description="GPU nodes for ML workloads")
    workload: Literal["ml"] | None = Field(
        default=None, description="'ml' when the compute is for machine learning / data science / model training")
    size: Literal["small", "medium", "large"] | None = None
    node_type: str | None = Field(default=None, description="explicit Azure VM size, e.g. Standard_DS3_v2")
    min_workers: int | None = Field(default=None, ge=0, le=1000)
    max_workers: int | None = Field(default=None, ge=0, le=1000)
    sku: Literal["standard", "premium", "trial"] | None = None
    public_network_access: bool | None = None
    models: list[str] = Field(default_factory=list, description="Azure OpenAI models to deploy")
    drop_models: list[str] = Field(default_factory=list)
    capacity: int | None = Field(default=None, ge=1, le=10000, description="deployment capacity in K tokens/min")
    ports: list[str] = Field(default_factory=list, description="ports or ranges to open, e.g. '443', '8000-8100'")
    drop_ports: list[str] = Field(default_factory=list)
    protocol: Literal["Tcp", "Udp", "*"] | None = None
    sources: list[str] = Field(default_factory=list, description="source CIDRs or service tags")
    drop_sources: list[str] = Field(default_factory=list)
    replace_sources: bool | None = Field(
        default=None, description="true when the sources given replace the current ones ('restrict the sources to X')")
    destination: str | None = None
    expires_on: date | None = None
    budget_usd: float | None = Field(
        default=None, ge=0, le=10_000_000, description="monthly budget in USD the plan must stay within; 0 = no limit")
    allow_public_admin: bool | None = Field(default=None, description="explicit override to open admin ports publicly")
    override_reason: str | None = None
    names: dict[str, str] = Field(default_factory=dict, description="name overrides by name key, e.g. resource_group")
    answer: Answer | None = Field(default=None, description="a plain yes or no")

    def is_empty(self) -> bool:
        return self == RequestFacts()
