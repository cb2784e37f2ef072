"""Figures 1, 2 and 7 on real Airflow: retries and clears, a killed worker, and secret canaries.

One `LocalStack` (Jobs API emulator, SMTP sink, api-server / scheduler / dag-processor / triggerer
on LocalExecutor) over a small generated workspace, with an OpenAI-compatible stub on loopback as
the `lakepilot_llm` endpoint. Every connection carries a unique canary secret: the
`databricks_default` token (the emulator only accepts that token), the `lakepilot_llm` API key and
the `smtp_default` password.

1. A worker killed after the Jobs API call (figure 2): the emulator holds back the answer to
   `runs/repair` after the repair took effect (`/_emulator/faults` hold) and names the caller's
   socket; the test SIGKILLs the process owning it (the act task), Airflow retries the task, and the
   retry must find its own repair - no second repair, no new run, one decision.
2. Every DAG triggered once, then all of its task instances cleared three times through the REST
   API (figure 1): no `lakepilot.ops` table may hold two rows with one natural key, and the tables
   whose rows are keyed by what was computed (not by an event) must keep exactly their key sets.
   `provision_infrastructure` is left to tests/e2e/test_provisioning_e2e.py and
   tests/reliability/test_terraform_guard.py: every clear re-asks a human, so a clear proof would
   mostly test the approval loop those already cover (a cleared, re-approved group is tested there).
3. The canaries (figure 7): never in any file under the stack's home (Airflow task and process logs,
   the metadata DB, reports, the emulator's state), in any XCom value or task-instance field read
   through REST, in the decoded e-mails, in the ops tables, or in any request body the LLM received.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import psutil
import pytest

from include.devstack.local_stack import LocalStack, LocalStackConfig
from include.devstack.procs import free_port
from include.emulator.client import EmulatorClient
from include.metrics.llm_calls import LLMCall
from include.notify.outbox import load_message
from include.ops.models import DOMAINS, RemediationDecision
from include.ops.store import LocalOpsStore
from include.simulator.generate import generate_workspace
from include.simulator.manifest import load_manifest
from tests.e2e.conftest import logs_of
from tests.reliability.llm_stub import (
    STRUCTURED,
    OpenAIStub,
    offered_tools,
    prompt_text,
    tool_call_reply,
    valid_args,
)
from tests.reliability.ops_tables import all_ops_models

pytestmark = pytest.mark.e2e

REMEDIATE = "remediate_failed_runs"
HEALTH = [f"health_{d}" for d in DOMAINS]
CLEARED = [*HEALTH, "daily_health_report", REMEDIATE, "ask_lakepilot", "lakehouse_maintenance"]
EVENT_TABLES = {"llm_calls"}  # one row per LLM call: a re-run legitimately calls again
CANARIES = {
    "databricks_default token": "dapi" + secrets.token_hex(16),
    "lakepilot_llm api key": "sk-canary-" + secrets.token_hex(20),
    "smtp_default password": "smtp-canary-" + secrets.token_hex(12),
}


def _echo(body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """A valid structured answer that repeats what it was shown (a leaked secret would come back out)."""
    text = prompt_text(body)[-600:]
    wanted = next((t for t in offered_tools(body) if t in STRUCTURED), None)
    if wanted == "LLMAnalysis":
        return tool_call_reply(wanted, {"headline": ("stub: " + text)[:230], "findings": []})
    if wanted == "TriageAnalysis":
        return tool_call_reply(wanted, {**valid_args(wanted), "rationale": ("stub: " + text)[:900]})
    if wanted:
        return tool_call_reply(wanted, valid_args(wanted, text[:200]))
    return 200, {"id": "x", "object": "chat.completion", "created": 0, "model": "stub-model", "choices": [
        {"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": text[:300]}}]}


class Stack:
    def __init__(self, local: LocalStack, llm: OpenAIStub) -> None:
        self.local = local
        self.llm = llm
        self.home = local.config.home
        self.client = local.client()
        self.store = LocalOpsStore(local.config.lakehouse)
        self.emulator = EmulatorClient(f"http://127.0.0.1:{local.config.emulator_port}", local.config.emulator_token)
        self.runs: dict[str, str] = {}  # dag_id -> the run this module triggered

    def logs(self) -> str:
        return logs_of(self.local.airflow)

    def states(self, dag_id: str, run_id: str) -> dict[str, str]:
        return {f"{t['task_id']}[{t.get('map_index', -1)}]": t["state"] for t in self.client.task_instances(dag_id, run_id)}

    def wait(self, dag_id: str, run_id: str, timeout: float = 600) -> None:
        final = self.client.wait_run(dag_id, run_id, timeout=timeout, poll=2)
        assert final["state"] == "success", f"{dag_id}/{run_id}: {final['state']} {self.states(dag_id, run_id)}\n{self.logs()}"


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory, metadata_db) -> Iterator[Stack]:
    home: Path = tmp_path_factory.mktemp("reliability-e2e")
    # Data up to today 00:00 UTC; the sweeps and the report run as of that moment (see the golden path).
    generate_workspace(home / "lakehouse", days=8, scale="small", seed=5, end=datetime.now(UTC).date() - timedelta(days=1))
    llm = OpenAIStub("ok", _echo).start()
    schedules = {f"LAKEPILOT_SCHEDULE_{d.upper()}": "none" for d in DOMAINS}
    config = LocalStackConfig(
        home=home, airflow_port=free_port(), emulator_port=free_port(), smtp_port=free_port(),
        emulator_speed=1000.0, emulator_scheduler=False, passwords={"admin": "admin-e2e"},
        emulator_token=CANARIES["databricks_default token"], database_url=metadata_db("reliability"),
        extra_env={**schedules, "LAKEPILOT_SCHEDULE_REPORT": "none", "LAKEPILOT_REMEDIATION_SCHEDULE": "none",
                   "LAKEPILOT_REMEDIATION_POLL_SECONDS": "2", "LAKEPILOT_REPORT_RECIPIENTS": "platform-team@example.com",
                   "LAKEPILOT_ONCALL_EMAIL": "oncall@example.com"},
    )
    local = LocalStack(config)
    local.airflow.connections["lakepilot_llm"] = {
        "conn_type": "generic", "host": llm.url, "password": CANARIES["lakepilot_llm api key"],
        "extra": {"provider": "openai", "model": "stub-model", "timeout": 20, "max_iterations": 3},
    }
    local.airflow.connections["smtp_default"] = {**local.airflow.connections["smtp_default"],
                                                 "password": CANARIES["smtp_default password"]}
    local.start()
    try:
        s = Stack(local, llm)
        deadline = time.monotonic() + 240
        while not set(CLEARED) <= {d["dag_id"] for d in s.client.dags()}:
            assert time.monotonic() < deadline, f"DAGs never listed: {s.client.import_errors()}\n{s.logs()}"
            time.sleep(2)
        for dag_id in CLEARED:
            s.client.unpause(dag_id)
        s.client.request("POST", "/api/v2/variables", json={"key": "lakepilot_remediation_policy",
                                                           "value": json.dumps({"backoff_base_seconds": 0})})
        yield s
    finally:
        local.stop()
        llm.stop()


def _owner_of(port: int, emulator_port: int) -> psutil.Process:
    for conn in psutil.net_connections(kind="tcp"):
        if conn.laddr and conn.laddr.port == port and conn.raddr and conn.raddr.port == emulator_port and conn.pid:
            return psutil.Process(conn.pid)
    raise AssertionError(f"no process owns the client socket :{port}")


def test_a_worker_killed_after_the_repair_call_starts_no_second_run(stack: Stack, figures) -> None:
    manifest = load_manifest(stack.local.config.lakehouse)
    job = next(j for j in manifest.jobs if j.failure_behaviour == "none")
    stack.emulator.set_behaviour(job.job_id, "transient")
    run_id = int(stack.emulator.request("POST", "/api/2.2/jobs/run-now", {"job_id": int(job.job_id)})["run_id"])
    assert stack.emulator.wait_for_run(run_id, timeout=90)["state"]["result_state"] == "FAILED"
    runs_before = stack.emulator.request("GET", "/api/2.2/jobs/runs/list", params={"job_id": int(job.job_id), "limit": 25})
    stack.emulator.set_faults(hold={"endpoint": "jobs/runs/repair", "seconds": 300, "count": 1})

    dag_run = "kill-after-repair"
    stack.client.trigger(REMEDIATE, conf={"wait_seconds": 10}, run_id=dag_run)
    stack.runs[REMEDIATE] = dag_run
    deadline = time.monotonic() + 300
    while not (held := stack.emulator.faults()["held"]):
        assert time.monotonic() < deadline, f"the repair call never came: {stack.states(REMEDIATE, dag_run)}\n{stack.logs()}"
        time.sleep(0.5)
    victim = _owner_of(int(held[0]["peer_port"]), stack.local.config.emulator_port)
    cmdline = " ".join(victim.cmdline())
    assert victim.pid != os.getpid() and ("airflow" in cmdline.lower() or "python" in cmdline.lower()), cmdline
    repair_id = stack.emulator.get_run(run_id, include_history=True)["repair_history"][1]["id"]
    os.kill(victim.pid, signal.SIGKILL)
    victim.wait(timeout=30)
    stack.emulator.clear_faults()

    stack.wait(REMEDIATE, dag_run)
    act = next(t for t in stack.client.task_instances(REMEDIATE, dag_run) if t["task_id"] == "remediate.act")
    history = stack.emulator.get_run(run_id, include_history=True)["repair_history"]
    runs_after = stack.emulator.request("GET", "/api/2.2/jobs/runs/list", params={"job_id": int(job.job_id), "limit": 25})
    rows = [d for d in stack.store.read(RemediationDecision) if d.run_id == str(run_id)]
    detail = (f"killed pid {victim.pid} ({cmdline[:80]}); act try_number {act.get('try_number')}; "
              f"repairs {[h['type'] for h in history]}; decisions {[(d.attempt, d.outcome, d.repair_id) for d in rows]}")
    assert int(act.get("try_number") or 0) >= 2, detail  # the kill really cost a try, and the retry ran
    extra = (len(history) - 2) + (len(runs_after.get("runs", [])) - len(runs_before.get("runs", [])))
    figures.record("killed_worker.second_runs_or_repairs", extra, "0 (one repair, no new run)", extra == 0, detail=detail)
    ours = len(rows) == 1 and rows[0].attempt == 0 and rows[0].repair_id == str(repair_id)
    figures.record("killed_worker.decisions_for_the_run", len(rows), "1, recording the repair the killed try started",
                   ours and rows[0].outcome in ("acted", "succeeded"), detail=detail)


def _key_sets(store: LocalOpsStore) -> dict[str, tuple[int, set[tuple]]]:
    out = {}
    for table, model in sorted(all_ops_models().items()):
        rows = store.read(model)
        out[table] = (len(rows), {r.key() for r in rows})
    return out


def test_clearing_every_dag_three_times_duplicates_nothing(stack: Stack, figures) -> None:
    started = time.monotonic()
    for dag_id in CLEARED:
        if dag_id in stack.runs:
            continue
        conf = {"question": "Did any jobs fail or cost spike yesterday?", "session_id": "reliability"} \
            if dag_id == "ask_lakepilot" else None
        as_of = load_manifest(stack.local.config.lakehouse).end if dag_id in HEALTH or dag_id == "daily_health_report" else None
        stack.client.trigger(dag_id, conf=conf, run_id="reliability", run_after=as_of)
        stack.runs[dag_id] = "reliability"
    for dag_id, run_id in stack.runs.items():
        stack.wait(dag_id, run_id)
    first = _key_sets(stack.store)
    assert first["findings"][0] > 0 and first["remediation_decisions"][0] > 0 and first["conversations"][0] == 1
    duplicates: dict[str, int] = {}
    grown: dict[str, int] = {}
    for _round in range(3):
        for dag_id, run_id in stack.runs.items():
            stack.client.clear(dag_id, run_id)
        for dag_id, run_id in stack.runs.items():
            stack.wait(dag_id, run_id)
        now = _key_sets(stack.store)
        for table, (rows, keys) in now.items():
            duplicates[table] = max(duplicates.get(table, 0), rows - len(keys))
            if table not in EVENT_TABLES and keys != first.get(table, (0, set()))[1]:
                grown[table] = len(keys ^ first.get(table, (0, set()))[1])
    tries = {d: max(int(t.get("try_number") or 0) for t in stack.client.task_instances(d, r)) for d, r in stack.runs.items()}
    detail = (f"{len(stack.runs)} DAG runs x (1 + 3 clears) in {time.monotonic() - started:.0f}s; rows "
              f"{ {t: r for t, (r, _) in _key_sets(stack.store).items() if r} }; max try per DAG {tries}")
    assert all(n >= 4 for n in tries.values()), detail  # every run really ran four times
    figures.record("clear_x3.duplicate_rows", sum(duplicates.values()), "0 in every lakepilot.ops table (rows = distinct keys)",
                   not any(duplicates.values()), detail=f"{duplicates}; {detail}")
    figures.record("clear_x3.keys_added_or_lost", sum(grown.values()), "0 outside event tables (llm_calls)", not grown,
                   detail=f"{grown}")


def _xcom_texts(stack: Stack) -> list[str]:
    texts = []
    for dag_id, run_id in stack.runs.items():
        for ti in stack.client.task_instances(dag_id, run_id):
            texts.append(json.dumps(ti, default=str))  # rendered fields, notes, executor config ...
            base = (f"/api/v2/dags/{quote(dag_id)}/dagRuns/{quote(run_id)}/taskInstances/{quote(ti['task_id'])}/xcomEntries")
            entries = stack.client.request("GET", base, params={"map_index": ti.get("map_index", -1)}).get("xcom_entries", [])
            for entry in entries:
                value = stack.client.request("GET", f"{base}/{quote(entry['key'])}",
                                             params={"map_index": ti.get("map_index", -1), "stringify": True})
                texts.append(json.dumps(value, default=str))
    return texts


def _mail_texts(home: Path) -> list[str]:
    texts = []
    for path in sorted(home.rglob("*.eml")):
        message = load_message(path)
        for part in message.walk():
            payload = part.get_payload(decode=True)
            if payload:
                texts.append(payload.decode("utf-8", "replace"))
        texts.append(str(message))
    return texts


def test_secret_canaries_never_leave_their_connections(stack: Stack, postgres_server, figures) -> None:
    assert stack.runs, "the DAGs must have run before the canaries are looked for"
    files = [p for p in stack.home.rglob("*") if p.is_file()]
    # The metadata DB lives on the PostgreSQL server: its whole content is scanned as one more file.
    metadata = stack.home / "metadata-db.sql"
    metadata.write_bytes(postgres_server.dump(stack.local.config.database_url.rsplit("/", 1)[1]))
    files.append(metadata)
    ops = [r.model_dump_json() for model in all_ops_models().values() for r in stack.store.read(model)]
    xcoms = _xcom_texts(stack)
    mails = _mail_texts(stack.home)
    prompts = stack.llm.prompts_text()
    assert xcoms and mails and prompts and ops
    # The canaries were live: the LLM got its key (in the header only) and the emulator only accepts its token.
    assert any(h.get("authorization") == f"Bearer {CANARIES['lakepilot_llm api key']}" for h in stack.llm.headers)
    found: dict[str, list[str]] = {}
    for name, canary in CANARIES.items():
        raw = canary.encode()
        places = [str(p.relative_to(stack.home)) for p in files if raw in p.read_bytes()]
        places += ["xcom/task instance"] * any(canary in t for t in xcoms)
        places += ["e-mail"] * any(canary in t for t in mails)
        places += ["ops table"] * any(canary in t for t in ops)
        places += ["LLM request body"] * (canary in prompts)
        if places:
            found[name] = places
    detail = (f"{len(files)} files ({sum(p.stat().st_size for p in files) // 1024} KiB incl. logs, metadata DB, reports), "
              f"{len(xcoms)} XCom/TI documents, {len(mails)} e-mail parts, {len(ops)} ops rows, "
              f"{len(stack.llm.bodies)} LLM requests; found: {found}")
    figures.record("canary.leaks", sum(len(v) for v in found.values()), f"0 places for {len(CANARIES)} canaries",
                   not found, detail=detail)


def test_every_llm_call_a_task_made_is_recorded(stack: Stack) -> None:
    """The recorder batches a task's calls and writes them when Airflow's task runner stops (the listener in
    plugins/lakepilot_listeners_plugin.py, before os._exit): every request the model answered has its row."""
    assert stack.runs and stack.llm.bodies, "the DAGs must have called the model"
    rows = stack.store.read(LLMCall)
    assert len(rows) == len(stack.llm.bodies), f"{len(rows)} rows for {len(stack.llm.bodies)} LLM requests"
    assert all(r.dag_id and r.task_id for r in rows), "each call is labelled with the task that made it"
