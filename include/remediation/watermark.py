"""The detection watermark: up to when failures are known to be handled, persisted in the ops store.

`lakepilot.ops.remediation_watermarks` holds one row per scope (the Jobs API connection). A DAG
run scans `[watermark - overlap, now]`; the watermark moves to the scan's start only after every
failure found was decided (a separate task at the end of the run), and never backwards. So:

- a crash or restart before the decisions are recorded leaves the watermark where it was, and the
  next run scans the same window again (nothing is missed);
- failures scanned twice (the overlap, a re-run, an explicit `since`) are known by their ledger
  key (run_id, attempt) and are not handed on again (nothing is handled twice).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from pydantic import BaseModel, Field

from include.clock import as_utc, utcnow
from include.ops.filters import In, Since
from include.ops.models import OpsRecord, RemediationDecision, register_ops_model
from include.remediation.detection import ledger_key
from include.remediation.settings import RemediationSettings

if TYPE_CHECKING:
    from include.ops.store import OpsStore

# Decisions whose run LakePilot repaired and may fail again: re-checked by id on every scan.
WATCH_OUTCOMES = frozenset({"acted"})
MAX_KNOWN = 20_000


@register_ops_model
class RemediationWatermark(OpsRecord):
    """How far detection has got for one Jobs API scope."""

    __table__ = "remediation_watermarks"
    __key__ = ("scope",)

    scope: str
    watermark: datetime
    updated_at: datetime = Field(default_factory=utcnow)
    dag_run_id: str | None = None
    failures_found: int = 0


class ScanPlan(BaseModel):
    """What one detection scan looks at (serialised into the trigger)."""

    scope: str
    since: datetime
    list_from: datetime
    watermark: datetime | None
    known: list[str] = Field(default_factory=list)
    watch_runs: list[str] = Field(default_factory=list)


def load_watermark(store: OpsStore, scope: str) -> RemediationWatermark | None:
    rows = store.read(RemediationWatermark, {"scope": scope})
    return rows[0] if rows else None


def plan_scan(
    store: OpsStore,
    settings: RemediationSettings,
    now: datetime,
    *,
    since: datetime | None = None,
) -> ScanPlan:
    """The window to scan and the ledger keys already decided in it.

    Args:
        store: the ops store (ledger and watermark).
        settings: overlap / look-back knobs.
        now: the scan time.
        since: scan from here instead (a deliberate re-scan); the stored watermark is untouched.
    """
    now = as_utc(now)
    mark = load_watermark(store, settings.conn_id)
    if since is not None:
        start = as_utc(since)
    elif mark is not None:
        start = as_utc(mark.watermark) - timedelta(minutes=settings.overlap_minutes)
    else:
        start = now - timedelta(hours=settings.first_lookback_hours)
    list_from = start - timedelta(hours=settings.run_lookback_hours)
    # Bounded reads: decisions recent enough to be listed again, and those still being watched.
    recent = store.read(RemediationDecision, {"decided_at": Since(list_from)})
    watching = store.read(RemediationDecision, {"outcome": In(sorted(WATCH_OUTCOMES)), "shadow": False})
    decisions = list({d.decision_id: d for d in [*recent, *watching]}.values())
    # Every decision of a run that could still be listed is "known"; older ones cannot reappear.
    watch = sorted({d.run_id for d in decisions if d.outcome in WATCH_OUTCOMES and not d.shadow})
    watched = set(watch)
    known = sorted(
        {
            ledger_key(d.run_id, d.attempt)
            for d in decisions
            if as_utc(d.decided_at) >= list_from or d.run_id in watched
        }
    )[-MAX_KNOWN:]
    return ScanPlan(
        scope=settings.conn_id,
        since=start,
        list_from=list_from,
        watermark=as_utc(mark.watermark) if mark else None,
        known=known,
        watch_runs=watch,
    )


def advance_watermark(
    store: OpsStore, scope: str, scanned_until: datetime, *, dag_run_id: str | None = None, found: int = 0
) -> RemediationWatermark:
    """Move the watermark to `scanned_until` unless it is already later (it never goes back)."""
    scanned_until = as_utc(scanned_until)
    current = load_watermark(store, scope)
    if current is not None and as_utc(current.watermark) >= scanned_until:
        return current
    row = RemediationWatermark(
        scope=scope, watermark=scanned_until, dag_run_id=dag_run_id, failures_found=found, updated_at=utcnow()
    )
    store.upsert([row])
    return row
