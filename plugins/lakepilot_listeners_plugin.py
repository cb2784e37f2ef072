"""Airflow plugin: LakePilot's listeners (see lakepilot_airflow/listeners.py)."""

from __future__ import annotations

from airflow.plugins_manager import AirflowPlugin
from lakepilot_airflow import listeners


class LakePilotListenersPlugin(AirflowPlugin):
    """Writes a task's recorded LLM calls when the task process stops."""

    name = "lakepilot_listeners"
    listeners = [listeners]
