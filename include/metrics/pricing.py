"""Estimated cost of a chat-model call from a per-model price table (`data/llm_prices.yaml`).

The table is an estimate of list prices (see the file's header); a model that is not listed
gets no cost rather than a guess. `LAKEPILOT_LLM_PRICES` may point at a replacement file.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

import yaml
from pydantic import BaseModel, Field

DEFAULT_PRICES = Path(__file__).resolve().parent / "data" / "llm_prices.yaml"
ENV_PRICES = "LAKEPILOT_LLM_PRICES"


class ModelPrice(BaseModel):
    """USD per `unit_tokens` input and output tokens for models whose name starts with `match`."""

    match: str = Field(min_length=1)
    input: float = Field(ge=0)
    output: float = Field(ge=0)


class PriceTable(BaseModel):
    """The whole price table."""

    as_of: str
    currency: str = "USD"
    unit_tokens: int = Field(default=1_000_000, gt=0)
    models: list[ModelPrice]

    def lookup(self, model: str) -> ModelPrice | None:
        """The entry with the longest `match` prefix of the lower-cased model name."""
        name = (model or "").strip().lower()
        hits = [p for p in self.models if name.startswith(p.match.lower())]
        return max(hits, key=lambda p: len(p.match)) if hits else None

    def estimate(self, model: str, prompt_tokens: int, completion_tokens: int) -> tuple[float | None, str | None]:
        """(estimated USD, matched entry) for one call, or (None, None) for an unlisted model."""
        price = self.lookup(model)
        if price is None:
            return None, None
        usd = (prompt_tokens * price.input + completion_tokens * price.output) / self.unit_tokens
        return round(usd, 8), price.match


@functools.cache
def _load(path: str) -> PriceTable:
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ValueError(f"LLM price table {path} cannot be read: {exc}") from exc
    return PriceTable.model_validate(raw)


def price_table() -> PriceTable:
    """The configured price table (`LAKEPILOT_LLM_PRICES` or the bundled estimate)."""
    return _load(os.environ.get(ENV_PRICES) or str(DEFAULT_PRICES))
