"""The emulator's fault-injection switch (`/_emulator/faults`) that the reliability proofs rely on.

Real emulator on a loopback port, real HTTP (requests and Airflow's `DatabricksHook`): a seeded share
of Jobs API calls refused with 429/500 before they take effect, a held answer after a repair took
effect (with the caller's address, so a test can kill exactly that client), a lasting outage that
makes repairs fail too, and bad configurations refused naming the field.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from include.emulator.client import EmulatorClient, EmulatorError
from include.emulator.engine import DEFAULT_TOKEN
from tests.include.remediation.support import JOBS, start_emulator


@pytest.fixture
def emulator(lakehouse: Path) -> Iterator[EmulatorClient]:
    server = start_emulator(lakehouse)
    try:
        yield EmulatorClient(server.url, DEFAULT_TOKEN)
    finally:
        server.stop()


def _get(client: EmulatorClient, job_id: int) -> requests.Response:
    """A product-side call (no observer header): subject to the faults."""
    return requests.get(f"{client.base_url}/api/2.2/jobs/get", params={"job_id": job_id}, timeout=10,
                        headers={"Authorization": f"Bearer {DEFAULT_TOKEN}"})


def _post(client: EmulatorClient, path: str, body: dict, timeout: float = 10) -> requests.Response:
    return requests.post(f"{client.base_url}{path}", json=body, timeout=timeout,
                         headers={"Authorization": f"Bearer {DEFAULT_TOKEN}"})


def test_a_seeded_share_of_calls_is_refused_before_it_takes_effect(emulator: EmulatorClient) -> None:
    emulator.set_faults(rate=0.3, statuses=[429, 500], seed=7)
    codes = [_get(emulator, JOBS["ok"]).status_code for _ in range(200)]
    refused = [c for c in codes if c != 200]
    assert set(refused) == {429, 500}
    assert 40 <= len(refused) <= 80  # 30 % of 200, seeded
    status = emulator.faults()
    assert status["calls"] == 200 and status["injected"] == len(refused)
    assert status["by_endpoint"] == {"jobs/get": len(refused)}
    emulator.set_faults(rate=0.3, statuses=[429, 500], seed=7)  # the same seed, the same sequence
    assert [_get(emulator, JOBS["ok"]).status_code for _ in range(200)] == codes
    # A refused run-now started nothing; the test's own observer calls (EmulatorClient) are never faulted.
    emulator.set_faults(rate=1.0, statuses=[503], endpoints=["jobs/run-now", "jobs/runs/list"])
    before = len(emulator.request("GET", "/api/2.2/jobs/runs/list", params={"limit": 25}).get("runs", []))
    refused_call = _post(emulator, "/api/2.2/jobs/run-now", {"job_id": JOBS["ok"]})
    assert refused_call.status_code == 503 and refused_call.json()["error_code"] == "TEMPORARILY_UNAVAILABLE"
    after = len(emulator.request("GET", "/api/2.2/jobs/runs/list", params={"limit": 25}).get("runs", []))
    assert after == before and emulator.faults()["injected"] == 1


def test_a_held_answer_names_its_caller_and_the_call_took_effect(emulator: EmulatorClient) -> None:
    run_id = int(emulator.request("POST", "/api/2.2/jobs/run-now", {"job_id": JOBS["transient"]})["run_id"])
    assert emulator.wait_for_run(run_id, timeout=30)["state"]["result_state"] == "FAILED"
    emulator.set_faults(hold={"endpoint": "jobs/runs/repair", "seconds": 30})
    answers: list[int] = []

    def repair() -> None:
        answer = _post(emulator, "/api/2.2/jobs/runs/repair", {"run_id": run_id, "rerun_all_failed_tasks": True}, 60)
        answers.append(int(answer.json()["repair_id"]))

    caller = threading.Thread(target=repair)
    started = time.monotonic()
    caller.start()
    deadline = time.monotonic() + 10
    while not (held := emulator.faults()["held"]):
        assert time.monotonic() < deadline, "the repair was never held"
        time.sleep(0.05)
    assert held[0]["endpoint"] == "jobs/runs/repair" and held[0]["peer_host"] == "127.0.0.1" and held[0]["peer_port"]
    # The repair already exists although its caller has no answer yet.
    assert len(emulator.get_run(run_id, include_history=True)["repair_history"]) == 2 and answers == []
    emulator.clear_faults()
    caller.join(timeout=10)
    assert answers and time.monotonic() - started < 10


def test_an_outage_makes_repairs_fail_until_it_is_cleared(emulator: EmulatorClient) -> None:
    emulator.set_faults(outage_job_ids=[JOBS["transient"]])
    run_id = int(emulator.request("POST", "/api/2.2/jobs/run-now", {"job_id": JOBS["transient"]})["run_id"])
    assert emulator.wait_for_run(run_id, timeout=30)["state"]["result_state"] == "FAILED"
    emulator.request("POST", "/api/2.2/jobs/runs/repair", {"run_id": run_id, "rerun_all_failed_tasks": True})
    run = emulator.wait_for_run(run_id, timeout=30)
    assert run["state"]["result_state"] == "FAILED"  # a transient failure that outlasts the retry
    emulator.clear_faults()
    latest = run["repair_history"][-1]["id"]
    emulator.request("POST", "/api/2.2/jobs/runs/repair",
                     {"run_id": run_id, "rerun_all_failed_tasks": True, "latest_repair_id": latest})
    assert emulator.wait_for_run(run_id, timeout=30)["state"]["result_state"] == "SUCCESS"


@pytest.mark.parametrize(
    ("config", "field"),
    [({"rate": 1.5}, "rate"), ({"statuses": [200]}, "statuses"), ({"hold": {"endpoint": "x", "seconds": 0}}, "hold.seconds"),
     ({"surprise": True}, "surprise")],
)
def test_bad_fault_settings_are_refused_naming_the_field(emulator: EmulatorClient, config: dict, field: str) -> None:
    with pytest.raises(EmulatorError) as error:
        emulator.set_faults(**config)
    assert error.value.status == 400 and f"Invalid value for {field}" in error.value.message
    assert emulator.faults()["config"]["rate"] == 0.0  # nothing half-applied
