"""The warehouse for a process that has no Airflow task context to resolve connections from.

The LLM usage recorder and task-duration helpers may run deep inside an agent, far from the
DAG task that resolved the warehouse. Locally that is the local lakehouse; in Databricks mode
the SQL warehouse comes from `DATABRICKS_HOST`/`DATABRICKS_HTTP_PATH`/`DATABRICKS_TOKEN`, or
from the `AIRFLOW_CONN_DATABRICKS_DEFAULT` JSON the deployment sets (same fields as
`resolve_warehouse()` reads: host, password or extra.token, extra.http_path).
"""

from __future__ import annotations

import json
import os

from include.config import WarehouseMode, warehouse_mode
from include.lakehouse.warehouse import DatabricksSqlConfig, DatabricksWarehouse, LocalWarehouse, Warehouse

ENV_DATABRICKS_CONN = "AIRFLOW_CONN_DATABRICKS_DEFAULT"


def _from_connection_env() -> DatabricksSqlConfig | None:
    raw = os.environ.get(ENV_DATABRICKS_CONN, "").strip()
    if not raw.startswith("{"):
        return None
    data = json.loads(raw)
    extra = data.get("extra") or {}
    if isinstance(extra, str):
        extra = json.loads(extra) if extra else {}
    token = extra.get("token") or data.get("password")
    if not (data.get("host") and extra.get("http_path") and token):
        return None
    return DatabricksSqlConfig(
        server_hostname=str(data["host"]).removeprefix("https://").rstrip("/"),
        http_path=extra["http_path"],
        access_token=token,
        catalog=extra.get("catalog"),
    )


def warehouse_from_env() -> Warehouse:
    """Local lakehouse, or the Databricks SQL warehouse the environment describes.

    Raises:
        ValueError: Databricks mode with no usable SQL warehouse settings.
    """
    if warehouse_mode() is WarehouseMode.LOCAL:
        return LocalWarehouse()
    config = _from_connection_env()
    if config is None:
        config = DatabricksSqlConfig.from_env()
    return DatabricksWarehouse(config)
