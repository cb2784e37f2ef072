"""Shared builders for the remediation tests: failures, decisions, and fake chat models.

The fake chat models are LangChain's `GenericFakeChatModel` with a `bind_tools` that returns the
model itself (langchain-core's fakes lack one); they answer with scripted tool calls and record
every prompt they receive, so tests can inspect exactly what would have left the process.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult

from include.remediation.models import ClusterSettings, FailureContext, TaskFailure

NOW = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)


def failure(
    error: str,
    *,
    run_id: str = "1001",
    attempt: int = 0,
    job_id: str = "77",
    owner: str | None = "owner@example.com",
    termination_code: str | None = "RUN_EXECUTION_ERROR",
    result_state: str | None = "FAILED",
    node: str | None = "i3.xlarge",
    workers: int | None = 4,
    timeout_seconds: int | None = None,
) -> FailureContext:
    """A failed attempt as the sensor would build it from the Jobs API."""
    cluster = ClusterSettings(node_type_id=node, num_workers=workers) if node or workers else None
    return FailureContext(
        job_id=job_id,
        run_id=run_id,
        attempt=attempt,
        job_name="nightly_sales",
        owner=owner,
        result_state=result_state,
        termination_code=termination_code,
        tasks=[TaskFailure(task_key="ingest", task_run_id=f"{run_id}{attempt}", error=error)],
        cluster=cluster,
        timeout_seconds=timeout_seconds,
    )


class ToolCallingFake(GenericFakeChatModel):
    """Fake chat model: answers each call with `respond(messages)` and records the prompts."""

    respond: Callable[[list[BaseMessage]], AIMessage]
    seen: list[list[BaseMessage]] = []
    delay_s: float = 0.0
    triage_timeout_s: float = 5.0

    def bind_tools(self, tools: Any, **kwargs: Any) -> ToolCallingFake:  # type: ignore[override]
        return self

    def _generate(
        self, messages: list[BaseMessage], stop: Any = None, run_manager: Any = None, **kwargs: Any
    ) -> ChatResult:
        self.seen.append(list(messages))
        if self.delay_s:
            time.sleep(self.delay_s)
        return ChatResult(generations=[ChatGeneration(message=self.respond(messages))])


def tool_reply(**args: Any) -> AIMessage:
    """An AIMessage calling the TriageAnalysis tool with these arguments."""
    return AIMessage(content="", tool_calls=[{"name": "TriageAnalysis", "args": args, "id": "call-1"}])


@pytest.fixture
def fake_llm() -> Callable[..., ToolCallingFake]:
    """Build a fake tool-calling chat model from a reply (AIMessage) or a function of the prompt."""

    def build(reply: AIMessage | Callable[[list[BaseMessage]], AIMessage], **kwargs: Any) -> ToolCallingFake:
        respond = reply if callable(reply) else (lambda _messages: reply)
        return ToolCallingFake(messages=iter(()), respond=respond, seen=[], **kwargs)

    return build
