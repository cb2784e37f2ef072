"""`remediate_failed_runs` in real Airflow against the Jobs API emulator and the loopback mail sink.

One `LocalStack` for the module (emulator at 1000x, SMTP sink, api-server/scheduler/dag-processor/
triggerer on LocalExecutor, all on free ports in a temporary home holding a small workspace).
Failures are injected through the emulator's API, the DAG is triggered through Airflow's REST API,
and the results are read back from the emulator, the Delta ledger and the outbox:

run 1: transient -> repaired; OOM -> resized + repaired; permission -> one e-mail, no repair;
       stubborn OOM (a node step that is not enough) -> resized + repaired, fails again;
run 2: outcomes recorded (succeeded / succeeded / failed); the stubborn run's retry budget is
       spent -> escalated to on-call once, incident opened;
run 3: the same window re-scanned -> no decision added, no run or repair started, no e-mail.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from include.devstack.local_stack import LocalStack, LocalStackConfig
from include.devstack.procs import free_port
from include.emulator.client import EmulatorClient
from include.notify.outbox import list_outbox
from include.ops.models import RemediationDecision
from include.ops.store import LocalOpsStore
from include.remediation.incidents import RemediationIncident
from include.remediation.watermark import RemediationWatermark
from tests.e2e.conftest import logs_of
from tests.include.remediation.support import JOBS, ONCALL, OWNER, make_manifest

pytestmark = pytest.mark.e2e

DAG = "remediate_failed_runs"
POLICY = {"backoff_base_seconds": 0, "oncall": [ONCALL]}


class Stack:
    """The running stack and handles on everything a test reads."""

    def __init__(self, stack: LocalStack) -> None:
        self.stack = stack
        self.home = stack.config.home
        self.client = stack.client()
        self.emulator = EmulatorClient(f"http://127.0.0.1:{stack.config.emulator_port}", stack.config.emulator_token)
        self.store = LocalOpsStore(stack.config.lakehouse)
        self.runs = 0

    def logs(self) -> str:
        return logs_of(self.stack.airflow)

    def fail(self, key: str) -> int:
        run_id = int(self.emulator.request("POST", "/api/2.2/jobs/run-now", {"job_id": JOBS[key]})["run_id"])
        run = self.emulator.wait_for_run(run_id, timeout=60)
        assert run["state"]["result_state"] == "FAILED", (key, run["state"])
        return run_id

    def trigger(self, conf: dict[str, Any]) -> str:
        self.runs += 1
        run_id = f"e2e-{self.runs}"
        self.client.trigger(DAG, conf=conf, run_id=run_id)
        final = self.client.wait_run(DAG, run_id, timeout=240)
        states = {(t["task_id"], t.get("map_index", -1)): t["state"] for t in self.client.task_instances(DAG, run_id)}
        assert final["state"] == "success", f"{states}\n{self.logs()}"
        return run_id

    def decisions(self) -> dict[tuple[str, int], RemediationDecision]:
        return {(d.run_id, d.attempt): d for d in self.store.read(RemediationDecision)}

    def repairs(self, run_id: int) -> int:
        return len(self.emulator.get_run(run_id, include_history=True)["repair_history"]) - 1

    def all_runs(self) -> list[dict[str, Any]]:
        return self.emulator.request("GET", "/api/2.2/jobs/runs/list", params={"limit": 25})["runs"]

    def mail(self) -> list[Any]:
        return list_outbox(self.home / "outbox")


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory, metadata_db) -> Iterator[Stack]:
    home: Path = tmp_path_factory.mktemp("remediation-e2e")
    (home / "lakehouse").mkdir()
    make_manifest().save(home / "lakehouse")  # LocalStack keeps an existing workspace
    config = LocalStackConfig(
        home=home, airflow_port=free_port(), emulator_port=free_port(), smtp_port=free_port(),
        emulator_speed=1000.0, passwords={"admin": "admin-e2e"}, database_url=metadata_db("remediation"),
        extra_env={"LAKEPILOT_ONCALL_EMAIL": ONCALL, "LAKEPILOT_REMEDIATION_POLL_SECONDS": "2",
                   "LAKEPILOT_REMEDIATION_SCHEDULE": "none"},
    )
    local = LocalStack(config)
    local.start()
    try:
        s = Stack(local)
        deadline = time.monotonic() + 120
        while DAG not in {d["dag_id"] for d in s.client.dags()}:
            assert time.monotonic() < deadline, f"{DAG} never loaded: {s.client.import_errors()}\n{s.logs()}"
            time.sleep(2)
        s.client.unpause(DAG)
        s.client.request("POST", "/api/v2/variables",
                         json={"key": "lakepilot_remediation_policy", "value": json.dumps(POLICY)})
        yield s
    finally:
        local.stop()


def test_remediation_through_airflow(stack: Stack) -> None:
    t0 = datetime.now(UTC) - timedelta(minutes=1)
    failed = {key: stack.fail(key) for key in ("transient", "oom", "permission", "stubborn")}
    pool = next(p for p in stack.client.request("GET", "/api/v2/pools")["pools"] if p["name"] == "databricks_api")
    assert pool["slots"] == 8

    # -- run 1: decide and act on the four failures ---------------------------------------------
    first = stack.trigger({"wait_seconds": 10})
    found = stack.client.xcom(DAG, first, "detect_failed_runs")
    assert sorted(f["run_id"] for f in found) == sorted(str(r) for r in failed.values())
    d = stack.decisions()
    row = {key: d[(str(run), 0)] for key, run in failed.items()}
    assert {k: (v.category, v.action, v.outcome) for k, v in row.items()} == {
        "transient": ("network", "RETRY", "acted"),
        "oom": ("resource", "RETRY_WITH_NEW_PARAMS", "acted"),
        "permission": ("permission", "SEND_EMAIL", "notified"),
        "stubborn": ("resource", "RETRY_WITH_NEW_PARAMS", "acted"),
    }
    assert {k: stack.repairs(r) for k, r in failed.items()} == {"transient": 1, "oom": 1, "permission": 0, "stubborn": 1}
    job = stack.emulator.request("GET", "/api/2.2/jobs/get", params={"job_id": JOBS["oom"]})
    assert job["settings"]["job_clusters"][0]["new_cluster"]["node_type_id"] == "r5.2xlarge"
    mails = stack.mail()
    permission_mail = [m for m in mails if "Action needed" in m.subject]
    assert len(permission_mail) == 1 and permission_mail[0].to == OWNER and str(failed["permission"]) in permission_mail[0].subject
    assert len([m for m in mails if "Changed and repaired" in m.subject]) == 2
    assert stack.store.read(RemediationWatermark)

    # -- the repairs finish in the emulator -----------------------------------------------------
    results = {k: stack.emulator.wait_for_run(failed[k], timeout=60)["state"]["result_state"]
               for k in ("transient", "oom", "stubborn")}
    assert results == {"transient": "SUCCESS", "oom": "SUCCESS", "stubborn": "FAILED"}

    # -- run 2: outcomes, and the stubborn job is escalated once its retry budget is spent ------
    stack.trigger({"wait_seconds": 10})
    d = stack.decisions()
    outcomes = {k: d[(str(failed[k]), 0)].outcome for k in ("transient", "oom", "stubborn")}
    assert outcomes == {"transient": "succeeded", "oom": "succeeded", "stubborn": "failed"}
    escalation = d[(str(failed["stubborn"]), 1)]
    assert (escalation.action, escalation.guard, escalation.outcome) == ("ESCALATE", "retry_limit", "notified")
    assert set(escalation.notified) == {ONCALL, OWNER}
    (incident,) = stack.store.read(RemediationIncident)
    assert incident.incident_id == escalation.incident_id and incident.occurrences == 1
    assert len([m for m in stack.mail() if "Escalation" in m.subject]) == 1
    assert stack.repairs(failed["stubborn"]) == 1  # no automatic retry after the budget

    # -- run 3: the same window again adds nothing ----------------------------------------------
    before = (len(stack.decisions()), len(stack.all_runs()), {k: stack.repairs(r) for k, r in failed.items()},
              len(stack.mail()))
    third = stack.trigger({"since": t0.isoformat(), "wait_seconds": 0})
    assert stack.client.xcom(DAG, third, "detect_failed_runs") == []
    after = (len(stack.decisions()), len(stack.all_runs()), {k: stack.repairs(r) for k, r in failed.items()},
             len(stack.mail()))
    assert after == before
    assert len(before[0:1]) and before[0] == 5
