"""`ask_lakepilot` on a real Airflow: triggered through the REST API, answer read from XCom and Delta.

A small simulated workspace is generated into the LAKEPILOT_HOME lakehouse the Airflow components
use; the DAG task resolves the (local) warehouse itself, routes, sweeps and answers.
"""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

import pytest

from include.airflow_api import AirflowApiError
from include.ops.models import ConversationTurn
from include.ops.store import LocalOpsStore
from include.simulator.generate import generate_workspace

pytestmark = pytest.mark.e2e
DAG = "ask_lakepilot"
NOW = "2026-05-13T00:00:00Z"


def _wait_listed(client, timeout: float = 150) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(d["dag_id"] == DAG for d in client.dags()):
            return
        time.sleep(2)
    raise AssertionError(f"{DAG} not listed; import errors: {client.import_errors()}")


def test_a_rest_triggered_question_is_answered_in_xcom_and_the_conversation(airflow_only, airflow_logs) -> None:
    config, client = airflow_only
    lakehouse = Path(config.extra_env["LAKEPILOT_HOME"]) / "lakehouse"
    generate_workspace(lakehouse, days=10, scale="small", seed=5, end=date(2026, 5, 12))
    _wait_listed(client)
    client.unpause(DAG)

    with pytest.raises(AirflowApiError) as refused:
        client.trigger(DAG, conf={"question": "cost?", "session_id": "not valid!"}, run_id="ask-bad")
    assert refused.value.status == 400

    client.trigger(DAG, conf={"question": "Why did cost spike yesterday, and did jobs fail?", "session_id": "e2e-1",
                              "now": NOW}, run_id="ask-1")
    final = client.wait_run(DAG, "ask-1", timeout=420, poll=2)
    assert final["state"] == "success", airflow_logs(config)
    answer = client.xcom(DAG, "ask-1", "answer")
    assert answer["status"] in ("answered", "partial") and answer["turn"] == 1
    assert answer["domains"] == ["cost", "reliability"] and answer["agents"] == ["cost", "reliability"]
    assert "Answered by the cost and reliability agents for yesterday [2026-05-12 00:00 → 2026-05-13 00:00) UTC" in answer["answer"]
    assert answer["agent_path"] == "deterministic"

    client.trigger(DAG, conf={"question": "and the day before?", "session_id": "e2e-1", "now": NOW}, run_id="ask-2")
    assert client.wait_run(DAG, "ask-2", timeout=300, poll=2)["state"] == "success", airflow_logs(config)
    follow = client.xcom(DAG, "ask-2", "answer")
    assert follow["turn"] == 2 and follow["domains"] == ["cost", "reliability"]
    assert follow["time_window"].startswith("the day before [2026-05-11 00:00 → 2026-05-12 00:00)")

    turns = sorted(LocalOpsStore(lakehouse).read(ConversationTurn, {"session_id": "e2e-1"}), key=lambda t: t.turn)
    assert [t.turn for t in turns] == [1, 2]
    assert turns[0].answer == answer["answer"] and turns[1].answer == follow["answer"]
    assert turns[0].request_id.startswith("airflow:") and turns[0].request_id != turns[1].request_id
