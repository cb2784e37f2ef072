"""Provisioning on a real Airflow: conversation → trigger (REST) → plan → approvals (REST) → apply.

One Airflow for the session, four runs at once on separate stacks:
  approve  the CLI conversation (non-interactive answers) triggers it; every approval and
           confirmation is given → terraform_data resources applied, row in provisioning_runs
  reject   the approval is rejected → nothing applied
  timeout  approvers restricted to 'auditor' (admin gets 403); the response timeout passes →
           treated as Reject, nothing applied. The timeout is TIMEOUT_S, not the 5 s minimum: admin's
           answer must land while the task still waits (after the scheduler's sweep it is a 409), and
           on 2 loaded CI cores the scheduler has lagged over 7 s behind a parked task.
  tamper   the plan file changes between approval and apply → apply refuses, state unchanged;
           then only that capability's task group is cleared, re-approved, and applied
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from include.airflow_api import AirflowApiError, AirflowClient
from include.ops.models import ProvisioningRun
from include.ops.store import LocalOpsStore
from include.provisioning.facts import RequestFacts
from include.provisioning.plan import ApprovalPolicy, plan_json
from include.terraform.plan_guard import stack_lock
from tests.e2e.hitl import answer_safely, wait_parked
from tests.include.provisioning.conftest import make_plan

pytestmark = pytest.mark.e2e
DAG = "provision_infrastructure"
ROOT = Path(__file__).resolve().parents[2]
FIREWALL = RequestFacts(capabilities=["firewall_ports"], team="sec-team", environment="dev", region="westeurope",
                        ports=["443", "8443"], sources=["10.20.0.0/16"])
REQUEST = ("a production workspace for the ML team in East US with GPUs and an OpenAI deployment, "
           "open 443 to our office 10.20.0.0/16")
TIMEOUT_S = 60
ANSWERS = {
    "capabilities": "yes",
    "azure_openai.models": "gpt-4o-mini",
    "budget": "25000",
    "names": ["call the resource group rg-ml-team-prod", "yes"],
    "confirm": ["reduce the cluster to 1-4 workers", "yes"],
}


def _client(config) -> AirflowClient:
    return AirflowClient(config.base_url, "admin", "admin-e2e")


def _wait_listed(client: AirflowClient, timeout: float = 150) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(d["dag_id"] == DAG for d in client.dags()):
            return
        time.sleep(2)
    raise AssertionError(f"{DAG} not listed; import errors: {client.import_errors()}")


_CONFIGS: dict[str, object] = {}


def client_config(client: AirflowClient):
    return _CONFIGS[client.base_url]


def _answer(client: AirflowClient, run_id: str, task_id: str, option: str) -> None:
    scheduler_log = Path(client_config(client).home) / "process-logs" / "scheduler.log"
    state = answer_safely(client, scheduler_log, DAG, run_id, task_id, option)
    print(f"{run_id} {task_id}: answered {option} → {state}")


def _state(home: Path, stack: str, capability: str) -> list[dict]:
    path = home / "terraform" / "stacks" / stack / capability / "terraform.tfstate"
    if not path.is_file():
        return []
    return [r for r in json.loads(path.read_text()).get("resources", []) if r.get("mode") == "managed"]


def _inputs(resources: list[dict]) -> dict[str, dict]:
    return {r["name"]: r["instances"][0]["attributes"]["input"]["value"] for r in resources}


def _cli_trigger(config, home: Path, tmp: Path) -> str:
    answers = tmp / "answers.json"
    answers.write_text(json.dumps(ANSWERS))
    env = {**os.environ, "LAKEPILOT_HOME": str(tmp / "cli-home"), "LAKEPILOT_AIRFLOW_URL": config.base_url,
           "LAKEPILOT_AIRFLOW_USER": "admin", "LAKEPILOT_AIRFLOW_PASSWORD": "admin-e2e", "LAKEPILOT_REQUESTER": "alice"}
    env.pop("AIRFLOW_CONN_LAKEPILOT_LLM", None)
    result = subprocess.run(
        [sys.executable, "-m", "cli.main", "provision", "--request", REQUEST, "--answers", str(answers), "--json"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    run = json.loads(result.stdout.strip().splitlines()[-1])
    assert run["url"] == f"{config.base_url}/dags/{DAG}/runs/{run['dag_run_id']}"
    assert "reduce the cluster" in result.stderr and "rg-ml-team-prod" in result.stderr
    return run["dag_run_id"]


def _drive_approve(config, run_id: str) -> dict:
    client = _client(config)
    for task in ("databricks_workspace.approve", "databricks_workspace.confirm"):  # GPU prod: over $500/month
        _answer(client, run_id, task, "Approve")
    # OpenAI and firewall both follow the workspace and run side by side; answer both as they come.
    with ThreadPoolExecutor(max_workers=1) as side:
        openai = side.submit(_answer, _client(config), run_id, "azure_openai.approve", "Approve")
        for task in ("firewall_ports.approve", "firewall_ports.confirm"):
            _answer(client, run_id, task, "Approve")
        openai.result(timeout=300)
    return client.wait_run(DAG, run_id, timeout=300)


def _drive_reject(config, run_id: str) -> dict:
    client = _client(config)
    _answer(client, run_id, "firewall_ports.approve", "Reject")
    return client.wait_run(DAG, run_id, timeout=240)


def _drive_timeout(config, run_id: str) -> dict:
    client = _client(config)
    wait_parked(client, Path(config.home) / "process-logs" / "scheduler.log", DAG, run_id, "firewall_ports.approve")
    with pytest.raises(AirflowApiError) as refused:  # admin is not among the assigned approvers
        client.answer(DAG, run_id, "firewall_ports.approve", ["Approve"])
    assert refused.value.status == 403, f"expected 403 for admin, got {refused.value.status}: {refused.value}"
    return {**client.wait_run(DAG, run_id, timeout=240), "refused": refused.value.status}


def _drive_tamper(config, run_id: str, home: Path, conf: dict) -> dict:
    """Approve and confirm while the test holds the stack's apply lock, change the plan file while
    the apply task waits for that lock, then release it: the apply must refuse the changed plan."""
    client = _client(config)
    _answer(client, run_id, "firewall_ports.approve", "Approve")
    lock = home / "terraform" / "stacks" / "e2e-tamper" / ".lakepilot-firewall_ports.lock"
    with stack_lock(lock, holder="the e2e test", timeout_s=10):
        _answer(client, run_id, "firewall_ports.confirm", "Approve")
        # Wait until the apply has passed its first hash check and logged that it waits for the lock.
        apply_log = (Path(config.home) / "logs" / f"dag_id={DAG}" / f"run_id={run_id}"
                     / "task_id=firewall_ports.apply" / "attempt=1.log")
        deadline = time.monotonic() + 180
        while not (apply_log.is_file() and "is held by" in apply_log.read_text(errors="replace")):
            assert time.monotonic() < deadline, "apply never waited for the stack lock"
            time.sleep(0.5)
        plan_file = Path(client.xcom(DAG, run_id, "firewall_ports.plan")["plan_file"])
        with open(plan_file, "ab") as fh:
            fh.write(b"tampered after approval")
    first = client.wait_run(DAG, run_id, timeout=240)
    ti = next(t for t in client.task_instances(DAG, run_id) if t["task_id"] == "firewall_ports.apply")
    log = client.request("GET", f"/api/v2/dags/{DAG}/dagRuns/{run_id}/taskInstances/firewall_ports.apply/logs/"
                         f"{ti['try_number']}", params={"full_content": True})
    outcome = {"first": first, "apply_state": ti["state"], "apply_tries": ti["try_number"], "log": json.dumps(log),
               "state_after": _state(home, "e2e-tamper", "firewall_ports"),
               "row_after": next(r for r in LocalOpsStore(home / "lakehouse").read(ProvisioningRun)
                                 if r.run_id == run_id)}
    retried = _retry_group(config, run_id)
    # The same plan again on the now-provisioned stack: no changes, nobody is asked, nothing applied.
    again = client.trigger(DAG, conf=conf, run_id="e2e-tamper-again")["dag_run_id"]
    unchanged = client.wait_run(DAG, again, timeout=240)
    return {**outcome, "retried": retried, "unchanged": unchanged,
            "unchanged_approve": client.xcom(DAG, again, "firewall_ports.approve"),
            "unchanged_apply": client.task_state(DAG, again, "firewall_ports.apply")}


def _retry_group(config, run_id: str) -> dict:
    client = _client(config)
    client.clear(DAG, run_id, [f"firewall_ports.{t}" for t in ("plan", "approve", "confirm", "apply")] + ["record"])
    for task in ("firewall_ports.approve", "firewall_ports.confirm"):
        _answer(client, run_id, task, "Approve")
    return client.wait_run(DAG, run_id, timeout=240)


def test_provisioning_runs_through_airflow(airflow_only, airflow_logs, tmp_path: Path) -> None:
    config, client = airflow_only
    _CONFIGS[config.base_url] = config
    home = Path(config.extra_env["LAKEPILOT_HOME"])
    started = time.monotonic()
    _wait_listed(client)
    assert [e for e in client.import_errors() if "provision" in json.dumps(e)] == []

    run_a = _cli_trigger(config, home, tmp_path)  # also unpauses the DAG
    plans = {
        "reject": make_plan(FIREWALL, stack="e2e-reject"),
        "timeout": make_plan(FIREWALL, stack="e2e-timeout").model_copy(
            update={"approval": ApprovalPolicy(timeout_s=TIMEOUT_S, approvers=["auditor"])}),
        "tamper": make_plan(FIREWALL, stack="e2e-tamper"),
    }
    runs = {name: client.trigger(DAG, conf=plan_json(plan), run_id=f"e2e-{name}")["dag_run_id"]
            for name, plan in plans.items()}
    with ThreadPoolExecutor(max_workers=4) as pool:
        futures = {
            "approve": pool.submit(_drive_approve, config, run_a),
            "reject": pool.submit(_drive_reject, config, runs["reject"]),
            "timeout": pool.submit(_drive_timeout, config, runs["timeout"]),
            "tamper": pool.submit(_drive_tamper, config, runs["tamper"], home, plan_json(plans["tamper"])),
        }
        try:
            results = {name: f.result(timeout=420) for name, f in futures.items()}
        except Exception:
            # Logs first, then which driver failed and why: CI shows only the tail of the output.
            print(airflow_logs(config))
            for name, future in futures.items():
                error = future.exception(timeout=0) if future.done() else "still running"
                print(f"driver {name}: {'ok' if error is None else repr(error)}")
            raise
    print(f"four runs driven in {time.monotonic() - started:.0f}s")
    store = LocalOpsStore(home / "lakehouse")
    rows = {r.run_id: r for r in store.read(ProvisioningRun)}

    # approve: everything applied, with the conversation's edits and name override
    assert results["approve"]["state"] == "success", airflow_logs(config)
    ws = _inputs(_state(home, "ml-team-prod-eus", "databricks_workspace"))
    assert ws["azurerm_resource_group__main"]["name"] == "rg-ml-team-prod"
    assert ws["databricks_cluster__main"]["min_workers"] == 1 and ws["databricks_cluster__main"]["max_workers"] == 4
    assert ws["databricks_instance_pool__main"]["node_type_id"] == "Standard_NC4as_T4_v3"
    assert ws["azurerm_databricks_workspace__main"]["name"] == "dbw-ml-team-prod-eus"
    oai = _inputs(_state(home, "ml-team-prod-eus", "azure_openai"))
    assert oai["azurerm_cognitive_deployment__deployment_gpt_4o_mini"]["model_name"] == "gpt-4o-mini"
    fw = _inputs(_state(home, "ml-team-prod-eus", "firewall_ports"))
    assert fw["azurerm_network_security_rule__rule_allow_tcp_443"]["source_address_prefixes"] == ["10.20.0.0/16"]
    row = rows[run_a]
    assert row.outcome == "applied" and row.requester == "alice" and row.approver == "admin"
    assert row.agent_path == "deterministic" and row.triggered_by == "admin"
    assert set(row.capability_outcomes.values()) == {"applied"}
    assert len(row.plan_hashes) == 3 and row.plan_hash and row.cost_estimate_usd and row.cost_estimate_usd > 500
    assert {r["type"] for r in row.resources} >= {"azurerm_databricks_workspace", "azurerm_network_security_rule"}
    assert len([a for a in row.approvals if a["stage"] == "confirm"]) == 2

    # reject: nothing applied
    assert results["reject"]["state"] == "success"
    assert client.task_state(DAG, runs["reject"], "firewall_ports.apply") == "skipped"
    assert _state(home, "e2e-reject", "firewall_ports") == []
    assert rows["e2e-reject"].outcome == "rejected" and rows["e2e-reject"].resources == []

    # timeout: admin was refused (403), the timeout counted as Reject, nothing applied
    assert results["timeout"]["refused"] == 403 and results["timeout"]["state"] == "success"
    assert client.task_state(DAG, runs["timeout"], "firewall_ports.apply") == "skipped"
    assert _state(home, "e2e-timeout", "firewall_ports") == []
    assert rows["e2e-timeout"].outcome == "timed_out"

    # tamper: apply refused, state unchanged; the row says failed
    assert results["tamper"]["first"]["state"] == "failed"
    assert results["tamper"]["apply_state"] == "failed" and results["tamper"]["apply_tries"] == 1  # no retry
    assert "changed after approval" in results["tamper"]["log"]
    assert "held by" in results["tamper"]["log"] and "the e2e test" in results["tamper"]["log"]  # it waited
    assert results["tamper"]["state_after"] == []
    assert results["tamper"]["row_after"].outcome == "failed"
    assert results["tamper"]["row_after"].capability_outcomes == {"firewall_ports": "failed"}

    # …and retrying only that capability's task group re-plans, re-approves and applies it
    retried = results["tamper"]["retried"]
    assert retried["state"] == "success", airflow_logs(config)
    assert set(_inputs(_state(home, "e2e-tamper", "firewall_ports"))) == {
        "azurerm_resource_group__main", "azurerm_network_security_group__main",
        "azurerm_network_security_rule__rule_allow_tcp_443", "azurerm_network_security_rule__rule_allow_tcp_8443"}
    again = {r.run_id: r for r in store.read(ProvisioningRun)}
    assert again["e2e-tamper"].outcome == "applied"
    assert len([r for r in store.read(ProvisioningRun) if r.run_id == "e2e-tamper"]) == 1
    assert results["tamper"]["unchanged"]["state"] == "success"
    assert results["tamper"]["unchanged_approve"]["required"] is False
    assert results["tamper"]["unchanged_apply"] == "skipped"
    assert again["e2e-tamper-again"].outcome == "no_changes"


def test_an_expired_rule_is_closed_and_then_the_stack_destroyed(airflow_only, airflow_logs, monkeypatch) -> None:
    """A rule applied with an expiry is removed by `close_expired_firewall_rules` through an approved run; then
    `decommission_infrastructure` destroys the stack after its approval, leaving the sandbox state empty."""
    from datetime import date, timedelta

    config, client = airflow_only
    _CONFIGS[config.base_url] = config
    home = Path(config.extra_env["LAKEPILOT_HOME"])
    _wait_listed(client)
    tomorrow = date.today() + timedelta(days=1)
    plan = make_plan(FIREWALL, stack="e2e-expiry")
    (cap,) = plan.capabilities
    rules = [{**r, "expires_on": tomorrow.isoformat() if "443" in r["ports"] else None} for r in cap.params["rules"]]
    plan = plan.model_copy(update={"capabilities": [cap.model_copy(update={"params": {**cap.params, "rules": rules}})]})
    client.unpause(DAG)
    opened = client.trigger(DAG, conf=plan_json(plan), run_id="e2e-expiry-open")["dag_run_id"]
    for task in ("firewall_ports.approve", "firewall_ports.confirm"):
        _answer(client, opened, task, "Approve")
    assert client.wait_run(DAG, opened, timeout=240)["state"] == "success", airflow_logs(config)
    assert "azurerm_network_security_rule__rule_allow_tcp_443" in _inputs(_state(home, "e2e-expiry", "firewall_ports"))

    expiry, day = "close_expired_firewall_rules", tomorrow + timedelta(days=1)
    client.unpause(expiry)
    client.trigger(expiry, conf={"as_of": day.isoformat()}, run_id="e2e-expiry-check")
    assert client.wait_run(expiry, "e2e-expiry-check", timeout=240)["state"] == "success", airflow_logs(config)
    (closing,) = client.xcom(expiry, "e2e-expiry-check", "find_expired")
    run_id = closing["trigger_run_id"]
    assert run_id == f"expiry__e2e-expiry__{day.isoformat()}"
    for task in ("firewall_ports.approve", "firewall_ports.confirm"):  # the same approval path as any change
        _answer(client, run_id, task, "Approve")
    assert client.wait_run(DAG, run_id, timeout=240)["state"] == "success", airflow_logs(config)
    left = set(_inputs(_state(home, "e2e-expiry", "firewall_ports")))
    assert "azurerm_network_security_rule__rule_allow_tcp_443" not in left
    assert "azurerm_network_security_rule__rule_allow_tcp_8443" in left
    row = next(r for r in LocalOpsStore(home / "lakehouse").read(ProvisioningRun) if r.run_id == run_id)
    assert row.requester == "lakepilot-expiry" and row.outcome == "applied" and row.approver == "admin"
    assert "allow-tcp-443" in row.request

    # -- decommission: the destroy plan from what the stack last applied, approved and confirmed ----------
    from include.provisioning.decommission import destroy_plan

    monkeypatch.setenv("LAKEPILOT_TERRAFORM_HOME", str(home / "terraform"))
    doomed = destroy_plan("e2e-expiry", "admin", reason="the partner link is gone")
    client.trigger(DAG, conf=plan_json(doomed), run_id="e2e-destroy-wrong-dag")  # never through the other DAG
    assert client.wait_run(DAG, "e2e-destroy-wrong-dag", timeout=240)["state"] == "failed"
    assert client.task_state(DAG, "e2e-destroy-wrong-dag", "validate_plan") == "failed"
    assert _state(home, "e2e-expiry", "firewall_ports") != []
    decommission = "decommission_infrastructure"
    client.unpause(decommission)
    client.trigger(decommission, conf=plan_json(doomed), run_id="e2e-destroy")
    scheduler_log = Path(config.home) / "process-logs" / "scheduler.log"
    for task in ("firewall_ports.approve", "firewall_ports.confirm"):
        answer_safely(client, scheduler_log, decommission, "e2e-destroy", task, "Approve")
    assert client.wait_run(decommission, "e2e-destroy", timeout=240)["state"] == "success", airflow_logs(config)
    assert _state(home, "e2e-expiry", "firewall_ports") == []
    row = next(r for r in LocalOpsStore(home / "lakehouse").read(ProvisioningRun) if r.run_id == "e2e-destroy")
    assert (row.action, row.outcome, row.approver) == ("destroy", "applied", "admin")
