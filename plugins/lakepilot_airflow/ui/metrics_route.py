"""`GET /lakepilot/metrics`: LakePilot's metrics in the Prometheus text format.

Needs the static scrape token (`Authorization: Bearer $LAKEPILOT_METRICS_TOKEN`) or a signed-in
Airflow user. Against a Databricks SQL warehouse a scrape never queries it: the ops values come from
the snapshot the last writing task stored (`include/metrics/stored.py`), so the warehouse can auto-stop;
locally they are collected live on DuckDB. Either way the exposition is cached for `CACHE_SECONDS`.
"""

from __future__ import annotations

import threading
import time
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Response

from include.lakehouse.warehouse import local_root
from include.metrics.collect import collect
from include.metrics.exposition import CONTENT_TYPE_LATEST, render
from include.metrics.stored import stored_snapshot
from lakepilot_airflow.ui.auth import metrics_client
from lakepilot_airflow.ui.runtime import Runtime, get_runtime

CACHE_SECONDS = 15.0

router = APIRouter(tags=["LakePilot metrics"])
_lock = threading.Lock()
_cache: dict[str, tuple[float, bytes]] = {}


def clear_cache() -> None:
    """Drop the cached exposition (tests)."""
    with _lock:
        _cache.clear()


def _exposition(runtime: Runtime) -> bytes:
    now = time.monotonic()
    with _lock:
        hit = _cache.get("body")
        if hit and now - hit[0] < CACHE_SECONDS:
            return hit[1]
    approvals, notes = runtime.approvals(None)
    error = notes[0].text if notes else None
    warehouse = runtime.warehouse()
    if local_root(warehouse) is None:  # Databricks: serve what the writers stored, never wake the warehouse
        body = render(stored_snapshot(approvals, error))
    else:
        body = render(collect(warehouse, approvals=approvals, approvals_error=error))
    with _lock:
        _cache["body"] = (now, body)
    return body


@router.get(
    "/metrics",
    summary="Prometheus metrics",
    response_class=Response,
    responses={200: {"content": {CONTENT_TYPE_LATEST: {}}, "description": "Prometheus text exposition"}},
)
def metrics(runtime: Annotated[Runtime, Depends(get_runtime)], _client: Annotated[Any, Depends(metrics_client)]) -> Response:
    return Response(content=_exposition(runtime), media_type=CONTENT_TYPE_LATEST)
