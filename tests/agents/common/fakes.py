"""A scripted tool-calling chat model for driving the real LangChain agent loop in tests.

langchain-core's fake chat models lack `bind_tools` (create_agent needs it); this subclass of
`GenericFakeChatModel` returns itself from `bind_tools`, records what it was sent, and can be
told to sleep or raise. The tools it "calls" are the real tools; only the model is fake.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, BaseMessage

from include.health.models import CheckError, DomainSweep
from include.ops.models import Finding


class ScriptedToolModel(GenericFakeChatModel):
    """Replies with the scripted messages in order; `before_each` may sleep or raise."""

    seen: list[list[BaseMessage]] = []
    before_each: Callable[[int], None] | None = None

    def bind_tools(self, tools: Any, **kwargs: Any) -> ScriptedToolModel:  # type: ignore[override]
        return self

    def _generate(self, messages: list[BaseMessage], *args: Any, **kwargs: Any):
        self.seen.append(list(messages))
        if self.before_each is not None:
            self.before_each(len(self.seen))
        return super()._generate(messages, *args, **kwargs)


def scripted(*replies: AIMessage, before_each: Callable[[int], None] | None = None) -> ScriptedToolModel:
    return ScriptedToolModel(messages=iter(list(replies)), seen=[], before_each=before_each)


def call(name: str, args: dict[str, Any] | None = None, idx: int = 0) -> AIMessage:
    """An AI message that calls one tool."""
    return AIMessage(content="", tool_calls=[{"name": name, "args": args or {}, "id": f"call_{name}_{idx}", "type": "tool_call"}])


def answer(headline: str, notes: list[dict[str, str]], idx: int = 99) -> AIMessage:
    """The final structured answer (the tool named after the LLMAnalysis model)."""
    return call("LLMAnalysis", {"headline": headline, "findings": notes}, idx)


def sleeper(seconds: float) -> Callable[[int], None]:
    return lambda _n: time.sleep(seconds)


def raiser(exc: BaseException) -> Callable[[int], None]:
    def _raise(_n: int) -> None:
        raise exc

    return _raise


AS_OF = datetime(2026, 5, 10, 6, tzinfo=UTC)


def cost_sweep(with_errors: bool = False) -> DomainSweep:
    start = AS_OF - timedelta(days=1)
    w = {"window_start": start, "window_end": AS_OF}
    findings = [
        Finding(domain="cost", check="idle_cluster", severity="medium", entity_type="cluster", entity_id="0510-abc",
                metric="idle_usd", observed=120.0, baseline=10.0, summary="Cluster 0510-abc idled 20 h",
                recommendation="Enable auto-termination.", evidence={"owner": "bob@example.com", "hours_idle": 20}, **w),
        Finding(domain="cost", check="budget_burn", severity="critical", entity_type="workspace", entity_id="1001",
                metric="month_to_date_usd", observed=9500.0, baseline=8000.0,
                summary="Workspace 1001 spent $9,500 of its $8,000 monthly budget",
                recommendation="Review the top jobs by cost.", evidence={"budget_usd": 8000, "note": "token dapi0123456789abcdef0123456789abcdef seen in tags"}, **w),
        Finding(domain="cost", check="sku_spike", severity="high", entity_type="workspace", entity_id="1002",
                metric="daily_usd", observed=300.0, baseline=100.0, summary="Jobs compute in 1002 tripled",
                recommendation="Check yesterday's largest job runs.", evidence={"sku": "JOBS_COMPUTE"}, **w),
    ]
    errors = [CheckError(check="tag_coverage", error="table system.compute.clusters not found")] if with_errors else []
    return DomainSweep(domain="cost", as_of=AS_OF, window_start=start, window_end=AS_OF, findings=findings,
                       errors=errors, checks_run=["idle_cluster", "budget_burn", "sku_spike", "tag_coverage"], engine="local")
