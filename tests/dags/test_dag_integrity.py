"""Every DAG imports cleanly, is documented, tagged, retried, not catching up, and parses
without touching connections or variables (those belong inside tasks)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DAG_FILES = sorted(p for p in (ROOT / "dags").glob("*.py") if not p.name.startswith("_"))

# Run the parse in a fresh interpreter with lookups booby-trapped, so a parse-time lookup fails
# loudly instead of silently reaching a database.
_PARSER = r"""
import json, sys, time
from unittest import mock

def _forbidden(*a, **k):
    raise RuntimeError("connection/variable lookup at DAG parse time")

patches = [
    mock.patch("airflow.sdk.BaseHook.get_connection", _forbidden),
    mock.patch("airflow.sdk.Variable.get", _forbidden),
    mock.patch("airflow.sdk.Connection.get", _forbidden),
]
for p in patches:
    p.start()

from airflow.dag_processing.dagbag import DagBag

out = {}
for path in sys.argv[1:]:
    t0 = time.perf_counter()
    bag = DagBag(dag_folder=path, safe_mode=False)
    elapsed = time.perf_counter() - t0
    dags = {}
    for dag_id, dag in bag.dags.items():
        dags[dag_id] = {
            "tags": sorted(dag.tags or []),
            "doc_md": bool(dag.doc_md and dag.doc_md.strip()),
            "catchup": dag.catchup,
            "tasks": {t.task_id: t.retries for t in dag.tasks},
            "pools": {t.task_id: t.pool for t in dag.tasks},
        }
    out[path] = {"errors": {k: str(v) for k, v in bag.import_errors.items()}, "dags": dags, "seconds": elapsed}
print("@@RESULT@@" + json.dumps(out))
"""


@pytest.fixture(scope="module")
def parsed(tmp_path_factory: pytest.TempPathFactory) -> dict:
    home = tmp_path_factory.mktemp("airflow-home")
    # As in Airflow's own processes: the plugins folder is importable by its packages' names.
    env = dict(os.environ, AIRFLOW_HOME=str(home), AIRFLOW__CORE__LOAD_EXAMPLES="False",
               AIRFLOW__CORE__UNIT_TEST_MODE="True", PYTHONPATH=os.pathsep.join([str(ROOT / "plugins"), str(ROOT)]),
               AIRFLOW__CORE__PLUGINS_FOLDER=str(ROOT / "plugins"))
    for key in list(env):
        if key.startswith("AIRFLOW_CONN_") or key.startswith("AIRFLOW_VAR_"):
            env.pop(key)
    result = subprocess.run(
        [sys.executable, "-c", _PARSER, *map(str, DAG_FILES)],
        env=env, capture_output=True, text=True, timeout=600, cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    payload = result.stdout.split("@@RESULT@@", 1)[1]
    data = json.loads(payload)
    timings = {Path(p).name: round(v["seconds"], 3) for p, v in data.items()}
    print("DAG parse seconds per file:", json.dumps(timings))
    return data


def test_there_are_dags() -> None:
    assert DAG_FILES, "no DAG files found in dags/"


@pytest.mark.parametrize("path", DAG_FILES, ids=lambda p: p.name)
def test_dag_file_imports_and_follows_house_rules(parsed: dict, path: Path) -> None:
    result = parsed[str(path)]
    assert result["errors"] == {}, result["errors"]
    assert result["dags"], f"{path.name} defines no DAG"
    for dag_id, dag in result["dags"].items():
        assert dag["tags"], f"{dag_id} has no tags"
        assert "lakepilot" in dag["tags"], f"{dag_id} lacks the 'lakepilot' tag"
        assert dag["doc_md"], f"{dag_id} has no doc_md"
        assert dag["catchup"] is False, f"{dag_id} catches up"
        for task_id, retries in dag["tasks"].items():
            assert retries >= 1, f"{dag_id}.{task_id} has no retries"


def test_dag_ids_are_unique(parsed: dict) -> None:
    ids = [dag_id for r in parsed.values() for dag_id in r["dags"]]
    assert len(ids) == len(set(ids))


def test_a_parse_time_lookup_is_caught(tmp_path: Path) -> None:
    # The booby trap itself must work, or the rule above proves nothing.
    bad = tmp_path / "bad_dag.py"
    bad.write_text(
        "from datetime import datetime\n"
        "from airflow.sdk import dag, task, Variable\n"
        "LIMIT = Variable.get('x')\n"
        "@dag(schedule=None, start_date=datetime(2026,1,1), catchup=False, tags=['lakepilot'], doc_md='x')\n"
        "def bad():\n"
        "    @task(retries=1)\n"
        "    def t():\n"
        "        return 1\n"
        "    t()\n"
        "bad()\n"
    )
    env = dict(os.environ, AIRFLOW_HOME=str(tmp_path / "home"), AIRFLOW__CORE__LOAD_EXAMPLES="False")
    result = subprocess.run([sys.executable, "-c", _PARSER, str(bad)], env=env, capture_output=True, text=True, timeout=300)
    data = json.loads(result.stdout.split("@@RESULT@@", 1)[1])
    assert "parse time" in " ".join(data[str(bad)]["errors"].values())


def test_terraform_applies_take_a_slot_of_the_terraform_apply_pool(parsed: dict) -> None:
    # The pool compose's airflow-init creates (1 slot) and the local stack creates (LAKEPILOT_TERRAFORM_APPLY_POOL_SLOTS).
    from include.devstack.airflow_stack import POOLS

    pools = next(r["dags"]["provision_infrastructure"]["pools"] for r in parsed.values()
                 if "provision_infrastructure" in r["dags"])
    applies = {task: pool for task, pool in pools.items() if task.endswith(".apply")}
    assert applies and set(applies.values()) == {"terraform_apply"} and "terraform_apply" in POOLS
