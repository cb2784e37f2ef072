"""Airflow plugin: LakePilot's pages, JSON API and metrics inside Airflow's own api-server and UI.

Mounts `lakepilot_airflow.ui.app` at `/lakepilot` and adds a "LakePilot" entry to the Airflow
navigation (shown inside the Airflow UI at `/plugin/lakepilot`). Authentication is Airflow's:
see `lakepilot_airflow/ui/auth.py` and docs/ui.md.
"""

from __future__ import annotations

from airflow.plugins_manager import AirflowPlugin
from lakepilot_airflow.ui.app import URL_PREFIX, create_app


class LakePilotUIPlugin(AirflowPlugin):
    """The LakePilot view in Airflow."""

    name = "lakepilot_ui"
    fastapi_apps = [{"app": create_app(), "url_prefix": URL_PREFIX, "name": "LakePilot"}]
    external_views = [
        {
            "name": "LakePilot",
            "href": f"{URL_PREFIX}/",
            "destination": "nav",
            "url_route": "lakepilot",
            "icon": f"{URL_PREFIX}/static/icon.svg",
        }
    ]
