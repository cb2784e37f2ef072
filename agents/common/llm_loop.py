"""The LLM path: a LangChain tool-calling agent with an iteration cap, a deadline and a typed answer.

Any failure (timeout, rate limit, provider error, call cap reached, no or malformed structured
answer) raises `LLMPathError` with a short `reason`; the caller falls back to the
deterministic path and records that reason.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from agents.common.deadline import call_with_deadline
from agents.common.models import LLMAnalysis

if TYPE_CHECKING:
    from langchain.agents.middleware import AgentMiddleware

log = logging.getLogger(__name__)

MAX_DEADLINE_S = 600.0


class LLMPathError(RuntimeError):
    """The LLM path did not produce a usable answer; `reason` says why in a few words."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


def classify(exc: BaseException) -> str:
    """A short, stable name for why the LLM path failed (recorded with the analysis)."""
    if isinstance(exc, LLMPathError):
        return exc.reason
    name = type(exc).__name__
    text = str(exc).lower()
    if isinstance(exc, TimeoutError) or "timeout" in name.lower() or "timed out" in text:
        return "timeout"
    if "ratelimit" in name.lower() or "429" in text or "rate limit" in text:
        return "rate_limit"
    if name == "ModelCallLimitExceededError":
        return "iteration_cap"
    if name == "GraphRecursionError":
        return "iteration_cap"
    if isinstance(exc, ValidationError) or "StructuredOutput" in name or "validation" in text:
        return "malformed_output"
    if "authentication" in name.lower() or "401" in text:
        return "auth_error"
    if "connection" in name.lower() or "connection refused" in text:
        return "connection_error"
    return f"error ({name})"


def _deadline_middleware(deadline: float) -> AgentMiddleware[Any]:
    from langchain.agents.middleware import AgentMiddleware

    class DeadlineMiddleware(AgentMiddleware):
        """Stops the loop before another model call once the analysis' time budget is spent."""

        def before_model(self, state: Any, runtime: Any) -> None:
            if time.monotonic() > deadline:
                raise TimeoutError("LLM analysis time budget used up")
            return None

    return DeadlineMiddleware()


def run_agent_loop(
    model: Any,
    tools: list[Any],
    *,
    system_prompt: str,
    user_prompt: str,
    max_iterations: int,
    deadline_s: float,
) -> tuple[LLMAnalysis, int]:
    """Run the tool-calling loop; return the structured answer and the number of tool calls made.

    Args:
        model: A LangChain chat model that supports `bind_tools`.
        tools: Read-only tools the model may call.
        system_prompt: Rendered `prompts/system.j2`.
        user_prompt: Rendered task message (findings as data).
        max_iterations: Cap on model calls (each tool round trip is one).
        deadline_s: Wall-clock budget for the whole loop.
    """
    from langchain.agents import create_agent
    from langchain.agents.middleware import ModelCallLimitMiddleware
    from langchain.agents.structured_output import ToolStrategy

    deadline_s = min(max(deadline_s, 1.0), MAX_DEADLINE_S)
    deadline = time.monotonic() + deadline_s
    agent = create_agent(
        model,
        tools,
        system_prompt=system_prompt,
        response_format=ToolStrategy(LLMAnalysis),
        middleware=[ModelCallLimitMiddleware(run_limit=max_iterations, exit_behavior="error"), _deadline_middleware(deadline)],
    )
    payload = {"messages": [{"role": "user", "content": user_prompt}]}
    config = {"recursion_limit": 4 * max_iterations + 4}
    try:
        state = call_with_deadline(agent.invoke, payload, config, timeout_s=deadline_s, name="lakepilot-llm")
    except TimeoutError as exc:
        # The worker stops at its next model call (deadline middleware); do not wait for it.
        raise LLMPathError("timeout", f"no answer within {deadline_s:.0f}s") from exc
    except Exception as exc:
        raise LLMPathError(classify(exc), str(exc)[:300]) from exc
    answer = state.get("structured_response")
    if not isinstance(answer, LLMAnalysis):
        raise LLMPathError("malformed_output", "the model finished without the LLMAnalysis answer")
    tool_calls = sum(len(getattr(m, "tool_calls", []) or []) for m in state.get("messages", []))
    return answer, max(0, tool_calls - 1)  # the final LLMAnalysis call is the answer, not a tool use
