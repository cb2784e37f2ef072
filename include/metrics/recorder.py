"""A LangChain callback handler that records every chat-model call LakePilot makes.

`agents.llm.build_chat_model` attaches one to every model it builds, so each agent's calls are
captured without the agent doing anything. Per call it measures latency, reads token usage
from the provider's response, estimates cost from the price table, and hands an `LLMCall` to
a sink (by default the `lakepilot.ops.llm_calls` table). Recording never breaks an agent: a
sink failure is logged and the call goes on.

Rows are batched per task: the default sink buffers calls and writes them with one MERGE when
the task ends — Airflow task processes end with `os._exit`, so the flush is hooked on the task
runner's `before_stopping` listener (plugins/lakepilot_listeners_plugin.py), which runs after the
task succeeded, failed or is up for retry — when the process exits normally (the CLI: `atexit`), and
whenever `BATCH_SIZE` calls are waiting (a long task never holds many). A process killed outright
loses at most its unflushed calls, never a task's result.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from langchain_core.callbacks import BaseCallbackHandler

from include.clock import utcnow
from include.metrics.llm_calls import LLMCall
from include.metrics.pricing import price_table
from include.untrusted.redaction import excerpt

if TYPE_CHECKING:
    from langchain_core.messages import BaseMessage
    from langchain_core.outputs import LLMResult

log = logging.getLogger(__name__)

Sink = Callable[[LLMCall], None]
AGENT_METADATA_KEY = "lakepilot_agent"


@dataclass
class _Start:
    t0: float
    started_at: datetime
    agent: str
    model: str


def _airflow_context() -> dict[str, str | None]:
    """The task the call runs in (Airflow exports these to task processes)."""
    return {
        "dag_id": os.environ.get("AIRFLOW_CTX_DAG_ID"),
        "task_id": os.environ.get("AIRFLOW_CTX_TASK_ID"),
        "dag_run_id": os.environ.get("AIRFLOW_CTX_DAG_RUN_ID"),
    }


def _usage(response: Any) -> tuple[int, int, int, str]:
    """(prompt, completion, total tokens, model name) from an `LLMResult`."""
    prompt = completion = total = 0
    model = ""
    for generations in getattr(response, "generations", None) or []:
        for gen in generations:
            meta = getattr(getattr(gen, "message", None), "usage_metadata", None) or {}
            prompt += int(meta.get("input_tokens") or 0)
            completion += int(meta.get("output_tokens") or 0)
            total += int(meta.get("total_tokens") or 0)
            info = getattr(getattr(gen, "message", None), "response_metadata", None) or {}
            model = model or str(info.get("model_name") or info.get("model") or "")
    output = getattr(response, "llm_output", None) or {}
    if not (prompt or completion):
        usage = output.get("token_usage") or output.get("usage") or {}
        prompt = int(usage.get("prompt_tokens") or usage.get("input_tokens") or 0)
        completion = int(usage.get("completion_tokens") or usage.get("output_tokens") or 0)
        total = int(usage.get("total_tokens") or 0)
    model = str(output.get("model_name") or output.get("model") or model)
    return prompt, completion, total or prompt + completion, model


class LLMUsageRecorder(BaseCallbackHandler):
    """Measure and record each chat-model call (latency, tokens, estimated cost, errors).

    Args:
        agent: default agent label; a call's `metadata={"lakepilot_agent": ...}` or an
            `agent:<name>` tag overrides it; without either the Airflow task id is used.
        provider: provider label stored with each call (e.g. `openai`).
        model: configured model/deployment name, used when the response does not name one.
        sink: where finished calls go; default: the `lakepilot.ops.llm_calls` table.
    """

    raise_error = False

    def __init__(self, *, agent: str | None = None, provider: str = "", model: str = "", sink: Sink | None = None) -> None:
        super().__init__()
        self.agent = agent
        self.provider = provider
        self.model = model
        self._sink = sink
        self._starts: dict[UUID, _Start] = {}
        self._lock = threading.Lock()
        self.calls: deque[LLMCall] = deque(maxlen=500)
        self.sink_failures = 0

    # -- LangChain hooks -------------------------------------------------------------------------
    def on_chat_model_start(self, serialized: dict[str, Any], messages: list[list[BaseMessage]], *,
                            run_id: UUID, tags: list[str] | None = None,
                            metadata: dict[str, Any] | None = None, **kwargs: Any) -> None:
        self._start(run_id, tags, metadata, kwargs.get("invocation_params"))

    def on_llm_start(self, serialized: dict[str, Any], prompts: list[str], *, run_id: UUID,
                     tags: list[str] | None = None, metadata: dict[str, Any] | None = None,
                     **kwargs: Any) -> None:
        self._start(run_id, tags, metadata, kwargs.get("invocation_params"))

    def on_llm_end(self, response: LLMResult, *, run_id: UUID, **kwargs: Any) -> None:
        start = self._pop(run_id)
        prompt, completion, total, model = _usage(response)
        self._finish(run_id, start, model or start.model, prompt, completion, total, None)

    def on_llm_error(self, error: BaseException, *, run_id: UUID, **kwargs: Any) -> None:
        start = self._pop(run_id)
        text = excerpt(f"{type(error).__name__}: {error}", limit=300)
        self._finish(run_id, start, start.model, 0, 0, 0, text)

    # -- internals -------------------------------------------------------------------------------
    def _agent_for(self, tags: list[str] | None, metadata: dict[str, Any] | None) -> str:
        if metadata and metadata.get(AGENT_METADATA_KEY):
            return str(metadata[AGENT_METADATA_KEY])
        for tag in tags or []:
            if tag.startswith("agent:"):
                return tag.removeprefix("agent:")
        if self.agent:
            return self.agent
        ctx = _airflow_context()
        return ctx["task_id"] or "unknown"

    def _start(self, run_id: UUID, tags: list[str] | None, metadata: dict[str, Any] | None,
               invocation: dict[str, Any] | None) -> None:
        invocation = invocation or {}
        model = str(invocation.get("model") or invocation.get("model_name") or invocation.get("azure_deployment") or self.model)
        with self._lock:
            self._starts[run_id] = _Start(time.perf_counter(), utcnow(), self._agent_for(tags, metadata), model)

    def _pop(self, run_id: UUID) -> _Start:
        with self._lock:
            start = self._starts.pop(run_id, None)
        # An end without a start (handler attached mid-call) still records, with no latency.
        return start or _Start(time.perf_counter(), utcnow(), self._agent_for(None, None), self.model)

    def _finish(
        self, run_id: UUID, start: _Start, model: str, prompt: int, completion: int, total: int, error: str | None
    ) -> None:
        cost, price_key = (None, None)
        if error is None:
            try:
                cost, price_key = price_table().estimate(model, prompt, completion)
            except ValueError as exc:
                log.warning("LLM cost not estimated: %s", exc)
        call = LLMCall(
            call_id=str(run_id),
            agent=start.agent,
            provider=self.provider,
            model=model,
            status="error" if error else "ok",
            prompt_tokens=prompt,
            completion_tokens=completion,
            total_tokens=total,
            latency_s=round(max(time.perf_counter() - start.t0, 0.0), 6),
            cost_usd=cost,
            price_key=price_key,
            error=error,
            started_at=start.started_at,
            ended_at=utcnow(),
            **_airflow_context(),
        )
        self.calls.append(call)
        log.info(
            "llm call agent=%s model=%s status=%s tokens=%d latency=%.2fs cost_usd=%s",
            call.agent, call.model, call.status, call.total_tokens, call.latency_s, call.cost_usd,
        )
        try:
            (self._sink or default_sink)(call)
        except Exception as exc:  # recording must never break the agent that made the call
            self.sink_failures += 1
            log.warning("could not record LLM call %s: %s", call.call_id, exc)


_STORES: dict[tuple[str, ...], Any] = {}
_STORES_LOCK = threading.Lock()


def _store_key() -> tuple[str, ...]:
    """The configuration a call is recorded under (where its row belongs), read when it is made."""
    from include.config import lakehouse_root, warehouse_mode

    return (warehouse_mode().value, str(lakehouse_root()), os.environ.get("AIRFLOW_CONN_DATABRICKS_DEFAULT", ""),
            os.environ.get("LAKEPILOT_DATABRICKS_PROFILE", ""))


def _process_store(key: tuple[str, ...]) -> Any:
    """This process's ops store for `key`, built once: in Databricks mode one hook (its OAuth token
    reused) and one CREATE/DESCRIBE per table, then one MERGE per batch."""
    from include.metrics.warehouse_env import warehouse_from_env
    from include.ops.store import get_ops_store

    with _STORES_LOCK:
        store = _STORES.get(key)
        if store is None:
            store = _STORES[key] = get_ops_store(warehouse_from_env())
    return store


BATCH_SIZE = 25
_PENDING: dict[tuple[str, ...], list[LLMCall]] = {}
_PENDING_LOCK = threading.Lock()


def default_sink(call: LLMCall) -> None:
    """Buffer the call for `lakepilot.ops.llm_calls` of this process's warehouse as configured now
    (`LAKEPILOT_HOME`/`LAKEPILOT_WAREHOUSE`/the connection); written by `flush_llm_usage`."""
    key = _store_key()
    _process_store(key)  # built now, from the configuration the call was made under
    with _PENDING_LOCK:
        _PENDING.setdefault(key, []).append(call)
        full = sum(len(calls) for calls in _PENDING.values()) >= BATCH_SIZE
    if full:
        flush_llm_usage()


def pending_llm_calls() -> int:
    """How many recorded calls wait to be written."""
    with _PENDING_LOCK:
        return sum(len(calls) for calls in _PENDING.values())


def flush_llm_usage() -> int:
    """Write the buffered calls, one MERGE per destination; returns how many were written. Never
    raises: recording must not fail a task (a failed write is logged with the number of calls lost)."""
    with _PENDING_LOCK:
        batches = dict(_PENDING)
        _PENDING.clear()
    written = 0
    for key, calls in batches.items():
        try:
            _process_store(key).upsert(calls)
        except Exception as exc:
            log.warning("could not record %d LLM call(s): %s", len(calls), exc)
            continue
        written += len(calls)
    if written:
        log.info("recorded %d LLM call(s) in llm_calls", written)
    return written


atexit.register(flush_llm_usage)
