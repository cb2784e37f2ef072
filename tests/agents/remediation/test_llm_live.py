"""Opt-in: the LLM path against the real endpoint in AIRFLOW_CONN_LAKEPILOT_LLM (skipped otherwise).

The connection is read at import time because the suite's autouse fixture clears it per test.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agents.llm import LLMConfig
from agents.remediation.agent import remediate
from tests.agents.remediation.conftest import NOW, failure

CONFIG = LLMConfig.from_env()
CASES = Path(__file__).resolve().parents[2] / "evals" / "triage" / "cases.jsonl"

pytestmark = [pytest.mark.llm, pytest.mark.skipif(CONFIG is None, reason="no lakepilot_llm connection configured")]


def test_real_model_answers_in_schema_on_heldout_cases() -> None:
    cases = [json.loads(line) for line in CASES.read_text(encoding="utf-8").splitlines() if line.strip()]
    sample = [c for c in cases if c["split"] == "heldout"][:8]
    agreed = 0
    for case in sample:
        d = remediate(failure(case["error"], run_id=case["id"]), now=NOW, llm=CONFIG)
        assert d.decided_by != "pattern_fallback", d.llm_error
        agreed += d.llm_category == case["category"]
    print(f"\nreal LLM agreed with the label on {agreed}/{len(sample)} held-out cases")
