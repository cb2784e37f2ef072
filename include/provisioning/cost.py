"""Monthly cost estimates from a transparent table of list prices and stated assumptions.

These are ESTIMATES for a reviewer to sanity-check a plan, not a quote: pay-as-you-go list
prices (USD, East US, 2025), no reservations or discounts, and usage assumptions written next to
every line. Rates live in `RATES`; change them there and every estimate follows.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

HOURS_PER_MONTH = 730

# Hours per month an interactive cluster is assumed to run, per environment.
CLUSTER_HOURS: dict[str, int] = {"dev": 120, "test": 120, "staging": 200, "prod": 400}
# Average share of the autoscaling range in use while running (0 = min workers, 1 = max).
AUTOSCALE_SHARE = 0.25
# Share of an Azure OpenAI deployment's rate limit (tokens/min) assumed used over the month.
OPENAI_UTILISATION = 0.02

RATES: dict[str, dict[str, float]] = {
    # VM list price (USD/hour) and Databricks DBUs per hour per node.
    "vm_usd_per_hour": {
        "Standard_DS3_v2": 0.293, "Standard_DS4_v2": 0.585, "Standard_DS5_v2": 1.170,
        "Standard_D4ds_v5": 0.226, "Standard_D8ds_v5": 0.452, "Standard_E8ds_v5": 0.576,
        "Standard_NC4as_T4_v3": 0.526, "Standard_NC8as_T4_v3": 0.752, "Standard_NC6s_v3": 3.060,
        "Standard_NC24ads_A100_v4": 3.673,
    },
    "dbu_per_hour": {
        "Standard_DS3_v2": 0.75, "Standard_DS4_v2": 1.5, "Standard_DS5_v2": 3.0,
        "Standard_D4ds_v5": 1.0, "Standard_D8ds_v5": 2.0, "Standard_E8ds_v5": 2.0,
        "Standard_NC4as_T4_v3": 0.75, "Standard_NC8as_T4_v3": 1.5, "Standard_NC6s_v3": 3.0,
        "Standard_NC24ads_A100_v4": 5.0,
    },
    # All-purpose compute, USD per DBU, by workspace SKU.
    "usd_per_dbu": {"standard": 0.40, "premium": 0.55, "trial": 0.0},
    # Azure OpenAI, blended USD per 1M tokens (3:1 input:output).
    "openai_usd_per_million_tokens": {
        "gpt-4o": 4.375, "gpt-4o-mini": 0.2625, "gpt-4.1": 3.5, "gpt-4.1-mini": 0.7, "o3-mini": 1.925,
        "text-embedding-3-large": 0.13, "text-embedding-3-small": 0.02,
    },
}


class CostLine(BaseModel):
    """One priced item: quantity × unit price = monthly cost."""

    item: str
    quantity: float
    unit: str
    unit_usd: float
    monthly_usd: float
    note: str = ""


class CostEstimate(BaseModel):
    """Itemised monthly estimate of one capability."""

    lines: list[CostLine] = Field(default_factory=list)
    assumptions: list[str] = Field(default_factory=list)

    @property
    def monthly_usd(self) -> float:
        return round(sum(line.monthly_usd for line in self.lines), 2)

    def add(self, item: str, quantity: float, unit: str, unit_usd: float, note: str = "") -> None:
        self.lines.append(CostLine(item=item, quantity=round(quantity, 3), unit=unit, unit_usd=unit_usd,
                                   monthly_usd=round(quantity * unit_usd, 2), note=note))


def rate(table: str, key: str) -> float:
    """A rate from `RATES`, with an error naming the missing entry."""
    try:
        return RATES[table][key]
    except KeyError as exc:
        raise KeyError(f"no {table} rate for {key!r}; add it to include/provisioning/cost.py RATES") from exc
