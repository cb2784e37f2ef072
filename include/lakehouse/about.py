"""What a local lakehouse directory holds, and up to when: `<lakehouse>/_lakepilot/lakehouse.json`.

A real workspace's tables run up to now. A local copy — the simulator's generated workspace, or system
tables exported from a real account — ends at some moment in the past, and questions like "yesterday" or
a default sweep must be read as of that moment, not the wall clock's. The producer of the directory says so
in this file (the simulator writes it for its workspaces, an export script may write it beside its
tables); every reader in the product asks this module, never the producer.

Without the file a lakehouse is taken to run up to now.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ValidationError

from include.clock import UtcDateTime, utcnow

log = logging.getLogger(__name__)

ABOUT_FILE = Path("_lakepilot") / "lakehouse.json"


class LakehouseAbout(BaseModel):
    """Where a local lakehouse's data came from and the time span it covers."""

    source: Literal["simulated", "export"]
    description: str  # one line for `lakepilot info` and the banner, e.g. "simulated workspace (seed 7, …)"
    data_start: UtcDateTime | None = None
    data_end: UtcDateTime | None = None
    generated_at: UtcDateTime | None = None  # when the data was produced: a new one invalidates cached answers


def read_about(root: str | Path | None) -> LakehouseAbout | None:
    """The lakehouse's about file, or None when it has none (or `root` is None: not a local lakehouse)."""
    if root is None:
        return None
    path = Path(root) / ABOUT_FILE
    if not path.is_file():
        return None
    try:
        return LakehouseAbout.model_validate(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, ValidationError) as exc:
        raise ValueError(f"lakehouse description {path}: {exc}") from exc


def write_about(root: str | Path, about: LakehouseAbout) -> Path:
    """Write (replace) the about file of the lakehouse at `root`."""
    path = Path(root) / ABOUT_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(about.model_dump_json(indent=2), encoding="utf-8")
    tmp.replace(path)
    return path


def data_ends_before(root: str | Path | None, now: datetime | None = None) -> datetime | None:
    """When the lakehouse's data ends, if that lies before `now` (default: the wall clock); else None.

    An unreadable about file counts as none (the data is read as of now), so a broken file never stops
    a sweep or a question; `read_about` is the strict reader.
    """
    try:
        about = read_about(root)
    except ValueError as exc:
        log.warning("%s; reading the data as of now", exc)
        return None
    if about is None or about.data_end is None:
        return None
    return about.data_end if about.data_end < (now or utcnow()) else None
