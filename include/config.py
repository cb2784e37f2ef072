"""Where LakePilot keeps its state, and which mode (local or Databricks) is in use.

Everything here is resolved from the environment at call time (never at import time), so a
test or a DAG task can point LakePilot somewhere else by setting an env var.
"""

from __future__ import annotations

import os
from enum import StrEnum
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent

ENV_HOME = "LAKEPILOT_HOME"
ENV_LAKEHOUSE = "LAKEPILOT_LAKEHOUSE"
ENV_WAREHOUSE = "LAKEPILOT_WAREHOUSE"
ENV_OPS_CATALOG = "LAKEPILOT_OPS_CATALOG"
ENV_OPS_SCHEMA = "LAKEPILOT_OPS_SCHEMA"
ENV_OUTBOX = "LAKEPILOT_OUTBOX"
ENV_CACHE = "LAKEPILOT_CACHE"


class WarehouseMode(StrEnum):
    """Which SQL engine runs LakePilot's queries."""

    LOCAL = "local"
    DATABRICKS = "databricks"


def state_dir() -> Path:
    """Root of LakePilot's runtime state (git-ignored): lakehouse, reports, outbox, emulator."""
    return Path(os.environ.get(ENV_HOME) or PROJECT_ROOT / ".lakepilot").expanduser().resolve()


def lakehouse_root(override: str | os.PathLike[str] | None = None) -> Path:
    """Root of the local lakehouse (`<root>/<catalog>/<schema>/<table>`).

    Precedence: explicit argument (`--lakehouse DIR`), `LAKEPILOT_LAKEHOUSE`, `<state>/lakehouse`.
    """
    value = override or os.environ.get(ENV_LAKEHOUSE)
    return Path(value).expanduser().resolve() if value else state_dir() / "lakehouse"


def warehouse_mode() -> WarehouseMode:
    """`local` unless `LAKEPILOT_WAREHOUSE=databricks` (set when a SQL warehouse is configured)."""
    raw = (os.environ.get(ENV_WAREHOUSE) or WarehouseMode.LOCAL.value).strip().lower()
    try:
        return WarehouseMode(raw)
    except ValueError as exc:
        allowed = ", ".join(m.value for m in WarehouseMode)
        raise ValueError(f"{ENV_WAREHOUSE}={raw!r} is not a warehouse mode; use one of: {allowed}") from exc


def ops_location() -> tuple[str, str]:
    """Catalog and schema of LakePilot's own tables (`lakepilot.ops` unless configured)."""
    return (
        os.environ.get(ENV_OPS_CATALOG) or "lakepilot",
        os.environ.get(ENV_OPS_SCHEMA) or "ops",
    )


def outbox_dir() -> Path:
    """Where the local mail sink writes sent messages as .eml files."""
    value = os.environ.get(ENV_OUTBOX)
    return Path(value).expanduser().resolve() if value else state_dir() / "outbox"


def cache_dir() -> Path:
    """Derived files that are safe to share and to delete (trained router, sentence embeddings).

    `LAKEPILOT_CACHE`, else `<state>/cache`. Every entry is keyed by a hash of what it was built
    from, so several state directories (or test runs) can share one cache without going stale.
    """
    value = os.environ.get(ENV_CACHE)
    return Path(value).expanduser().resolve() if value else state_dir() / "cache"


def reports_dir() -> Path:
    """Where rendered health reports are written as files."""
    return state_dir() / "reports"
