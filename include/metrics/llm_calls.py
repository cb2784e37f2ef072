"""`lakepilot.ops.llm_calls`: one row per chat-model call, as the usage recorder saw it.

Keyed by `call_id` (LangChain's run id of the call), so a callback that fires twice, or a
retried flush, updates one row instead of adding a second.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from include.clock import utcnow
from include.ops.models import OpsRecord, register_ops_model

CallStatus = Literal["ok", "error"]


@register_ops_model
class LLMCall(OpsRecord):
    """One call to the chat model: who made it, what it cost, how long it took."""

    __table__ = "llm_calls"
    __key__ = ("call_id",)

    call_id: str
    agent: str = Field(description="LakePilot agent that made the call, e.g. 'cost' or 'triage'.")
    provider: str = ""
    model: str = ""
    status: CallStatus = "ok"
    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0
    latency_s: float = 0.0
    cost_usd: float | None = Field(
        default=None, description="Estimate from the price table; None when the model has no listed price."
    )
    price_key: str | None = Field(default=None, description="Price-table entry the estimate used.")
    error: str | None = None
    dag_id: str | None = None
    task_id: str | None = None
    dag_run_id: str | None = None
    started_at: datetime = Field(default_factory=utcnow)
    ended_at: datetime = Field(default_factory=utcnow)
