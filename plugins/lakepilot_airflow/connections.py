"""Resolve LakePilot's runtime from Airflow connections, inside tasks only (never at parse time).

Going from the local demo to production changes connections, not code:
  databricks_default  Jobs API (emulator locally: host 127.0.0.1, schema http, port)
                      + extra.http_path → Databricks SQL warehouse for the system tables
  lakepilot_llm       chat model (agents.llm.LLMConfig); absent → deterministic agents
  smtp_default        mail (local: the loopback SMTP sink that `make run` starts)
"""

from __future__ import annotations

import logging
import os
from typing import Any

log = logging.getLogger(__name__)


def _connection(conn_id: str):
    """The connection, or None when it is not defined."""
    from airflow.sdk import BaseHook

    try:
        return BaseHook.get_connection(conn_id)
    except Exception:  # AirflowNotFoundException and its SDK variants
        return None


def resolve_warehouse():
    """The SQL engine: Databricks when `databricks_default` carries an `http_path`, else local."""
    from include.lakehouse.warehouse import DatabricksSqlConfig, LocalWarehouse, get_warehouse

    if os.environ.get("LAKEPILOT_WAREHOUSE", "local").lower() != "databricks":
        return LocalWarehouse()
    conn = _connection("databricks_default")
    extra: dict[str, Any] = conn.extra_dejson if conn else {}
    if not conn or not extra.get("http_path"):
        raise ValueError("LAKEPILOT_WAREHOUSE=databricks needs databricks_default with extra.http_path")
    token = extra.get("token") or conn.password
    config = DatabricksSqlConfig(
        server_hostname=(conn.host or "").removeprefix("https://").rstrip("/"),
        http_path=extra["http_path"],
        access_token=token,
        catalog=extra.get("catalog"),
    )
    return get_warehouse(databricks=config)


def resolve_llm():
    """`LLMConfig` from `lakepilot_llm`, or None (agents then take their deterministic path)."""
    from agents.llm import LLMConfig

    conn = _connection("lakepilot_llm")
    if conn is None:
        return None
    try:
        return LLMConfig.from_connection_fields(conn.host, conn.password, conn.extra_dejson)
    except ValueError as exc:
        log.warning("lakepilot_llm is not usable (%s); agents run deterministically", exc)
        return None
