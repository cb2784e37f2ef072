"""Resolve LakePilot's runtime from Airflow connections, inside tasks only (never at parse time).

Going from the local demo to production changes connections, not code:
  databricks_default  Jobs API and, with LAKEPILOT_WAREHOUSE=databricks, SQL (extra.warehouse_id or
                      extra.http_path) through the Statement Execution API with the same auth
  lakepilot_llm       chat model (agents.llm.LLMConfig); absent → deterministic agents
  smtp_default        mail (local: the loopback SMTP sink that `make run` starts)
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from agents.llm import LLMConfig
    from include.lakehouse.warehouse import Warehouse
    from include.notify.smtp import SmtpSettings

log = logging.getLogger(__name__)


def _connection(conn_id: str) -> Any | None:
    """The connection, or None when it is not defined (include.connections, the one resolver)."""
    from include.connections import get_connection

    return get_connection(conn_id)


def resolve_warehouse() -> Warehouse:
    """The SQL engine: local, or with `LAKEPILOT_WAREHOUSE=databricks` the warehouse of `databricks_default`."""
    from include.lakehouse.warehouse import get_warehouse

    return get_warehouse()


def resolve_llm() -> LLMConfig | None:
    """`LLMConfig` from `lakepilot_llm`, or None (agents then take their deterministic path)."""
    from agents.llm import LLMConfig

    conn = _connection("lakepilot_llm")
    if conn is None:
        return None
    try:
        return LLMConfig.from_connection(conn)
    except ValueError as exc:
        log.warning("lakepilot_llm is not usable (%s); agents run deterministically", exc)
        return None


def resolve_smtp() -> SmtpSettings:
    """Mail settings from `smtp_default`, or the local loopback sink when it is not defined (said in the log)."""
    from include.notify.smtp import SmtpSettings

    conn = _connection("smtp_default")
    mail = (SmtpSettings.from_connection_fields(conn.host, conn.port, conn.login, conn.password, conn.extra_dejson)
            if conn else SmtpSettings.from_env())
    log.info("mail goes to %s", mail.describe())
    return mail
