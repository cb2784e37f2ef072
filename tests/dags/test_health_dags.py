"""The health DAGs and the daily report DAG: structure, schedules, and real `dag.test()` runs.

`dag.test()` runs in a subprocess with its own AIRFLOW_HOME (after `airflow db migrate`), the
project's dags/ and plugins/, a LakePilot home holding a small lakehouse, and the
`smtp_default` connection pointing at a real loopback mail sink started by the test.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from include.notify.message import html_part
from include.notify.outbox import list_outbox, load_message
from include.notify.sink import MailSink
from include.ops.models import DOMAINS, Finding, HealthReport
from include.ops.store import LocalOpsStore
from tests.include.report import sample_data as sd
from tests.include.report import sample_ops as so

ROOT = Path(__file__).resolve().parents[2]
SWEEPS = ROOT / "dags" / "health_sweeps.py"
REPORT = ROOT / "dags" / "daily_health_report.py"

_STRUCTURE = r"""
import json, sys
from airflow.dag_processing.dagbag import DagBag
out = {}
for path in sys.argv[1:]:
    bag = DagBag(dag_folder=path, safe_mode=False)
    assert not bag.import_errors, bag.import_errors
    for dag_id, dag in bag.dags.items():
        out[dag_id] = {
            "cron": getattr(dag.timetable, "expression", None),
            "tasks": {t.task_id: sorted(t.downstream_task_ids) for t in dag.tasks},
            "outlets": {t.task_id: [getattr(o, "uri", str(o)) for o in t.outlets] for t in dag.tasks if t.outlets},
            "max_active_runs": dag.max_active_runs,
        }
print("@@RESULT@@" + json.dumps(out))
"""

_DAG_TEST = r"""
import json, sys
from datetime import datetime
from airflow.dag_processing.dagbag import DagBag
dag_file, dag_id, logical = sys.argv[1:4]
bag = DagBag(dag_folder=dag_file, safe_mode=False)
assert not bag.import_errors, bag.import_errors
dag = bag.get_dag(dag_id)
for t in dag.tasks:
    t.retries = 0  # dag.test() would otherwise sit out the retry delay of a failed task
dr = dag.test(logical_date=datetime.fromisoformat(logical))
from airflow.models.xcom import XComModel
from airflow.utils.session import create_session
with create_session() as s:
    rows = s.query(XComModel).filter_by(dag_id=dag_id, run_id=dr.run_id, key="return_value").all()
    xcoms = {r.task_id: XComModel.deserialize_value(r) for r in rows}
states = {ti.task_id: str(ti.state).rsplit(".", 1)[-1].lower() for ti in dr.get_task_instances()}
print("@@RESULT@@" + json.dumps({"state": str(dr.state), "tasks": states, "xcom": xcoms}, default=str))
"""


def _env(home: Path, lakepilot_home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW_CONN_", "AIRFLOW_VAR_", "LAKEPILOT_"))}
    env.update(
        AIRFLOW_HOME=str(home),
        AIRFLOW__CORE__DAGS_FOLDER=str(ROOT / "dags"),
        AIRFLOW__CORE__PLUGINS_FOLDER=str(ROOT / "plugins"),
        AIRFLOW__CORE__LOAD_EXAMPLES="False",
        LAKEPILOT_HOME=str(lakepilot_home),
        PYTHONPATH=os.pathsep.join([str(ROOT), str(ROOT / "plugins")]),
    )
    env.update(extra)
    return env


def _run(code: str, args: list[str], env: dict[str, str], timeout: int = 400) -> dict:
    result = subprocess.run(
        ["timeout", "-s", "INT", str(timeout), sys.executable, "-c", code, *args],
        env=env, capture_output=True, text=True, cwd=ROOT, timeout=timeout + 30,
    )
    assert "@@RESULT@@" in result.stdout, (result.stdout[-3000:], result.stderr[-6000:])
    return json.loads(result.stdout.split("@@RESULT@@", 1)[1])


@pytest.fixture(scope="module")
def airflow_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("airflow-home")
    env = _env(home, home / "unused")
    result = subprocess.run([str(Path(sys.executable).parent / "airflow"), "db", "migrate"], env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    return home


def test_dag_file_lists_the_six_domains() -> None:
    tree = ast.parse(SWEEPS.read_text())
    listed = next(ast.literal_eval(n.value) for n in tree.body
                  if isinstance(n, ast.Assign) and getattr(n.targets[0], "id", "") == "DOMAINS")
    assert tuple(listed) == DOMAINS


def test_structure_and_schedules(tmp_path: Path) -> None:
    env = _env(tmp_path / "af", tmp_path / "lp", LAKEPILOT_SCHEDULE_COST="none", LAKEPILOT_SCHEDULE_MLOPS="30 5 * * *")
    dags = _run(_STRUCTURE, [str(SWEEPS), str(REPORT)], env)
    assert sorted(dags) == sorted([f"health_{d}" for d in DOMAINS] + ["daily_health_report"])
    assert dags["health_security"]["cron"] == "0 * * * *"
    assert dags["health_reliability"]["cron"] == "0 6 * * *"
    assert dags["health_mlops"]["cron"] == "30 5 * * *"
    assert dags["health_cost"]["cron"] is None  # LAKEPILOT_SCHEDULE_COST=none: manual only
    assert dags["daily_health_report"]["cron"] == "0 7 * * *"
    for d in DOMAINS:
        s = dags[f"health_{d}"]
        assert s["tasks"] == {"sweep": ["analyse", "escalate", "publish"], "analyse": ["publish"], "escalate": [],
                                  "publish": []}
        assert s["outlets"] == {"publish": [f"lakepilot://ops/findings/{d}"]}
        assert s["max_active_runs"] == 1
    assert dags["daily_health_report"]["tasks"] == {"wait_for_sweeps": ["render"], "render": ["email"], "email": []}
    assert dags["daily_health_report"]["outlets"] == {"email": ["lakepilot://reports/daily_health"]}


@pytest.mark.slow
def test_report_dag_renders_stores_and_mails(airflow_home: Path, tmp_path: Path) -> None:
    lp_home = tmp_path / "lp"
    lakehouse = lp_home / "lakehouse"
    lakehouse.mkdir(parents=True)
    sd.build(lakehouse, date(2026, 5, 9))
    store = LocalOpsStore(lakehouse)
    as_of = datetime(2026, 5, 10, 6, tzinfo=UTC)
    findings = so.findings_for(as_of)
    store.upsert(findings)
    store.upsert(so.domain_runs(as_of, findings))
    outbox = lp_home / "outbox"
    with MailSink(port=0, outbox=outbox) as sink:
        conn = json.dumps({"conn_type": "smtp", "host": "127.0.0.1", "port": sink.port})
        env = _env(airflow_home, lp_home, AIRFLOW_CONN_SMTP_DEFAULT=conn, AIRFLOW__API__BASE_URL="http://127.0.0.1:8080",
                   LAKEPILOT_REPORT_RECIPIENTS="platform-team@example.com,oncall@example.com")
        result = _run(_DAG_TEST, [str(REPORT), "daily_health_report", "2026-05-10T07:00:00+00:00"], env)
    assert result["tasks"] == {"wait_for_sweeps": "success", "render": "success", "email": "success"}, result
    assert result["xcom"]["wait_for_sweeps"] == {"missing": ["mlops"]}  # past its deadline: rendered as partial
    path = lp_home / "reports" / "health-report-2026-05-09.html"
    assert result["xcom"]["render"]["path"] == str(path)
    assert result["xcom"]["render"]["url"] == "http://127.0.0.1:8080/lakepilot/report?date=2026-05-09"
    assert result["xcom"]["render"]["by_severity"] == {"critical": 1, "high": 1, "medium": 1, "low": 1}
    assert sorted(result["xcom"]["email"]["emailed_to"]) == ["oncall@example.com", "platform-team@example.com"]
    html = path.read_text()
    assert "admin_grant" in html and html.count("data:image/svg+xml;base64,") == 3
    [row] = store.read(HealthReport)
    assert row.report_date == date(2026, 5, 9) and row.path == str(path)
    assert sorted(row.emailed_to) == ["oncall@example.com", "platform-team@example.com"]
    [mail] = list_outbox(outbox)
    assert mail.subject == "[LakePilot] Platform health 09 May 2026: 1 critical (partial: 5 of 6 domains checked)"
    body = html_part(load_message(Path(mail.path)))
    assert "eve@example.com was granted workspace admin" in body
    assert len(store.read(Finding)) == 4  # the report reads; it never adds findings


@pytest.mark.slow
def test_health_dag_sweeps_stores_analyses_and_publishes_idempotently(airflow_home: Path, tmp_path: Path) -> None:
    from include.health.records import HealthDomainRun
    from include.simulator.generate import generate_workspace

    lp_home = tmp_path / "lp"
    lakehouse = lp_home / "lakehouse"
    generate_workspace(lakehouse, 10, "small", 3, end=date(2026, 3, 10))
    env = _env(airflow_home, lp_home)
    args = [str(SWEEPS), "health_reliability", "2026-03-11T00:00:00+00:00"]
    first = _run(_DAG_TEST, args, env)
    assert first["tasks"] == {"sweep": "success", "escalate": "success", "analyse": "success", "publish": "success"}, first
    assert first["xcom"]["escalate"]["status"] == "backfill"  # an interval from March tells nobody today
    swept = first["xcom"]["sweep"]
    assert swept["as_of"] == "2026-03-11T00:00:00Z"  # the end of the data interval
    assert swept["findings"] > 0 and swept["engine"]
    assert first["xcom"]["analyse"]["path"] == "deterministic"
    assert first["xcom"]["publish"]["findings"] == swept["findings"]
    store = LocalOpsStore(lakehouse)
    stored = [f for f in store.read(Finding) if f.domain == "reliability"]
    assert len(stored) == swept["findings"]
    [run] = store.read(HealthDomainRun)
    assert run.analysed and run.path == "deterministic" and run.headline
    # Re-running the same interval updates rows; it never adds any.
    second = _run(_DAG_TEST, args, env)
    assert second["tasks"]["publish"] == "success"
    assert len([f for f in store.read(Finding) if f.domain == "reliability"]) == swept["findings"]
    assert len(store.read(HealthDomainRun)) == 1
