"""Keep LakePilot's Delta tables fast: compact small files and checkpoint the logs.

The ops tables and the emulator-fed timelines receive many small commits (one per decision,
finding batch or run); without compaction their reads slow down day by day.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from airflow.sdk import dag, task
from lakepilot_airflow.notifiers import failure_notifier

DOC = """
### Lakehouse maintenance
Compacts small files and writes a Delta checkpoint for LakePilot's own tables (`lakepilot.ops.*`)
and, in local mode, for the emulator-fed job timelines. In Databricks mode there is nothing to do
here: predictive optimization / `OPTIMIZE` on the workspace side handles it.
"""


@dag(
    dag_id="lakehouse_maintenance",
    schedule="@daily",
    start_date=datetime(2026, 1, 1),
    catchup=False,
    max_active_runs=1,
    tags=["lakepilot", "maintenance"],
    doc_md=DOC,
    default_args={"on_failure_callback": failure_notifier(), "retries": 2, "retry_delay": timedelta(minutes=5), "owner": "lakepilot"},
)
def lakehouse_maintenance():
    @task
    def compact() -> dict:
        from include.config import WarehouseMode, warehouse_mode
        from include.lakehouse.maintenance import compact_tables

        if warehouse_mode() is WarehouseMode.DATABRICKS:
            return {"skipped": "databricks mode"}
        return compact_tables().model_dump(mode="json")

    compact()


lakehouse_maintenance()
