"""What the pages need from the deployment: the warehouse, the workspace URL, approvals, the LLM.

One `Runtime` per api-server process, resolved from Airflow connections the same way DAG tasks
resolve them (`lakepilot_airflow.connections`), cached briefly so a page view does not look
connections up several times. Tests replace it through FastAPI's dependency overrides.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlsplit

from include.config import WarehouseMode
from include.ui.models import PendingApproval, SourceNote

if TYPE_CHECKING:
    from agents.llm import LLMConfig
    from include.lakehouse.warehouse import Warehouse

log = logging.getLogger(__name__)

T = TypeVar("T")

CACHE_SECONDS = 60.0
_LOOPBACK = {"127.0.0.1", "localhost", "::1"}


class Runtime:
    """Access to the deployment's data sources for one api-server process."""

    def __init__(self, cache_seconds: float = CACHE_SECONDS) -> None:
        self.cache_seconds = cache_seconds
        self._lock = threading.Lock()
        self._cache: dict[str, tuple[float, Any]] = {}

    def _cached(self, key: str, make: Callable[[], T]) -> T:
        now = time.monotonic()
        with self._lock:
            hit = self._cache.get(key)
            if hit and now - hit[0] < self.cache_seconds:
                cached: T = hit[1]  # stored under `key` by this method, from the same `make`
                return cached
        value = make()
        with self._lock:
            self._cache[key] = (now, value)
        return value

    def warehouse(self) -> Warehouse:
        """The SQL engine: the local lakehouse, or the Databricks SQL warehouse of `databricks_default`."""
        from lakepilot_airflow.connections import resolve_warehouse

        return self._cached("warehouse", resolve_warehouse)

    def mode_label(self) -> str:
        """Where the data shown comes from, said plainly."""
        warehouse = self.warehouse()
        if getattr(warehouse, "mode", None) is WarehouseMode.LOCAL:
            return "local lakehouse (no Databricks connection)"
        return "Databricks SQL warehouse"

    def workspace_url(self) -> str | None:
        """`https://<workspace>` of `databricks_default`, or None (absent, or the local Jobs API emulator)."""

        def resolve() -> str | None:
            from airflow.sdk import BaseHook

            try:
                conn = BaseHook.get_connection("databricks_default")
            except Exception:  # not defined
                return None
            host = (conn.host or "").strip().rstrip("/")
            if not host:
                return None
            if "://" not in host:
                host = f"{conn.schema or 'https'}://{host}" if conn.schema in ("http", "https") else f"https://{host}"
            if urlsplit(host).hostname in _LOOPBACK:
                return None
            return host

        return self._cached("workspace_url", resolve)

    def llm(self) -> LLMConfig | None:
        """`LLMConfig` from `lakepilot_llm`, or None."""
        from lakepilot_airflow.connections import resolve_llm

        return self._cached("llm", resolve_llm)

    def approvals(self, user: Any = None) -> tuple[list[PendingApproval] | None, list[SourceNote]]:
        """Pending approvals visible to `user` (all, for None), or None with a note saying why not."""
        from lakepilot_airflow.ui.hitl import pending_approvals

        try:
            return pending_approvals(user), []
        except Exception as exc:  # show the failure on the page rather than an empty list
            log.warning("pending approvals could not be read: %s", exc)
            return None, [SourceNote(level="error", text=f"Airflow's pending approvals could not be read: {exc}")]


_runtime = Runtime()


def get_runtime() -> Runtime:
    """FastAPI dependency: the process's runtime."""
    return _runtime
