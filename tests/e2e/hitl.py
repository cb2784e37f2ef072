"""Answering Airflow approval tasks from a test without racing the scheduler.

Measured on Airflow 3.3 here: an answer that lands before the scheduler has handled the executor
event of the parked try makes it fail that try ("state changed externally"); under load that lag
exceeded 7 s, so a fixed delay is not enough. The scheduler logs the event ("TaskInstance
Finished: … ti_id=<this try> … state=awaiting_input"); answering after that line is safe. If a
try is still lost, the approval task retries and asks again, and we answer again.
"""

from __future__ import annotations

import time
from pathlib import Path

from include.airflow_api import AirflowClient


def wait_parked(client: AirflowClient, scheduler_log: Path, dag: str, run_id: str, task_id: str,
                timeout: float = 240) -> None:
    """Wait until `task_id` awaits input and the scheduler has processed its parked try."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ti = next((t for t in client.task_instances(dag, run_id) if t["task_id"] == task_id), None)
        if ti and ti.get("state") == "awaiting_input":
            marker = f"ti_id={ti['id']},"
            text = scheduler_log.read_text(errors="replace") if scheduler_log.is_file() else ""
            if any(marker in line and "state=awaiting_input" in line and "TaskInstance Finished" in line
                   for line in text.splitlines()):
                time.sleep(0.5)
                return
        elif ti and ti.get("state") in ("failed", "upstream_failed", "skipped", "success"):
            raise AssertionError(f"{task_id} ended as {ti['state']} before awaiting input")
        time.sleep(0.5)
    raise AssertionError(f"{task_id} in {run_id} never parked awaiting input")


def answer_safely(client: AirflowClient, scheduler_log: Path, dag: str, run_id: str, task_id: str, option: str,
                  attempts: int = 3) -> str:
    """Answer once the task is safely parked; answer again if a try was still lost. Returns its end state."""
    detail = f"/api/v2/dags/{dag}/dagRuns/{run_id}/taskInstances/{task_id}/-1/hitlDetails"
    for _ in range(attempts):
        wait_parked(client, scheduler_log, dag, run_id, task_id)
        # Transient failures of the answer itself are the client's one retry policy's business.
        client.answer(dag, run_id, task_id, [option])
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            state = client.task_state(dag, run_id, task_id)
            if state in ("success", "skipped", "failed"):
                return state
            if state == "awaiting_input" and not client.request("GET", detail).get("response_received"):
                break  # the answer raced the scheduler; the task asks again
            time.sleep(1)
        else:
            raise AssertionError(f"{task_id} did not finish after the answer")
    raise AssertionError(f"{task_id}: answer raced the scheduler {attempts} times")
