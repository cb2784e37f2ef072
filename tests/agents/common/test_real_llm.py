"""Opt-in: one real analysis against the endpoint in AIRFLOW_CONN_LAKEPILOT_LLM (skipped otherwise)."""

from __future__ import annotations

import os

import pytest

from agents.domains import analyse
from agents.llm import LLMConfig
from tests.agents.common.fakes import cost_sweep

# Read before the autouse fixture clears it for every other test.
_CONN = os.environ.get("AIRFLOW_CONN_LAKEPILOT_LLM", "")

pytestmark = [
    pytest.mark.llm,
    pytest.mark.skipif(not _CONN, reason="set AIRFLOW_CONN_LAKEPILOT_LLM to run against a real model"),
]


def test_real_model_explains_findings_by_id(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIRFLOW_CONN_LAKEPILOT_LLM", _CONN)
    config = LLMConfig.from_env()
    assert config is not None
    sweep = cost_sweep()
    analysis = analyse("cost", sweep, llm=config)
    assert analysis.path == "llm", analysis.fallback_reason
    assert analysis.headline
    ids = {f.finding_id for f in sweep.findings}
    explained = [f for f in analysis.findings if f.agent_path == "llm"]
    assert explained and {f.finding_id for f in explained} <= ids
    text = analysis.model_dump_json()
    assert "dapi0123456789abcdef" not in text
