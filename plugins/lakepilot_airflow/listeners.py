"""Airflow listeners LakePilot registers (through plugins/lakepilot_listeners_plugin.py).

`before_stopping` runs in the task process after the task finished (success, failure, retry or
skip) and before the process ends with `os._exit`: the moment to write the LLM calls the task
made in one MERGE (include/metrics/recorder.py), and — against a Databricks SQL warehouse, when the
task wrote LakePilot's tables — to refresh the stored metrics snapshot the scrape serves
(include/metrics/stored.py: the warehouse is awake now; a scrape never wakes it). Components that
never recorded a call or wrote a table (the scheduler, the api-server) import nothing here: the hook
only looks at what is loaded.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

from airflow.listeners import hookimpl

RECORDER = "include.metrics.recorder"
STORE = "include.ops.store"
log = logging.getLogger(__name__)


@hookimpl
def before_stopping(component: Any) -> None:
    recorder = sys.modules.get(RECORDER)
    if recorder is not None:
        recorder.flush_llm_usage()
    store = sys.modules.get(STORE)
    if store is not None and store.writes() > 0:
        refresh_metrics()


def refresh_metrics() -> None:
    """Refresh the stored metrics snapshot when the ops tables live in Databricks (never fails the task)."""
    try:
        from include.lakehouse.warehouse import local_root
        from include.metrics.stored import refresh_after_writes
        from lakepilot_airflow.connections import resolve_warehouse

        warehouse = resolve_warehouse()
        if local_root(warehouse) is None:
            refresh_after_writes(warehouse)
    except Exception as exc:  # metrics must never fail the task that wrote the data
        log.warning("could not refresh the stored metrics snapshot: %s", type(exc).__name__)
