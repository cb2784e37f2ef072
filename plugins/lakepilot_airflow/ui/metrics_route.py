"""`GET /lakepilot/metrics`: LakePilot's metrics in the Prometheus text format.

Needs the static scrape token (`Authorization: Bearer $LAKEPILOT_METRICS_TOKEN`) or a signed-in
Airflow user. The snapshot is cached for `CACHE_SECONDS` so several scrapers (or a short scrape
interval) do not re-run the aggregate queries on the SQL warehouse every time.
"""

from __future__ import annotations

import threading
import time
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Response

from include.metrics.collect import collect
from include.metrics.exposition import CONTENT_TYPE_LATEST, render
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
    body = render(collect(runtime.warehouse(), approvals=approvals, approvals_error=notes[0].text if notes else None))
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
