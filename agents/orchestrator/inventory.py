"""The workspace's own names for the things a question may name: jobs, clusters, warehouses,
serving endpoints and tables, read from the system tables (`sql/inventory/*.sql`).

A question that names one is routed to the domains that know its kind and answered about it
(agents/orchestrator/focus.py). Each kind is read on its own: a workspace without one of the
tables (an older export, a feature not enabled) still has the others. Read once per data marker.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from agents.orchestrator.evidence import SQL_ROOT
from include.lakehouse.sql_files import load_sql

log = logging.getLogger(__name__)

QUERIES = {"job": "inventory/jobs", "cluster": "inventory/clusters", "warehouse": "inventory/warehouses",
           "endpoint": "inventory/endpoints", "table": "inventory/tables"}
MAX_NAMES = 50_000
_CACHE: dict[tuple[str, str], dict[str, str]] = {}
_LOCK = threading.Lock()


def inventory(warehouse: Any, marker: str = "") -> dict[str, str]:
    """`kind:id` → name for every named thing the workspace has (empty kinds are skipped, said in the log)."""
    key = (warehouse.describe(), marker)
    with _LOCK:
        if key in _CACHE:
            return _CACHE[key]
    names: dict[str, str] = {}
    for kind, query in QUERIES.items():
        try:
            rows = warehouse.query(load_sql(query, root=SQL_ROOT), name=f"inventory of {kind}s").to_pylist()
        except Exception as exc:  # noqa: BLE001 - a missing table leaves that kind unnamed, not the question unanswered
            log.info("no %s names for questions: %s", kind, str(exc)[:200])
            continue
        for row in rows[:MAX_NAMES]:
            if row.get("id") and row.get("name"):
                names.setdefault(f"{kind}:{row['id']}", str(row["name"]))
    with _LOCK:
        _CACHE[key] = names
    return names


__all__ = ["QUERIES", "inventory"]
