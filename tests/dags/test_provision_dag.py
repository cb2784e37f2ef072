"""provision_infrastructure's shape: task groups from the registry, dependency order, trigger rules,
approval operators that reject on timeout — and a new capability gets a group with no DAG change."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DAG_FILE = ROOT / "dags" / "provision_infrastructure.py"

_PARSE = r"""
import json, sys
from pydantic import BaseModel
if sys.argv[2] == "extra":
    from include.provisioning.capability import Capability
    from include.provisioning.registry import get_registry, register_capability
    get_registry()
    @register_capability
    class StorageAccount(Capability):
        name = "storage_account"; title = "Storage"; description = "storage"; Params = BaseModel
        depends_on = ("databricks_workspace",)
from airflow.dag_processing.dagbag import DagBag
bag = DagBag(dag_folder=sys.argv[1], safe_mode=False)
dag = bag.dags["provision_infrastructure"]
out = {"errors": {k: str(v) for k, v in bag.import_errors.items()}, "tasks": {}}
for t in dag.tasks:
    out["tasks"][t.task_id] = {
        "type": type(t).__name__, "trigger_rule": str(t.trigger_rule.value), "retries": t.retries,
        "upstream": sorted(t.upstream_task_ids),
        "defaults": getattr(t, "defaults", None), "fail_on_reject": getattr(t, "fail_on_reject", None),
        "stage": getattr(t, "stage", None),
    }
out["schedule"] = type(dag.timetable).__name__
out["max_active_runs"] = dag.max_active_runs
print("@@" + json.dumps(out))
"""


def _parse(tmp_path: Path, mode: str) -> dict:
    env = dict(os.environ, AIRFLOW_HOME=str(tmp_path / "home"), AIRFLOW__CORE__LOAD_EXAMPLES="False",
               PYTHONPATH=os.pathsep.join([str(ROOT / "plugins"), str(ROOT)]))
    result = subprocess.run([sys.executable, "-c", _PARSE, str(DAG_FILE), mode], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.split("@@", 1)[1])


@pytest.fixture(scope="module")
def parsed(tmp_path_factory: pytest.TempPathFactory) -> dict:
    return _parse(tmp_path_factory.mktemp("dag"), "plain")


def test_one_task_group_per_capability_in_dependency_order(parsed: dict) -> None:
    from include.provisioning.registry import get_registry

    tasks = parsed["tasks"]
    assert parsed["errors"] == {}
    for name in get_registry().order():
        for step in ("plan", "approve", "confirm", "apply"):
            assert f"{name}.{step}" in tasks
        assert tasks[f"{name}.approve"]["upstream"] == [f"{name}.plan"]
        assert tasks[f"{name}.confirm"]["upstream"] == [f"{name}.approve"]
        assert tasks[f"{name}.apply"]["upstream"] == [f"{name}.confirm", f"{name}.plan"]
        deps = [f"{d}.apply" for d in get_registry().get(name).depends_on]
        assert tasks[f"{name}.plan"]["upstream"] == sorted([*deps, "validate_plan"])
    assert set(tasks) == {"validate_plan", "record"} | {
        f"{n}.{s}" for n in get_registry().names() for s in ("plan", "approve", "confirm", "apply")}


def test_trigger_rules_and_approval_operators(parsed: dict) -> None:
    tasks = parsed["tasks"]
    assert tasks["record"]["trigger_rule"] == "all_done"
    assert sorted(tasks["record"]["upstream"]) == sorted(
        ["validate_plan", *[t for t in tasks if t.endswith(".apply")]])
    for task_id, task in tasks.items():
        if task_id.endswith(".plan"):
            assert task["trigger_rule"] == "none_failed"  # runs when a dependency was not in the plan
        if task_id.endswith((".approve", ".confirm")):
            assert task["type"] == "PlanApprovalOperator"
            assert task["defaults"] == ["Reject"]  # a timeout is a rejection
            assert task["fail_on_reject"] is False
            assert task["stage"] == task_id.rsplit(".", 1)[1]
        assert task["retries"] >= 1
    assert parsed["schedule"] == "NullTimetable" and parsed["max_active_runs"] >= 2


def test_a_new_capability_gets_a_task_group_without_a_dag_change(tmp_path: Path) -> None:
    tasks = _parse(tmp_path, "extra")["tasks"]
    assert {"storage_account.plan", "storage_account.approve", "storage_account.confirm",
            "storage_account.apply"} <= set(tasks)
    assert "databricks_workspace.apply" in tasks["storage_account.plan"]["upstream"]
    assert "storage_account.apply" in tasks["record"]["upstream"]


def test_azure_credentials_come_from_the_connection_and_only_for_azure(tmp_path: Path) -> None:
    code = (
        "import json\n"
        "from lakepilot_airflow.provisioning import terraform_env\n"
        "out = {'sandbox': terraform_env('sandbox'), 'azure': terraform_env('azure')}\n"
        "try:\n"
        "    import os; os.environ.pop('AIRFLOW_CONN_LAKEPILOT_AZURE'); terraform_env('azure')\n"
        "except ValueError as exc:\n"
        "    out['missing'] = str(exc)\n"
        "print('@@' + json.dumps(out))\n"
    )
    conn = {"conn_type": "azure", "login": "client-id", "password": "client-secret",
            "extra": {"tenant_id": "tenant", "subscription_id": "sub"}}
    env = dict(os.environ, AIRFLOW_HOME=str(tmp_path), PYTHONPATH=os.pathsep.join([str(ROOT / "plugins"), str(ROOT)]),
               AIRFLOW_CONN_LAKEPILOT_AZURE=json.dumps(conn))
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    out = json.loads(result.stdout.split("@@", 1)[1])
    assert out["sandbox"] == {}
    assert out["azure"] == {"ARM_CLIENT_ID": "client-id", "ARM_CLIENT_SECRET": "client-secret",
                            "ARM_TENANT_ID": "tenant", "ARM_SUBSCRIPTION_ID": "sub"}
    assert "needs the lakepilot_azure connection" in out["missing"]
