"""`lakepilot workspace serve` as a user runs it: a child process, port on stdout, Ctrl-C/SIGTERM flush timelines."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest
import requests

from include.emulator.engine import DEFAULT_TOKEN
from include.lakehouse.delta_store import read_table
from tests.include.emulator.conftest import JOB_IDS, make_manifest


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_serve_prints_its_port_serves_the_manifest_and_flushes_on_stop(lakehouse, lakepilot_home, stop) -> None:
    make_manifest().save(lakehouse)
    env = {**os.environ, "LAKEPILOT_HOME": str(lakepilot_home)}
    proc = subprocess.Popen([sys.executable, "-m", "cli.main", "workspace", "serve", "--port", "0", "--lakehouse", str(lakehouse),
                             "--speed", "1000", "--no-scheduler"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()  # type: ignore[union-attr]
        port = json.loads(line)["port"]
        url = f"http://127.0.0.1:{port}"
        headers = {"Authorization": f"Bearer {DEFAULT_TOKEN}"}
        assert requests.get(f"{url}/_emulator/health", timeout=5).json()["jobs"] == len(JOB_IDS)
        run_id = requests.post(f"{url}/api/2.2/jobs/run-now", json={"job_id": JOB_IDS["ok"]}, headers=headers, timeout=5).json()["run_id"]
        deadline = time.monotonic() + 30
        while requests.get(f"{url}/api/2.2/jobs/runs/get", params={"run_id": run_id}, headers=headers,
                           timeout=5).json()["state"]["life_cycle_state"] != "TERMINATED":
            assert time.monotonic() < deadline
            time.sleep(0.05)
    finally:
        proc.send_signal(stop)
        _, stderr = proc.communicate(timeout=30)
    assert proc.returncode == 0, stderr  # a clean stop, after the timelines were flushed
    assert "local, not Databricks" in stderr and DEFAULT_TOKEN not in stderr  # the token is never printed
    rows = read_table(lakehouse, "system.lakeflow.job_run_timeline").to_pylist()
    assert [(r["run_id"], r["result_state"]) for r in rows] == [(str(run_id), "SUCCEEDED")]


def test_serve_refuses_a_public_interface_with_the_default_token(lakehouse, lakepilot_home) -> None:
    env = {**os.environ, "LAKEPILOT_HOME": str(lakepilot_home)}
    env.pop("LAKEPILOT_EMULATOR_TOKEN", None)
    result = subprocess.run([sys.executable, "-m", "cli.main", "workspace", "serve", "--host", "0.0.0.0", "--port", "0",
                             "--lakehouse", str(lakehouse)], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "LAKEPILOT_EMULATOR_TOKEN" in result.stderr
