"""The whole product on real Airflow processes, driven through the REST API only.

On the run's PostgreSQL metadata server (tests/conftest.py; SQLite is covered by the smoke test),
one `LocalStack` — Jobs API emulator, loopback SMTP sink, api-server,
scheduler, dag-processor and triggerer on LocalExecutor — over a freshly generated small
workspace. Through Airflow's REST API: the six health sweeps and the daily report, remediation of
an injected failure, an `ask_lakepilot` question, and a provisioning run approved through the
HITL endpoint. Then the Delta tables, the report file, the mailbox, the emulator and the Terraform
state are checked, and everything started is stopped.

It runs twice: in the local mode a new user starts in, and in production mode on this machine —
the emulator on TLS, `databricks_default` a service principal (OAuth M2M), and every task reading the
system tables and writing LakePilot's tables by MERGE through the SQL Statement Execution API
(`LAKEPILOT_WAREHOUSE=databricks`), as against a real workspace.

Deep checks of each flow live in their own e2e modules; this one proves they work together.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from include.devstack.local_stack import LocalStack, LocalStackConfig
from include.devstack.procs import free_port
from include.emulator.client import EmulatorClient
from include.health.escalation import Escalation
from include.health.lifecycle import FindingState, issue_key
from include.lakehouse.delta_store import read_table
from include.notify.message import text_part
from include.notify.outbox import list_outbox, load_message
from include.ops.models import (
    DOMAINS,
    ConversationTurn,
    Finding,
    HealthReport,
    ProvisioningRun,
    RemediationDecision,
)
from include.ops.store import LocalOpsStore
from include.provisioning.facts import RequestFacts
from include.provisioning.plan import plan_json
from include.simulator.generate import generate_workspace
from include.simulator.manifest import load_manifest
from tests.e2e.conftest import logs_of
from tests.e2e.hitl import answer_safely
from tests.include.provisioning.conftest import make_plan

pytestmark = pytest.mark.e2e

FIREWALL = RequestFacts(capabilities=["firewall_ports"], team="data-eng", environment="dev", region="westeurope",
                        ports=["443"], sources=["10.20.0.0/16"])


class Product:
    """A running local product and handles on what a user would look at."""

    def __init__(self, stack: LocalStack) -> None:
        self.stack = stack
        self.home = stack.config.home
        self.client = stack.client()
        self.store = LocalOpsStore(stack.config.lakehouse)  # the emulator's MERGEs land in the same Delta tables
        scheme, verify = ("https", str(stack.ca_file)) if stack.config.production else ("http", True)
        self.emulator = EmulatorClient(f"{scheme}://127.0.0.1:{stack.config.emulator_port}", stack.config.emulator_token,
                                       verify=verify)

    def logs(self) -> str:
        return logs_of(self.stack.airflow)

    def wait_listed(self, dag_ids: set[str], timeout: float = 180) -> None:
        deadline = time.monotonic() + timeout
        seen: set[str] = set()
        while time.monotonic() < deadline:
            seen = {d["dag_id"] for d in self.client.dags()}
            if dag_ids <= seen:
                return
            time.sleep(2)
        raise AssertionError(f"DAGs never listed: {dag_ids - seen}; import errors {self.client.import_errors()}")

    def run(self, dag_id: str, run_id: str, conf: dict | None = None, timeout: float = 420,
            run_after: datetime | None = None) -> dict:
        self.client.unpause(dag_id)
        self.client.trigger(dag_id, conf=conf, run_id=run_id, run_after=run_after)
        return self.client.wait_run(dag_id, run_id, timeout=timeout, poll=2)

    def succeeded(self, dag_id: str, run: dict) -> None:
        if run["state"] != "success":
            tis = {t["task_id"]: t["state"] for t in self.client.task_instances(dag_id, run["dag_run_id"])}
            raise AssertionError(f"{dag_id} {run['dag_run_id']}: {run['state']} {tis}\n{self.logs()}")


def _stack(tmp_path_factory: pytest.TempPathFactory, name: str, database_url: str | None,
           production: bool = False) -> Iterator[Product]:
    home: Path = tmp_path_factory.mktemp(name)
    # Data up to today 00:00 UTC. The sweeps and the report are run as of that moment (the run's
    # `run_after`), so what they see does not depend on the time of day the suite runs: with data
    # to the end of today and sweeps as of "now", a run just after midnight saw no security
    # incident (the security window is the UTC day so far; the injected ones lie later that day).
    generate_workspace(home / "lakehouse", days=21, scale="small", seed=11,
                       end=datetime.now(UTC).date() - timedelta(days=1))
    config = LocalStackConfig(
        home=home, airflow_port=free_port(), emulator_port=free_port(), smtp_port=free_port(),
        emulator_speed=1000.0, emulator_scheduler=False, database_url=database_url,
        passwords={"admin": "admin-e2e"}, production=production,
        extra_env={"LAKEPILOT_REMEDIATION_POLL_SECONDS": "2", "LAKEPILOT_REMEDIATION_SCHEDULE": "none",
                   "LAKEPILOT_REPORT_RECIPIENTS": "platform-team@example.com",
                   "LAKEPILOT_APPROVER_EMAIL": "approvers@example.com", "LAKEPILOT_FAILURE_EMAIL": "oncall@example.com",
                   "LAKEPILOT_ESCALATION_EMAIL": "secops@example.com"},
    )
    stack = LocalStack(config)
    stack.start()
    try:
        yield Product(stack)
    finally:
        stack.stop()


@pytest.fixture(scope="module", params=["local", "production"])
def product(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, metadata_db) -> Iterator[Product]:
    mode = request.param
    yield from _stack(tmp_path_factory, f"golden-{mode}", metadata_db(f"golden_{mode}"), production=mode == "production")


def _critical_findings_are_told_once(product: Product, data_end: datetime) -> None:
    """The security sweep's critical burst was mailed at once; the next sweep still finding it tells nobody;
    with `renotify_hours` 0 (the Variable) the one after tells again."""
    critical = {issue_key(f.domain, f.check, f.entity_type, f.entity_id): f for f in product.store.read(Finding)
                if f.domain == "security" and f.severity == "critical"}
    assert len(critical) == 1, critical  # the workspace's one injected failed-login burst
    ((key, burst),) = critical.items()

    def told() -> list[str]:
        return [m.subject for m in list_outbox(product.home / "outbox")
                if "secops@example.com" in m.to and burst.entity_id in m.subject]

    assert told() == [f"[LakePilot] CRITICAL security: failed login burst on {burst.entity_id}"], told()
    (sent,) = [e for e in product.store.read(Escalation) if e.issue_key == key]
    assert sent.status == "sent" and sent.channels == ["mail"] and sent.recipients == ["secops@example.com"]

    dag = "health_security"
    product.succeeded(dag, product.run(dag, "golden-again", run_after=data_end - timedelta(minutes=1)))
    again = product.client.xcom(dag, "golden-again", "escalate")
    assert again["held_back"] == [key] and again["told"] == [] and len(told()) == 1, again
    product.client.request("POST", "/api/v2/variables", json={"key": "lakepilot_health_settings",
                                                               "value": json.dumps({"renotify_hours": 0})})
    try:
        product.succeeded(dag, product.run(dag, "golden-renotify", run_after=data_end - timedelta(minutes=2)))
    finally:
        product.client.request("DELETE", "/api/v2/variables/lakepilot_health_settings")
    assert product.client.xcom(dag, "golden-renotify", "escalate")["told"] == [key] and len(told()) == 2
    (state,) = product.store.read(FindingState, {"issue_key": key})
    assert state.notified_count == 2


def test_the_whole_product_through_the_rest_api(product: Product) -> None:
    health = {f"health_{d}" for d in DOMAINS}
    product.wait_listed(health | {"daily_health_report", "remediate_failed_runs", "ask_lakepilot",
                                  "provision_infrastructure", "lakehouse_maintenance"})
    assert product.client.import_errors() == []
    if product.stack.config.production:  # the tasks really ran in Databricks mode, over TLS, as the service principal
        engine = product.stack.airflow.env()
        assert engine["LAKEPILOT_WAREHOUSE"] == "databricks"
        assert json.loads(engine["AIRFLOW_CONN_DATABRICKS_DEFAULT"])["extra"]["service_principal_oauth"] is True

    # -- health: six sweeps at once, then the daily report -----------------------------------------
    data_end = load_manifest(product.stack.config.lakehouse).end  # aware: the manifest stores the offset
    for dag_id in sorted(health):
        product.client.unpause(dag_id)
        product.client.trigger(dag_id, run_id="golden", run_after=data_end)
    for dag_id in sorted(health):
        product.succeeded(dag_id, product.client.wait_run(dag_id, "golden", timeout=600, poll=3))
    findings = product.store.read(Finding)
    assert findings, "the sweeps stored no findings"
    # (Unpausing also starts each DAG's latest scheduled run; those evaluate as of their own tick.)
    ours = [f for f in findings if f.window_end == data_end]
    assert {f.domain for f in ours} >= {"cost", "security", "reliability"}, sorted({f.domain for f in findings})
    assert len(findings) == len({f.finding_id for f in findings})

    _critical_findings_are_told_once(product, data_end)

    report_run = product.run("daily_health_report", "golden", run_after=data_end)
    product.succeeded("daily_health_report", report_run)
    summary = product.client.xcom("daily_health_report", "golden", "render")
    report_file = Path(summary["path"])
    assert report_file.is_file() and "<html" in report_file.read_text()[:500].lower()
    # Unpausing a scheduled DAG also starts its latest scheduled run: look at this run's report.
    day = summary["report_date"]
    (report,) = [r for r in product.store.read(HealthReport) if str(r.report_date) == day]
    assert report.path == str(report_file) and sum(report.findings_by_severity.values()) > 0
    mails = [m for m in list_outbox(product.home / "outbox") if f"health-report-{day}.html" in m.attachments]
    assert len(mails) == 1 and "platform-team@example.com" in mails[0].to
    assert mails[0].subject.startswith("[LakePilot] Platform health")

    # -- remediation: a transient failure, repaired through the Jobs API ---------------------------
    manifest = load_manifest(product.stack.config.lakehouse)
    job = next(j for j in manifest.jobs if j.failure_behaviour == "none")
    product.emulator.set_behaviour(job.job_id, "transient")
    failed_run = int(product.emulator.request("POST", "/api/2.2/jobs/run-now", {"job_id": int(job.job_id)})["run_id"])
    assert product.emulator.wait_for_run(failed_run, timeout=90)["state"]["result_state"] == "FAILED"
    remediation = product.run("remediate_failed_runs", "golden", conf={"wait_seconds": 10}, timeout=600)
    product.succeeded("remediate_failed_runs", remediation)
    decision = next(d for d in product.store.read(RemediationDecision) if d.run_id == str(failed_run))
    assert decision.action == "RETRY" and decision.category in {"network", "timeout"}
    history = product.emulator.get_run(failed_run, include_history=True)["repair_history"]
    assert [item["type"] for item in history] == ["ORIGINAL", "REPAIR"]

    # -- ask ---------------------------------------------------------------------------------------
    ask = product.run("ask_lakepilot", "golden", conf={"question": "Did any jobs fail or cost spike yesterday?",
                                                         "session_id": "golden"}, timeout=600)
    product.succeeded("ask_lakepilot", ask)
    answer = product.client.xcom("ask_lakepilot", "golden", "answer")
    assert answer["status"] in {"answered", "partial"} and "reliability" in answer["agents"]
    (turn,) = product.store.read(ConversationTurn, {"session_id": "golden"})
    assert turn.answer == answer["answer"]

    # -- provisioning, approved through the HITL endpoint -------------------------------------------
    plan = make_plan(FIREWALL, stack="golden-fw")
    dag = "provision_infrastructure"
    product.client.unpause(dag)
    product.client.trigger(dag, conf=plan_json(plan), run_id="golden")
    scheduler_log = product.stack.airflow.home / "process-logs" / "scheduler.log"
    for task in ("firewall_ports.approve", "firewall_ports.confirm"):  # firewall rules: security-sensitive
        answer_safely(product.client, scheduler_log, dag, "golden", task, "Approve")
    product.succeeded(dag, product.client.wait_run(dag, "golden", timeout=420, poll=2))
    state = json.loads((product.home / "terraform" / "stacks" / "golden-fw" / "firewall_ports" / "terraform.tfstate").read_text())
    applied = {r["name"] for r in state["resources"] if r["mode"] == "managed"}
    assert "azurerm_network_security_rule__rule_allow_tcp_443" in applied
    (row,) = [r for r in product.store.read(ProvisioningRun) if r.run_id == "golden"]
    assert row.outcome == "applied" and row.approver == "admin" and row.plan_hash
    # the approvers were mailed when each step started waiting: its summary and the link to answer it
    asks = {m.subject: m for m in list_outbox(product.home / "outbox") if "approvers@example.com" in m.to}
    assert len(asks) == 2 and all(s.startswith("[LakePilot] Approval needed:") for s in asks), sorted(asks)
    bodies = [text_part(load_message(Path(m.path))) for m in asks.values()]
    assert any(f"/dags/{dag}/runs/golden/tasks/firewall_ports.approve/required_actions" in b for b in bodies), bodies
    assert all("443" in b for b in bodies)

    # -- a task that fails for good mails whoever LAKEPILOT_FAILURE_EMAIL names ----------------------
    bad = product.run(dag, "golden-invalid", conf={"stack": "no such plan"}, timeout=240)
    assert bad["state"] == "failed"
    deadline = time.monotonic() + 60
    notice = f"[LakePilot] {dag}.validate_plan failed"
    while notice not in (failed := {m.subject for m in list_outbox(product.home / "outbox") if "oncall@example.com" in m.to}):
        assert time.monotonic() < deadline, f"no failure notice for validate_plan: {failed}\n{product.logs()}"
        time.sleep(2)
    assert failed <= {notice, f"[LakePilot] {dag}.record failed"}  # the run's record task fails it too

    # -- every LakePilot table is free of duplicate keys ---------------------------------------------
    for table, key in (("findings", ["finding_id"]), ("remediation_decisions", ["run_id", "attempt"]),
                       ("conversations", ["session_id", "turn"]), ("provisioning_runs", ["run_id"])):
        rows = read_table(product.stack.config.lakehouse, f"lakepilot.ops.{table}").to_pylist()
        assert len(rows) == len({tuple(r[k] for k in key) for r in rows}), table
