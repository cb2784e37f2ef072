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
        Finding(domain="cost", check="idle_all_purpose", severity="medium", entity_type="cluster", entity_id="0510-abc",
                metric="avg_cpu_pct", observed=0.8, baseline=5.0, summary="Cluster 0510-abc idled 20 h at 0.8% CPU",
                recommendation="Enable auto-termination.",
                evidence={"owner": "bob@example.com", "running_hours": 20, "usd": 120.0, "auto_termination_minutes": None}, **w),
        Finding(domain="cost", check="budget_forecast", severity="critical", entity_type="workspace", entity_id="1001",
                metric="month_end_forecast_usd", observed=9500.0, baseline=8000.0,
                summary="Workspace 1001 is forecast to spend $9,500 of its $8,000 monthly budget",
                recommendation="Review the top jobs by cost.",
                evidence={"budget_usd": 8000, "mtd_usd": 8100.0, "median_daily_usd": 280.0, "days_left": 5, "variance_pct": 20.0,
                          "note": "token dapi0123456789abcdef0123456789abcdef seen in tags"}, **w),
        Finding(domain="cost", check="sku_spike", severity="high", entity_type="workspace_sku", entity_id="1002/JOBS_COMPUTE",
                metric="spend_usd", observed=300.0, baseline=100.0, summary="Jobs compute in 1002 tripled",
                recommendation="Check yesterday's largest job runs.",
                evidence={"sku_name": "JOBS_COMPUTE", "ratio": 3.0, "extra_usd": 200.0}, **w),
    ]
    errors = [CheckError(check="tag_coverage", error="table system.compute.clusters not found")] if with_errors else []
    return DomainSweep(domain="cost", as_of=AS_OF, window_start=start, window_end=AS_OF, findings=findings,
                       errors=errors, checks_run=["idle_all_purpose", "budget_forecast", "sku_spike", "tag_coverage"], engine="local")
