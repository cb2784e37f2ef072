"""`remediate_failed_runs`: structure, pools, mapping, schedule from the environment, no parse-time lookups.

Parsed by Airflow's own DagBag in a fresh interpreter (as the dag-processor does), with connection
and Variable lookups booby-trapped, once per schedule setting. The DAG really running is covered
by tests/e2e/test_remediation_e2e.py.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DAG_FILE = ROOT / "dags" / "remediate_failed_runs.py"

_PARSE = r"""
import json, sys
from unittest import mock

def _forbidden(*a, **k):
    raise RuntimeError("connection/variable lookup at DAG parse time")

for target in ("airflow.sdk.BaseHook.get_connection", "airflow.sdk.Variable.get"):
    mock.patch(target, _forbidden).start()

from airflow.dag_processing.dagbag import DagBag

bag = DagBag(dag_folder=sys.argv[1], safe_mode=False)
assert not bag.import_errors, bag.import_errors
dag = bag.dags["remediate_failed_runs"]
tasks = {}
for t in dag.tasks:
    tasks[t.task_id] = {
        "type": type(t).__name__,
        "pool": t.pool,
        "retries": t.retries,
        "trigger_rule": getattr(t.trigger_rule, "value", str(t.trigger_rule)),
        "downstream": sorted(t.downstream_task_ids),
        "mapped_group": type(t.task_group).__name__ if t.task_group else None,
        "group": t.task_group.group_id if t.task_group else None,
    }
print("@@RESULT@@" + json.dumps({
    "cron": getattr(dag.timetable, "expression", None),
    "schedule_summary": getattr(dag.timetable, "summary", None),
    "max_active_runs": dag.max_active_runs,
    "catchup": dag.catchup,
    "tags": sorted(dag.tags),
    "tasks": tasks,
}))
"""


def _parse(**env: str) -> dict:
    run_env = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW_CONN_", "AIRFLOW_VAR_"))}
    run_env.update(env)
    result = subprocess.run([sys.executable, "-c", _PARSE, str(DAG_FILE)], env=run_env, cwd=ROOT,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-4000:]
    return json.loads(result.stdout.split("@@RESULT@@", 1)[1])


@pytest.fixture(scope="module")
def dag(tmp_path_factory: pytest.TempPathFactory) -> dict:
    home = tmp_path_factory.mktemp("airflow-home")
    return _parse(AIRFLOW_HOME=str(home), AIRFLOW__CORE__LOAD_EXAMPLES="False")


def test_wiring_mapping_and_pools(dag: dict) -> None:
    tasks = dag["tasks"]
    assert set(tasks) == {"detect_failed_runs", "remediate.decide", "remediate.act", "remediate.notify",
                          "advance_watermark", "sweep_pending", "check_outcomes"}
    assert tasks["detect_failed_runs"]["type"] == "FailedRunSensor"
    assert tasks["detect_failed_runs"]["downstream"] == ["remediate.decide"]
    # One decide -> act -> notify chain per failed run (a mapped task group over the sensor's output).
    assert all((tasks[t]["mapped_group"], tasks[t]["group"]) == ("MappedTaskGroup", "remediate")
               for t in ("remediate.decide", "remediate.act", "remediate.notify"))
    assert tasks["remediate.decide"]["downstream"] == ["remediate.act"]
    assert tasks["remediate.act"]["downstream"] == ["remediate.notify"]
    assert tasks["remediate.notify"]["downstream"] == ["advance_watermark"]
    # The watermark moves only when no chain failed (skipped chains - no failures - are fine).
    assert tasks["advance_watermark"]["trigger_rule"] == "none_failed"
    jobs_api = {"detect_failed_runs", "remediate.decide", "remediate.act", "sweep_pending", "check_outcomes"}
    assert {t for t, v in tasks.items() if v["pool"] == "databricks_api"} == jobs_api
    assert all(v["retries"] >= 1 for v in tasks.values())


def test_dag_settings(dag: dict) -> None:
    assert dag["cron"] == "*/5 * * * *"
    assert dag["max_active_runs"] == 1 and dag["catchup"] is False
    assert dag["tags"] == ["lakepilot", "remediation"]


@pytest.mark.parametrize("value, cron", [("0 * * * *", "0 * * * *"), ("none", None)])
def test_schedule_comes_from_the_environment_at_parse_time(tmp_path: Path, value: str, cron: str | None) -> None:
    parsed = _parse(AIRFLOW_HOME=str(tmp_path), AIRFLOW__CORE__LOAD_EXAMPLES="False",
                    LAKEPILOT_REMEDIATION_SCHEDULE=value)
    assert parsed["cron"] == cron
