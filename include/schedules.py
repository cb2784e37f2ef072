"""DAG schedules from the environment: `LAKEPILOT_SCHEDULE_*` read when a DAG file is parsed.

A cron expression, an Airflow preset (`@daily`, `@hourly`, …), or `none`/`off`/`manual`/`never`
for manual runs only; unset means the DAG's default. A value that is none of these fails the DAG's
import with the variable named (Airflow shows it as an import error), rather than scheduling
something else.
"""

from __future__ import annotations

import os

OFF = frozenset({"none", "off", "manual", "never"})
PRESETS = frozenset({"@once", "@continuous", "@hourly", "@daily", "@weekly", "@monthly", "@quarterly", "@yearly",
                     "@annually", "@midnight"})


def schedule_from_env(variable: str, default: str | None) -> str | None:
    """The schedule `variable` asks for (None = manual only), or `default` when it is unset."""
    raw = os.environ.get(variable, "").strip()
    if not raw:
        return default
    if raw.lower() in OFF:
        return None
    if raw.lower() in PRESETS:
        return raw.lower()
    from croniter import croniter

    if not croniter.is_valid(raw):
        raise ValueError(f"{variable}={raw!r} is not a cron expression, a preset such as @daily, or 'none'")
    return raw
