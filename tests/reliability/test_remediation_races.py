"""Two product bugs the burst proof (figure 9) exposed, each pinned by a focused test.

1. A transient Jobs API failure on `runs/get-output` (or `jobs/get`) while deciding was swallowed:
   the decision was made from the run's state message alone ("Workload failed, see run output"),
   recorded for good (decisions are idempotent on run + attempt), and a transient network failure
   became an "other" failure with an e-mail instead of a retry. A retryable error must fail the
   decide task so Airflow retries it; only a definite 4xx (the output does not exist) is tolerated.
2. Two notify tasks for the same failure running at once (mapped chains of a burst) both checked
   the ledger before either recorded its notice, and both sent: two pages for one incident.

Real emulator + Airflow's `DatabricksHook` over HTTP, Delta ledger, SMTP into the loopback sink.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from include.emulator.client import EmulatorClient
from include.emulator.engine import DEFAULT_TOKEN
from include.notify.outbox import list_outbox
from include.notify.sink import MailSink
from include.notify.smtp import SendResult, SmtpSettings, send_message
from include.ops.models import RemediationDecision
from include.remediation.acting import load_decision
from include.remediation.detection import ref_of
from include.remediation.jobs_client import JobsApiError
from include.remediation.notices import notify_decision
from include.remediation.policy import RemediationPolicy
from include.remediation.service import decide_failed_run
from tests.include.remediation.support import ONCALL, failed_run


class StaleReads:
    """The ledger as a concurrent task saw it: reads from a snapshot taken now, writes go through."""

    def __init__(self, store) -> None:
        self.store = store
        self.snapshot = {m: store.read(m) for m in (RemediationDecision,)}

    def read(self, model, where=None):
        rows = self.snapshot.get(model)
        if rows is None:
            return self.store.read(model, where)
        return [r for r in rows if not where or all(getattr(r, k) == v for k, v in where.items())]

    def upsert(self, records):
        return self.store.upsert(records)


def _client(emulator) -> EmulatorClient:
    return EmulatorClient(emulator.url, DEFAULT_TOKEN)


@pytest.mark.parametrize("endpoint", ["jobs/runs/get-output", "jobs/get"])
def test_a_transient_api_error_while_deciding_is_retried_not_recorded(emulator, hook, jobs, store, policy,
                                                                       endpoint: str) -> None:
    run_id = failed_run(hook, "transient")
    ref = ref_of(jobs.get_run(run_id))
    _client(emulator).set_faults(rate=1.0, statuses=[500], endpoints=[endpoint])
    with pytest.raises(JobsApiError):
        decide_failed_run(ref, jobs, store, policy, datetime.now(UTC))
    assert store.read(RemediationDecision) == []  # nothing recorded from half the facts
    _client(emulator).clear_faults()
    decided = decide_failed_run(ref, jobs, store, policy, datetime.now(UTC))  # Airflow's retry
    assert (decided.category, decided.action) == ("network", "RETRY")
    assert load_decision(store, str(run_id), 0).owner == "owner@example.com"


def test_a_missing_run_output_still_decides_from_the_state_message(emulator, hook, jobs, store, policy) -> None:
    run_id = failed_run(hook, "permission")
    _client(emulator).set_faults(rate=1.0, statuses=[404], endpoints=["jobs/runs/get-output"])
    ref = decide_failed_run(ref_of(jobs.get_run(run_id)), jobs, store, policy, datetime.now(UTC))
    assert ref.status == "decided" and ref.action == "SEND_EMAIL"  # a 4xx is an answer, not a hiccup


def test_concurrent_notices_for_one_incident_send_one_page(hook, jobs, store, tmp_path: Path) -> None:
    policy = RemediationPolicy(backoff_base_seconds=0, oncall=[ONCALL], max_retries_other=0)
    outbox = tmp_path / "outbox"
    first, second = failed_run(hook, "stubborn"), failed_run(hook, "stubborn")
    now = datetime.now(UTC)
    # Two mapped decide tasks of one DAG run: both read the ledger before either wrote its decision.
    before = StaleReads(store)
    refs = [decide_failed_run(ref_of(jobs.get_run(first)), jobs, store, policy, now),
            decide_failed_run(ref_of(jobs.get_run(second)), jobs, before, policy, now)]
    rows = [load_decision(store, r.run_id, r.attempt) for r in refs]
    assert [r.action for r in rows] == ["ESCALATE", "ESCALATE"] and rows[0].incident_id == rows[1].incident_id
    with MailSink(port=0, outbox=outbox) as sink:
        smtp = SmtpSettings(host="127.0.0.1", port=sink.port, local_sink=True)
        gate = threading.Barrier(2)

        def slow_send(message) -> SendResult:
            time.sleep(0.5)  # an SMTP relay that takes its time: the window in which a second task checks
            return send_message(message, smtp)

        def notify(d: RemediationDecision) -> None:
            gate.wait()
            notify_decision(store, d.run_id, d.attempt, policy, datetime.now(UTC), send=slow_send)

        threads = [threading.Thread(target=notify, args=(d,)) for d in rows]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
    pages = [m for m in list_outbox(outbox) if "Escalation" in m.subject]
    assert len(pages) == 1, [m.subject for m in pages]
    outcomes = sorted(load_decision(store, d.run_id, d.attempt).outcome for d in rows)
    assert outcomes == ["ignored", "notified"]
