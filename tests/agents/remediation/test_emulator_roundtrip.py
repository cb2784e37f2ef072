"""Round trip against the Jobs API emulator: fail a job, triage it with the CLI, act on the decision.

The emulator (include/emulator, another team's component) runs seeded failure behaviours over
compressed time and is driven here through the real DatabricksHook. The acting steps below are
what docs/remediation.md asks of the Airflow side (update the job cluster, repair with
latest_repair_id); they show the decisions actually fix what they claim to fix.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from include.emulator.engine import DEFAULT_TOKEN
from include.emulator.server import EmulatorServer, default_config
from include.ops.models import RemediationDecision
from include.ops.store import LocalOpsStore
from include.remediation.params import ParamsChange
from include.simulator.manifest import ClusterSpec, JobSpec, TaskSpec, Workspace, WorkspaceManifest

JOBS = {"oom": 301, "transient": 302, "permission": 303}


def _manifest() -> WorkspaceManifest:
    def job(behaviour: str) -> JobSpec:
        return JobSpec(
            workspace_id="7001",
            job_id=str(JOBS[behaviour]),
            name=f"{behaviour}_job",
            owner="owner@example.com",
            run_as="etl-sp@example.com",
            team="sales",
            quartz_cron="0 0 2 * * ?",
            tasks=[TaskSpec(task_key="main", notebook_path="/Jobs/main")],
            cluster=ClusterSpec(node_type_id="r5.xlarge", num_workers=2),
            typical_duration_s=300,
            failure_behaviour=behaviour,
            failure_rate=1.0,  # type: ignore[arg-type]
        )

    return WorkspaceManifest(
        account_id="acct-test",
        seed=11,
        scale="small",
        start=datetime(2026, 1, 1, tzinfo=UTC),
        end=datetime(2026, 2, 1, tzinfo=UTC),
        generated_at=datetime(2026, 2, 1, tzinfo=UTC),
        workspaces=[
            Workspace(
                workspace_id="7001", name="ws", cloud="AWS", region="us-east-1", host="dbc-7001.example"
            )
        ],
        jobs=[job(b) for b in JOBS],
    )


@pytest.fixture
def hook(lakehouse: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator:
    from airflow.providers.databricks.hooks.databricks import DatabricksHook

    _manifest().save(lakehouse)
    server = EmulatorServer(
        default_config(lakehouse, speed=1000.0, scheduler=False, tick_interval_s=0.05, flush_debounce_s=0.2),
        port=0,
    )
    server.start()
    monkeypatch.setenv(
        "AIRFLOW_CONN_DATABRICKS_DEFAULT",
        json.dumps(
            {
                "conn_type": "databricks",
                "host": "127.0.0.1",
                "port": server.port,
                "schema": "http",
                "password": DEFAULT_TOKEN,
            }
        ),
    )
    yield DatabricksHook(retry_limit=2, retry_delay=0.1)
    server.stop()


def _wait(hook, run_id: int, timeout: float = 30.0) -> str:
    deadline = time.monotonic() + timeout
    while not (state := hook.get_run_state(run_id)).is_terminal:
        assert time.monotonic() < deadline, f"run {run_id} still {state}"
        time.sleep(0.05)
    return state.result_state


def _failed_run(hook, behaviour: str) -> int:
    run_id = hook.run_now({"job_id": JOBS[behaviour]})
    assert _wait(hook, run_id) == "FAILED"
    return run_id


def _triage(run_id: int) -> RemediationDecision:
    result = CliRunner().invoke(app, ["triage", "--run-id", str(run_id), "--record", "--no-llm"])
    assert result.exit_code == 0, result.stderr
    (row,) = [d for d in LocalOpsStore().read(RemediationDecision) if d.run_id == str(run_id)]
    return row


def _act(hook, decision: RemediationDecision) -> str:
    run_id = int(decision.run_id)
    if decision.action == "RETRY_WITH_NEW_PARAMS":
        job = hook._do_api_call(("GET", "2.2/jobs/get"), {"job_id": int(decision.job_id)})
        settings = job["settings"]
        change = ParamsChange(**decision.params_change)
        settings["job_clusters"] = [
            {**c, "new_cluster": change.apply_to_cluster(c["new_cluster"])} for c in settings["job_clusters"]
        ]
        hook.reset_job(decision.job_id, settings)
    latest = hook.get_latest_repair_id(run_id)
    hook.repair_run(
        {"run_id": run_id, "rerun_all_failed_tasks": True, **({"latest_repair_id": latest} if latest else {})}
    )
    return _wait(hook, run_id)


def test_memory_failure_is_resized_and_the_repair_succeeds(hook) -> None:
    decision = _triage(_failed_run(hook, "oom"))
    assert (decision.category, decision.action) == ("resource", "RETRY_WITH_NEW_PARAMS")
    assert decision.params_change == {"node_type_id": "r5.2xlarge"} and decision.owner == "owner@example.com"
    assert decision.idempotency_token and decision.attempt == 0
    assert _act(hook, decision) == "SUCCESS"


def test_transient_failure_is_retried_and_the_repair_succeeds(hook) -> None:
    decision = _triage(_failed_run(hook, "transient"))
    assert (decision.category, decision.action) == ("network", "RETRY"), decision.reason
    assert _act(hook, decision) == "SUCCESS"


def test_permission_failure_goes_to_the_owner_and_nothing_reruns(hook) -> None:
    run_id = _failed_run(hook, "permission")
    decision = _triage(run_id)
    assert (decision.category, decision.action) == ("permission", "SEND_EMAIL")
    assert decision.recipients == ["owner@example.com"] and decision.idempotency_token is None


EXPECTED = {
    "transient": ("network", "RETRY"),
    "oom": ("resource", "RETRY_WITH_NEW_PARAMS"),
    "permission": ("permission", "SEND_EMAIL"),
    "syntax": ("syntax_code", "SEND_EMAIL"),
    "missing_table": ("data_not_found", "SEND_EMAIL"),
    "capacity": ("resource", "RETRY"),
}


def test_every_emulated_failure_variant_gets_the_intended_remedy() -> None:
    from include.emulator.failure_messages import VARIANTS, ErrorContext
    from include.remediation.decide import decide
    from include.remediation.models import TriageResult
    from include.remediation.patterns import classify_failure
    from include.remediation.policy import RemediationPolicy
    from tests.agents.remediation.conftest import NOW, failure

    ctx = ErrorContext(
        job_name="nightly sales",
        task_key="main",
        notebook_path="/Jobs/main",
        team="sales",
        node_type_id="r5.xlarge",
        cluster_id="0101-000000-abc",
        run_as="sp@example.com",
        node_memory_gb=32.0,
        numbers=[11, 22, 33, 44, 55, 66, 77, 88],
    )
    assert set(VARIANTS) == set(EXPECTED)
    for behaviour, variants in VARIANTS.items():
        for variant in variants:
            text = "\n".join(
                x for x in (variant.error(ctx), variant.trace(ctx) or "", variant.task_message(ctx)) if x
            )
            f = failure(text, termination_code=variant.code, node="r5.xlarge")
            d = decide(f, TriageResult(pattern=classify_failure(f)), [], RemediationPolicy(), NOW)
            assert (d.category, d.action) == EXPECTED[behaviour], (behaviour, variant.name, d.reason)
