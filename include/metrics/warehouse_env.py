"""The warehouse for a process that has no Airflow task context to resolve connections from.

The LLM usage recorder and task-duration helpers may run deep inside an agent, far from the
DAG task that resolved the warehouse. Locally that is the local lakehouse; in Databricks mode
it is the SQL warehouse of the `databricks_default` connection, read by the one resolver
(include/connections.py) exactly as a task or the CLI reads it.
"""

from __future__ import annotations

from include.lakehouse.warehouse import Warehouse, get_warehouse


def warehouse_from_env() -> Warehouse:
    """Local lakehouse, or the Databricks SQL warehouse the connection names.

    Raises:
        ValueError: Databricks mode with no usable connection (`ConnectionNotConfigured` says which).
    """
    return get_warehouse()
