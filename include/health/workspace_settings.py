"""What a workspace's health checks need to know that the system tables do not say: budgets,
which tables are monitored (and their drift-metrics tables), which endpoints log inference tables.

Real workspaces keep these in a settings file (`LAKEPILOT_HEALTH_SETTINGS`, a JSON object of
`HealthSettings` fields) or in the Airflow Variable `lakepilot_health_settings`; a local lakehouse
directory may carry its own at `<lakehouse>/_lakepilot/health_settings.json` (the simulator writes
one for its workspace, as an operator would for an export). Precedence, lowest first: defaults,
the file, explicit settings (the Variable, a caller's `HealthSettings`) — per field, so a Variable
that only tunes a threshold keeps the file's budgets.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any

from include.health.settings import HealthSettings

log = logging.getLogger(__name__)

ENV_FILE = "LAKEPILOT_HEALTH_SETTINGS"
LAKEHOUSE_FILE = Path("_lakepilot") / "health_settings.json"


def settings_file(lakehouse: Path | None) -> Path | None:
    """The settings file in effect: the env var's, else the local lakehouse's (None when neither exists)."""
    if os.environ.get(ENV_FILE):
        return Path(os.environ[ENV_FILE])
    if lakehouse is not None and (lakehouse / LAKEHOUSE_FILE).is_file():
        return lakehouse / LAKEHOUSE_FILE
    return None


def read_settings_file(path: Path) -> dict[str, Any]:
    """The file's fields, validated as `HealthSettings` (an error names the file and the field)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ValueError(f"health settings file {path}: {exc}") from exc
    try:
        return HealthSettings.model_validate(data).model_dump(include=set(data))
    except ValueError as exc:
        raise ValueError(f"health settings file {path}: {exc}") from exc


def resolve_settings(explicit: HealthSettings | None = None, *, lakehouse: Path | None = None) -> HealthSettings:
    """Defaults, then the settings file, then what `explicit` set (field by field)."""
    merged: dict[str, Any] = {}
    path = settings_file(lakehouse)
    if path is not None:
        merged.update(read_settings_file(path))
    if explicit is not None:
        merged.update(explicit.model_dump(include=explicit.model_fields_set))
    return HealthSettings.model_validate(merged)


def workspace_names(lakehouse: Path | None) -> dict[str, str]:
    """workspace_id -> name from the settings in effect; {} (ids shown as they are) when a damaged settings
    file cannot be read — a name is never worth stopping a report or a question for."""
    try:
        return resolve_settings(lakehouse=lakehouse).workspace_names
    except ValueError as exc:
        log.warning("ignoring unreadable health settings: %s", exc)
        return {}


def write_settings_file(root: Path, settings: dict[str, Any]) -> Path:
    """Write a lakehouse's settings file (validated first)."""
    HealthSettings.model_validate(settings)
    path = root / LAKEHOUSE_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(settings, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return path
