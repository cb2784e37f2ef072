"""LakePilot's metrics computed when the data is written, so a Prometheus scrape never wakes the SQL warehouse.

Against Databricks (`LAKEPILOT_WAREHOUSE=databricks`) each aggregate query behind `/lakepilot/metrics`
runs on the SQL warehouse; scraped every 15–60 s, the warehouse would never auto-stop. So there:

- a task that wrote LakePilot's tables refreshes a stored snapshot just before its process ends — the
  warehouse is awake then anyway (`refresh_after_writes`, called by the `before_stopping` listener), at most
  once per `LAKEPILOT_METRICS_REFRESH_SECONDS` (default 300) across all tasks;
- the scrape serves that snapshot (`stored_snapshot`): the ops values as of its writing, Airflow's pending
  approvals read live (from Airflow, not the warehouse), and `lakepilot_metrics_snapshot_age_seconds`.

The snapshot is a JSON file, `LAKEPILOT_METRICS_SNAPSHOT` or `<state dir>/metrics/ops-snapshot.json` (the
state directory the api-server and the workers share), written atomically. Locally the same queries run
on DuckDB over local files, so the scrape still collects live.
"""

from __future__ import annotations

import logging
import os
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

from include.clock import as_utc, utcnow
from include.config import state_dir
from include.metrics.collect import collect, with_approvals
from include.metrics.snapshot import MetricsSnapshot, SourceStatus
from include.ui.models import PendingApproval

log = logging.getLogger(__name__)

SNAPSHOT_ENV = "LAKEPILOT_METRICS_SNAPSHOT"
REFRESH_ENV = "LAKEPILOT_METRICS_REFRESH_SECONDS"
DEFAULT_REFRESH_S = 300.0
OPS_SOURCES = ("findings", "remediation", "sweeps", "triage", "llm", "provisioning", "reports")


def snapshot_path() -> Path:
    value = os.environ.get(SNAPSHOT_ENV)
    return Path(value).expanduser() if value else state_dir() / "metrics" / "ops-snapshot.json"


def refresh_interval_s() -> float:
    raw = os.environ.get(REFRESH_ENV, "").strip()
    try:
        return max(float(raw), 0.0) if raw else DEFAULT_REFRESH_S
    except ValueError:
        raise ValueError(f"{REFRESH_ENV} must be a number of seconds, not {raw!r}") from None


def read_snapshot(path: Path | None = None) -> MetricsSnapshot | None:
    """The stored snapshot, or None when there is none (or it cannot be read: said in the log)."""
    path = path or snapshot_path()
    try:
        return MetricsSnapshot.model_validate_json(path.read_text())
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        log.warning("the stored metrics snapshot %s cannot be read: %s", path, exc)
        return None


def write_snapshot(snap: MetricsSnapshot, path: Path | None = None) -> Path:
    """Store `snap` atomically (a reader sees the old file or the new one, never half of one)."""
    path = path or snapshot_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".snapshot-", suffix=".json")
    with os.fdopen(fd, "w") as handle:
        handle.write(snap.model_dump_json())
    os.replace(tmp, path)
    return path


def refresh_after_writes(warehouse: Any, *, now: datetime | None = None, path: Path | None = None) -> bool:
    """Collect the ops metrics and store them, unless a snapshot younger than the refresh interval exists."""
    now = as_utc(now or utcnow())
    current = read_snapshot(path)
    if current is not None and (now - as_utc(current.collected_at)).total_seconds() < refresh_interval_s():
        return False
    snap = collect(warehouse, approvals=None, approvals_error="read live by each scrape", now=now)
    snap.sources.pop("approvals", None)
    written = write_snapshot(snap, path)
    log.info("metrics snapshot refreshed in %.2f s: %s", snap.collect_seconds, written)
    return True


def stored_snapshot(approvals: list[PendingApproval] | None, approvals_error: str | None = None, *,
                    now: datetime | None = None, path: Path | None = None) -> MetricsSnapshot:
    """What a scrape serves in Databricks mode: the stored ops values, live approvals, the snapshot's age."""
    now = as_utc(now or utcnow())
    snap = read_snapshot(path)
    if snap is None:
        snap = MetricsSnapshot(collected_at=now)
        for source in OPS_SOURCES:
            snap.sources[source] = SourceStatus(up=False, error="no stored snapshot yet: written after the next "
                                                "LakePilot task that writes its tables")
    else:
        snap.stored_age_s = max((now - as_utc(snap.collected_at)).total_seconds(), 0.0)
    return with_approvals(snap, approvals, approvals_error, now)
