"""A plain description of which mode every part of LakePilot runs in (never a silent fake)."""

from __future__ import annotations

import os
from pathlib import Path

from include.config import lakehouse_root, outbox_dir, state_dir, warehouse_mode
from include.lakehouse.about import read_about


def llm_mode() -> str:
    """`llm (<provider>:<model>)` when the lakepilot_llm connection is defined, else `deterministic`."""
    from include.connections import LLM_CONN_ID, ConnectionNotConfigured, get_connection

    try:
        conn = get_connection(LLM_CONN_ID)
    except ConnectionNotConfigured as exc:
        return f"deterministic (lakepilot_llm is not usable: {exc})"
    if conn is None:
        return "deterministic (no LLM configured)"
    extra = conn.extra_dejson or {}
    return f"llm ({extra.get('provider', 'openai')}:{extra.get('deployment') or extra.get('model', 'gpt-4o-mini')})"


def sql_engine_mode() -> str:
    """`local`, or which Databricks SQL warehouse and connection Databricks mode would use (not contacted)."""
    from include.config import WarehouseMode
    from include.connections import ConnectionNotConfigured, databricks_connection, sql_warehouse_id

    if warehouse_mode() is WarehouseMode.LOCAL:
        return "local (DuckDB over the Delta lakehouse)"
    try:
        conn = databricks_connection()
        return (f"databricks: SQL warehouse {sql_warehouse_id(conn)} on {conn.host} "
                f"(connection {conn.conn_id}, Statement Execution API)")
    except ConnectionNotConfigured as exc:
        return f"databricks, not usable: {exc}"


def jobs_api_mode() -> str:
    """Where Jobs API calls go: the connection's workspace or emulator, else a running local stack's emulator."""
    from include.connections import jobs_api_target

    target = jobs_api_target()
    if target:
        return target
    port = int(os.environ.get("LAKEPILOT_EMULATOR_PORT") or 8765)
    if _emulator_answers(port):
        return f"local emulator at 127.0.0.1:{port} (the running `lakepilot up` stack)"
    return "not configured"


def _emulator_answers(port: int) -> bool:
    import requests

    try:
        return requests.get(f"http://127.0.0.1:{port}/_emulator/health", timeout=0.5).status_code == 200
    except requests.RequestException:
        return False


def describe_runtime(lakehouse: str | Path | None = None) -> dict[str, str]:
    """Facts a user needs to know which mode is in use."""
    root = lakehouse_root(lakehouse)
    try:
        about = read_about(root)
        data = about.description if about else ""
    except ValueError as exc:
        data = str(exc)
    if not data:
        data = ("system tables (no description file: read as running up to now)" if (root / "system").is_dir()
                else "empty: run `lakepilot workspace generate`")
    return {
        "sql_engine": sql_engine_mode(),
        "lakehouse": str(root),
        "data": data,
        "jobs_api": jobs_api_mode(),
        "llm": llm_mode(),
        "state_dir": str(state_dir()),
        "outbox": str(outbox_dir()),
    }
