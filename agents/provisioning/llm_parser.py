"""The LLM request parser: the same `RequestFacts` as the deterministic parser, via structured output.

The model only fills a typed value; capability names outside the registry are dropped here, and
every other value is validated again when the draft becomes a plan, so model output can never
widen what provisioning may do. Any model failure falls back to the deterministic parser.

The call is bounded by a deadline (default: twice the client's request timeout plus a second, as
for triage): the OpenAI client honours a rate limiter's `Retry-After` of up to two minutes between
its attempts, and a person waiting at the prompt should get the built-in parser instead.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from agents.common.deadline import call_with_deadline
from include.provisioning.azure_facts import OPENAI_MODELS, REGIONS
from include.provisioning.capability import Question
from include.provisioning.facts import RequestFacts
from include.provisioning.registry import CapabilityRegistry, get_registry
from include.templating import template_environment

log = logging.getLogger(__name__)
_PROMPTS = Path(__file__).resolve().parent / "prompts"
DEFAULT_DEADLINE_S = 61.0  # a chat model without a known request timeout (ChatOpenAI's default 60 s + 1)


def render_prompt(message: str, question: Question | None, draft: str, registry: CapabilityRegistry) -> str:
    env = template_environment(_PROMPTS)
    caps = [{"name": n, "description": registry.get(n).description} for n in registry.names()]
    name_keys = ["resource_group"] + [f"{n}.{f}" for n in registry.names() for f in registry.get(n).name_fields]
    return env.get_template("extract_request.j2").render(
        capabilities=caps, regions=list(REGIONS), models=list(OPENAI_MODELS), name_keys=name_keys,
        question=question.model_dump() if question else None, draft=draft, message=message)


def sanitise(facts: RequestFacts, registry: CapabilityRegistry) -> RequestFacts:
    """Keep only registered capability names (the allow-list); the rest is validated downstream."""
    facts.capabilities = [c for c in facts.capabilities if c in registry]
    facts.drop_capabilities = [c for c in facts.drop_capabilities if c in registry]
    return facts


def default_deadline(model: Any) -> float:
    """Twice the model's per-request timeout plus a second (one retry's worth), else `DEFAULT_DEADLINE_S`."""
    timeout = getattr(model, "request_timeout", None)
    if isinstance(timeout, int | float) and not isinstance(timeout, bool) and timeout > 0:
        return float(timeout) * 2 + 1
    return DEFAULT_DEADLINE_S


class LLMRequestParser:
    """Parse messages with a LangChain chat model's structured output into `RequestFacts`."""

    def __init__(self, model: Any, registry: CapabilityRegistry | None = None, *,
                 timeout_s: float | None = None) -> None:
        self.model = model
        self.registry = registry or get_registry()
        self.timeout_s = timeout_s or default_deadline(model)

    def parse(self, message: str, question: Question | None, draft: str) -> RequestFacts:
        """Ask the model; raises on any failure or after `timeout_s` (the caller falls back)."""
        structured = self.model.with_structured_output(RequestFacts)
        result = call_with_deadline(structured.invoke, render_prompt(message, question, draft, self.registry),
                                        timeout_s=self.timeout_s, name="lakepilot-provision-llm")
        facts = result if isinstance(result, RequestFacts) else RequestFacts.model_validate(result)
        return sanitise(facts, self.registry)
