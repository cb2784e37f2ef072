"""Figure 9: a burst of 20 correlated failures while the Jobs API refuses 30 % of calls.

Four jobs fail with the same transient error (same emulator variant: `Connection reset by peer`),
five runs each, and an injected outage keeps every repair failing too (`outage_job_ids`). The
Jobs API emulator refuses 30 % of all calls with 429 or 500 (seeded `POST /_emulator/faults`).
Remediation runs through the code the DAG's tasks run, DAG run after DAG run
(tests/reliability/remediation_cycle.py: the trigger's scan, decide, act, notify, outcomes, with
the production `DatabricksHook` settings, eight chains side by side and Airflow's task retries) -
rather than through the scheduler: with 30 % of calls refused, Airflow's 30 s retry delays would
stretch one proof over many minutes without exercising any other code.

Targets: repairs per run within `max_retries_transient` and per job per day within
`job_daily_budget`; at most one e-mail per (job, fingerprint) and notice kind - the product's dedup
key; the breaker opens (decisions guarded `breaker_open`) and no repair starts after it opened.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from include.emulator.client import EmulatorClient
from include.emulator.engine import DEFAULT_TOKEN
from include.emulator.failures import variant_for
from include.emulator.server import EmulatorServer, default_config
from include.notify.outbox import list_outbox
from include.notify.sink import MailSink
from include.notify.smtp import SmtpSettings
from include.ops.models import RemediationDecision
from include.ops.store import LocalOpsStore
from include.remediation.policy import RemediationPolicy
from include.simulator.manifest import ClusterSpec, JobSpec, TaskSpec, Workspace, WorkspaceManifest
from tests.include.remediation.support import ONCALL, OWNER, SEED, connection
from tests.reliability.remediation_cycle import run_cycle

RUNS_PER_JOB = 5
FAULTS = {"rate": 0.3, "statuses": [429, 500], "seed": 2026}
POLICY = RemediationPolicy(backoff_base_seconds=0, oncall=[ONCALL])


def _job_ids(count: int) -> list[int]:
    ids = [i for i in range(700, 1100) if variant_for(SEED, i, "transient").name == "connection_reset"]
    return ids[:count]


JOB_IDS = _job_ids(4)


def _manifest() -> WorkspaceManifest:
    jobs = [
        JobSpec(workspace_id="7001", job_id=str(j), name=f"ingest_{n}", owner=OWNER, run_as="etl-sp@example.com",
                team="sales", quartz_cron="0 0 2 * * ?", tasks=[TaskSpec(task_key="ingest", notebook_path="/Jobs/ingest")],
                paused=True, cluster=ClusterSpec(node_type_id="r5.xlarge", num_workers=2), typical_duration_s=120,
                failure_behaviour="transient", failure_rate=1.0)
        for n, j in enumerate(JOB_IDS)
    ]
    return WorkspaceManifest(
        account_id="acct-burst", seed=SEED, scale="small", start=datetime(2026, 1, 1, tzinfo=UTC),
        end=datetime(2026, 2, 1, tzinfo=UTC), generated_at=datetime(2026, 2, 1, tzinfo=UTC),
        workspaces=[Workspace(workspace_id="7001", name="ws", cloud="AWS", region="us-east-1",
                              host="dbc-7001.cloud.databricks.com")],
        jobs=jobs,
    )


@pytest.fixture
def world(lakehouse: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple]:
    _manifest().save(lakehouse)
    server = EmulatorServer(default_config(lakehouse, speed=1000.0, scheduler=False, tick_interval_s=0.05,
                                           flush_debounce_s=0.2), port=0)
    server.start()
    monkeypatch.setenv("AIRFLOW_CONN_DATABRICKS_DEFAULT", connection(server.port))
    monkeypatch.setenv("LAKEPILOT_LAKEHOUSE", str(lakehouse))
    outbox = tmp_path / "outbox"
    try:
        with MailSink(port=0, outbox=outbox) as sink:
            yield (EmulatorClient(server.url, DEFAULT_TOKEN), LocalOpsStore(lakehouse),
                   SmtpSettings(host="127.0.0.1", port=sink.port, local_sink=True), outbox)
    finally:
        server.stop()


def _fail_all(emulator: EmulatorClient) -> list[int]:
    """Start RUNS_PER_JOB runs of every job (they queue per job) and wait until all have failed."""
    runs = [int(emulator.request("POST", "/api/2.2/jobs/run-now", {"job_id": j})["run_id"])
            for _ in range(RUNS_PER_JOB) for j in JOB_IDS]
    for run_id in runs:
        assert emulator.wait_for_run(run_id, timeout=120)["state"]["result_state"] == "FAILED"
    return runs


def _repairs(emulator: EmulatorClient, run_id: int) -> list[dict]:
    return emulator.get_run(run_id, include_history=True)["repair_history"][1:]


def _wait_repairs_done(emulator: EmulatorClient, runs: list[int], timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    for run_id in runs:
        emulator.wait_for_run(run_id, timeout=max(1.0, deadline - time.monotonic()))


@pytest.mark.slow
def test_a_burst_under_a_flaky_jobs_api_stays_within_budgets(world, figures) -> None:
    emulator, store, smtp, outbox = world
    assert len(JOB_IDS) == 4
    emulator.set_faults(outage_job_ids=JOB_IDS)  # the failures outlast every retry
    runs = _fail_all(emulator)
    emulator.set_faults(**FAULTS, outage_job_ids=JOB_IDS)

    reports = []
    for _ in range(3):  # DAG runs: decide + repair; outcomes + breaker; a re-scan for stragglers
        reports.append(run_cycle(store, POLICY, smtp))
        _wait_repairs_done(emulator, runs)
    faults = emulator.faults()
    emulator.clear_faults()

    decisions = store.read(RemediationDecision)
    repairs = {r: _repairs(emulator, r) for r in runs}
    first_breaker = min((d.decided_at for d in decisions if d.guard == "breaker_open"), default=None)
    by_job_day: Counter = Counter()
    for run_id, history in repairs.items():
        job = next(d.job_id for d in decisions if d.run_id == str(run_id))
        by_job_day[job] += len(history)
    started_after_breaker = [
        d for d in decisions if first_breaker and d.repair_id and d.act_started_at and d.act_started_at > first_breaker
    ]
    mails = list_outbox(outbox)
    kinds = Counter()
    for m in mails:
        key = next((d for d in decisions if str(d.run_id) in m.subject), None)
        kinds[(key.job_id if key else "?", key.fingerprint if key else "?", m.subject.split(":")[0])] += 1
    fingerprints = {d.fingerprint for d in decisions if d.attempt == 0}

    summary = (f"{len(runs)} failures, {len(decisions)} decisions {Counter(d.action for d in decisions)}, "
               f"guards {Counter(d.guard for d in decisions)}, outcomes {Counter(d.outcome for d in decisions)}, "
               f"faults injected {faults['injected']}/{faults['calls']} {faults['by_status']}, "
               f"task retries {[r.task_retries for r in reports]}, failures {[r.task_failures for r in reports]}, "
               f"cycles {[(r.found, round(r.seconds)) for r in reports]}, "
               f"{len(fingerprints)} fingerprint(s), mails {dict(kinds)}")
    print(summary)
    assert faults["injected"] >= 10, summary
    figures.record("burst.max_repairs_per_run", max(len(h) for h in repairs.values()),
                   f"<= {POLICY.max_retries_transient} (max_retries_transient)",
                   max(len(h) for h in repairs.values()) <= POLICY.max_retries_transient, detail=summary)
    figures.record("burst.max_repairs_per_job_day", max(by_job_day.values()), f"<= {POLICY.job_daily_budget} (job_daily_budget)",
                   max(by_job_day.values()) <= POLICY.job_daily_budget)
    figures.record("burst.max_emails_per_job_fingerprint_kind", max(kinds.values(), default=0), "<= 1",
                   max(kinds.values(), default=0) <= 1, detail=str(dict(kinds)))
    affected_jobs = len({d.job_id for d in decisions})
    figures.record("burst.emails_total", len(mails), f"<= {affected_jobs} (jobs hit; dedup is per job + fingerprint, not across jobs)",
                   len(mails) <= affected_jobs, detail=f"{len(fingerprints)} distinct fingerprint(s) across {affected_jobs} jobs")
    figures.record("burst.breaker_opened", first_breaker is not None, "true (guard breaker_open recorded)",
                   first_breaker is not None)
    figures.record("burst.repairs_started_after_breaker", len(started_after_breaker), "0", not started_after_breaker)
