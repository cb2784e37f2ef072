"""The listener plugin writes a task's recorded LLM calls when Airflow's task runner stops.

Airflow's task runner calls `before_stopping` after the task ended (any state) and before the
process ends with `os._exit`; here the plugin's listeners go into the task SDK's own
ListenerManager and the hook is called as the runner calls it. tests/reliability runs it inside
real Airflow (every LLM call a DAG makes is in llm_calls).
"""

from __future__ import annotations

from pathlib import Path

from airflow.sdk._shared.listeners.spec import lifecycle, taskinstance
from airflow.sdk.listener import ListenerManager
from lakepilot_listeners_plugin import LakePilotListenersPlugin

from include.metrics.llm_calls import LLMCall
from include.metrics.recorder import default_sink, pending_llm_calls
from include.ops.store import LocalOpsStore


def test_before_stopping_writes_the_buffered_calls(lakehouse: Path) -> None:
    manager = ListenerManager()
    manager.add_hookspecs(lifecycle)
    manager.add_hookspecs(taskinstance)
    for listener in LakePilotListenersPlugin.listeners:
        manager.add_listener(listener)
    for i in range(3):
        default_sink(LLMCall(call_id=f"call-{i}", agent="triage", model="gpt-4o-mini", prompt_tokens=10))
    assert pending_llm_calls() == 3 and LocalOpsStore(lakehouse).read(LLMCall) == []
    manager.hook.before_stopping(component=object())
    assert pending_llm_calls() == 0
    assert sorted(r.call_id for r in LocalOpsStore(lakehouse).read(LLMCall)) == ["call-0", "call-1", "call-2"]
    manager.hook.before_stopping(component=object())  # nothing left: a second stop writes nothing twice
    assert len(LocalOpsStore(lakehouse).read(LLMCall)) == 3
