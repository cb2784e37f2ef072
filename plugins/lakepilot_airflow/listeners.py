"""Airflow listeners LakePilot registers (through plugins/lakepilot_listeners_plugin.py).

`before_stopping` runs in the task process after the task finished (success, failure, retry or
skip) and before the process ends with `os._exit`: the moment to write the LLM calls the task
made in one MERGE (include/metrics/recorder.py). Components that never recorded a call (the
scheduler, the api-server) never import the recorder here: the hook only looks at what is loaded.
"""

from __future__ import annotations

import sys
from typing import Any

from airflow.listeners import hookimpl

RECORDER = "include.metrics.recorder"


@hookimpl
def before_stopping(component: Any) -> None:
    recorder = sys.modules.get(RECORDER)
    if recorder is not None:
        recorder.flush_llm_usage()
