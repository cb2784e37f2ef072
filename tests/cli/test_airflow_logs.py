"""Airflow's own log lines in CLI processes go to stderr (stdout carries `--json` data), and an in-process
run (a test's CliRunner, a notebook) leaves no logger bound to a stream that was closed after it."""

from __future__ import annotations

import json
import subprocess
import sys

import structlog
from typer.testing import CliRunner

from cli.main import app
from include.config import PROJECT_ROOT

LLM = '{"conn_type": "http", "host": "https://api.example.com/v1", "password": "sk-test-123456", "extra": {"model": "m"}}'


def test_a_log_line_after_an_in_process_run_does_not_hit_a_closed_stream(monkeypatch) -> None:
    monkeypatch.setenv("AIRFLOW_CONN_LAKEPILOT_LLM", LLM)  # reading it loads Airflow, which configures its logging
    result = CliRunner().invoke(app, ["info"])
    assert result.exit_code == 0, result.output
    structlog.get_logger("airflow.task.hooks.test").warning("a line after the runner closed its stderr")


def test_info_json_stdout_is_only_data(tmp_path) -> None:
    env = {"AIRFLOW_CONN_LAKEPILOT_LLM": LLM, "LAKEPILOT_HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-m", "cli.main", "info", "--json"], cwd=PROJECT_ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    facts = json.loads(done.stdout)  # nothing but the JSON object: Airflow's lines went to stderr
    assert facts["llm"] == "llm (openai:m)" and "sk-test" not in done.stdout + done.stderr
