"""`DatabricksRunNowOperator(repair_run=True)` in a real DAG run (`dag.test()`) against the local emulator.

Airflow runs in a subprocess with its own AIRFLOW_HOME and SQLite DB (`airflow db migrate` first);
the emulator runs in this process on a free loopback port. Every step is guarded by a timeout.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from include.emulator.client import EmulatorClient
from include.emulator.server import EmulatorServer, default_config
from tests.include.emulator.conftest import JOB_IDS, connection, make_manifest

pytestmark = pytest.mark.slow

DAG_SOURCE = '''
import json, os
from datetime import datetime
from airflow.sdk import DAG
from airflow.providers.databricks.operators.databricks import DatabricksRunNowOperator

ids = json.loads(os.environ["EMULATOR_JOB_IDS"])
bigger = {"job_clusters": [{"job_cluster_key": "main", "new_cluster": {
    "spark_version": "15.4.x-scala2.12", "node_type_id": "r5.2xlarge", "num_workers": 2}}]}
common = {"repair_run": True, "polling_period_seconds": 1, "databricks_retry_limit": 2, "databricks_retry_delay": 0.5}

with DAG("emulator_repair", start_date=datetime(2026, 1, 1), schedule=None, catchup=False, tags=["test"]) as dag:
    DatabricksRunNowOperator(task_id="transient_deferrable", job_id=ids["transient"], deferrable=True, **common)
    DatabricksRunNowOperator(task_id="transient_sync", job_id=ids["transient"], **common)
    DatabricksRunNowOperator(task_id="oom_new_settings", job_id=ids["oom"], deferrable=True,
                             databricks_repair_reason_new_settings={"Workload failed": bigger}, **common)
    DatabricksRunNowOperator(task_id="permission_stays_failed", job_id=ids["permission"], deferrable=True, **common)

if __name__ == "__main__":
    run = dag.test()
    print("RESULT " + json.dumps({ti.task_id: str(ti.state) for ti in run.get_task_instances()}))
'''


def _airflow_env(tmp: Path, port: int) -> dict[str, str]:
    return {
        **os.environ,
        "AIRFLOW_HOME": str(tmp / "airflow"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__DAGS_FOLDER": str(tmp / "dags"),
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{tmp / 'airflow' / 'airflow.db'}",
        "AIRFLOW_CONN_DATABRICKS_DEFAULT": connection(port),
        "EMULATOR_JOB_IDS": json.dumps(JOB_IDS),
    }


def test_run_now_operator_repairs_runs_in_a_real_dag_run(lakehouse: Path, tmp_path: Path) -> None:
    make_manifest().save(lakehouse)
    server = EmulatorServer(default_config(lakehouse, speed=1000.0, scheduler=False, tick_interval_s=0.05), port=0)
    server.start()
    try:
        (tmp_path / "airflow").mkdir()
        (tmp_path / "dags").mkdir()
        dag_file = tmp_path / "dags" / "emulator_repair.py"
        dag_file.write_text(DAG_SOURCE)
        env = _airflow_env(tmp_path, server.port)
        airflow = str(Path(sys.executable).parent / "airflow")
        migrate = subprocess.run([airflow, "db", "migrate"], env=env, capture_output=True, text=True, timeout=600)
        assert migrate.returncode == 0, migrate.stderr[-3000:]
        # dag.test() ignores SIGTERM (airflow.md): stop it with SIGINT if it ever hangs.
        run = subprocess.run(["timeout", "-s", "INT", "300", sys.executable, str(dag_file)], env=env,
                             capture_output=True, text=True, timeout=360)
        result = next((line for line in run.stdout.splitlines() if line.startswith("RESULT ")), None)
        assert result is not None, run.stderr[-5000:]
        states = json.loads(result.removeprefix("RESULT "))

        client = EmulatorClient(server.url)
        runs = client.request("GET", "/api/2.2/jobs/runs/list", params={"limit": 25})["runs"]
        history = {}
        for listed in runs:
            full = client.get_run(listed["run_id"], include_history=True)
            history.setdefault(listed["job_id"], []).append([(h["type"], h["state"]["result_state"]) for h in full["repair_history"]])
        oom_cluster = client.request("GET", "/api/2.2/jobs/get", params={"job_id": JOB_IDS["oom"]})["settings"]["job_clusters"]
    finally:
        server.stop()

    assert states["transient_deferrable"] == "success"  # failed, repaired by the operator, succeeded
    assert states["oom_new_settings"] == "success"  # failed, job updated to a bigger node by reason match, repaired
    assert states["permission_stays_failed"] == "failed"  # the repair fails again
    repaired = [("ORIGINAL", "FAILED"), ("REPAIR", "SUCCESS")]
    assert history[JOB_IDS["transient"]] == [repaired, repaired]
    assert history[JOB_IDS["oom"]] == [repaired]
    assert history[JOB_IDS["permission"]] == [[("ORIGINAL", "FAILED"), ("REPAIR", "FAILED")]]
    assert oom_cluster[0]["new_cluster"]["node_type_id"] == "r5.2xlarge"
    # Provider 7.23.0's non-deferrable repair path re-raises the first failure after the repaired run
    # succeeded (the `raise` follows the recursive poll). Databricks-side the run is repaired (above).
    assert states["transient_sync"] == "failed"
    assert "transient_sync completed successfully" in run.stderr + run.stdout
