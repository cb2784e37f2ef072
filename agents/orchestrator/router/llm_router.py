"""Ask the configured chat model for the domains, as a typed structured output.

The model can only answer with `LLMRoute` (a closed list of domains); anything else fails
validation and the caller falls back to the offline router. The call runs in a worker thread
bounded by the configured timeout, so a hung endpoint cannot hold up the answer.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment
from pydantic import BaseModel, Field, ValidationError

from agents.common.deadline import call_with_deadline
from agents.orchestrator.router.domains import DOMAIN_DESCRIPTIONS
from include.ops.models import Domain
from include.templating import template_environment

log = logging.getLogger(__name__)
PROMPTS = Path(__file__).resolve().parent / "prompts"


class LLMRoute(BaseModel):
    """Which LakePilot domains should answer the user's question."""

    domains: list[Domain] = Field(
        default_factory=list,
        description="Every domain the question asks about; when ambiguous, the domains to offer the user.",
    )
    ambiguous: bool = Field(default=False, description="True when the question does not say what it is about.")
    reason: str = Field(default="", description="One short sentence on why.")


class LLMRouteError(RuntimeError):
    """The model did not give a usable routing answer (error, timeout or invalid output)."""


@lru_cache(maxsize=1)
def _env() -> Environment:
    return template_environment(PROMPTS)


def render_messages(question: str, previous_domains: list[Domain] | None = None) -> list[tuple[str, str]]:
    """The (role, text) messages sent to the model."""
    env = _env()
    system = env.get_template("route_system.j2").render(
        domains=DOMAIN_DESCRIPTIONS, previous_domains=previous_domains or []
    )
    user = env.get_template("route_user.j2").render(question=question)
    return [("system", system), ("human", user)]


def _invoke(chat_model: Any, messages: list[tuple[str, str]]) -> Any:
    structured = chat_model.with_structured_output(LLMRoute, method="function_calling")
    return structured.invoke(messages, config={"metadata": {"lakepilot_agent": "router"}})


def ask_llm(
    question: str, chat_model: Any, timeout_s: float, previous_domains: list[Domain] | None = None
) -> LLMRoute:
    """The model's routing answer, validated; raises `LLMRouteError` on any failure or timeout."""
    from langchain_core.exceptions import OutputParserException

    messages = render_messages(question, previous_domains)
    try:
        raw = call_with_deadline(_invoke, chat_model, messages, timeout_s=timeout_s, name="llm-router")
    except TimeoutError as exc:
        raise LLMRouteError(f"the model did not answer within {timeout_s:g}s") from exc
    except (ValidationError, OutputParserException) as exc:
        raise LLMRouteError(f"the model's answer is not a valid route: {str(exc).splitlines()[0][:160]}") from exc
    except Exception as exc:  # noqa: BLE001 - any provider error means: use the offline route
        # Only the error type and HTTP status: provider messages can echo request details.
        status = getattr(exc, "status_code", None)
        detail = f" (HTTP {status})" if status else ""
        raise LLMRouteError(f"the model call failed: {type(exc).__name__}{detail}") from exc
    try:
        answer = raw if isinstance(raw, LLMRoute) else LLMRoute.model_validate(raw)
    except ValidationError as exc:
        raise LLMRouteError(f"the model's answer is not a valid route: {exc.errors()[0]['msg']}") from exc
    if not answer.domains and not answer.ambiguous:
        raise LLMRouteError("the model named no domain and did not call the question ambiguous")
    return answer
