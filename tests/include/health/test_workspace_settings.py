"""Health settings for a real workspace: defaults, then the settings file, then explicit values, field by field."""

from __future__ import annotations

import json

import pytest

from include.health.settings import HealthSettings
from include.health.workspace_settings import ENV_FILE, LAKEHOUSE_FILE, resolve_settings, write_settings_file


def test_the_file_fills_what_explicit_settings_leave_unset(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv(ENV_FILE, raising=False)
    write_settings_file(tmp_path, {"monthly_budget_usd": {"ws1": 1000.0}, "spike_ratio": 4.0})
    assert resolve_settings(lakehouse=tmp_path).monthly_budget_usd == {"ws1": 1000.0}
    mixed = resolve_settings(HealthSettings(spike_ratio=2.5, stale_factor=3.0), lakehouse=tmp_path)
    assert (mixed.spike_ratio, mixed.stale_factor, mixed.monthly_budget_usd) == (2.5, 3.0, {"ws1": 1000.0})
    assert resolve_settings(lakehouse=tmp_path / "elsewhere") == HealthSettings()


def test_the_environment_names_the_file_for_a_real_workspace(tmp_path, monkeypatch) -> None:
    path = tmp_path / "prod-health.json"
    path.write_text(json.dumps({"inference_tables": {"fraud-scoring": "ml.serving.fraud_payload"}}))
    monkeypatch.setenv(ENV_FILE, str(path))
    assert resolve_settings().inference_tables == {"fraud-scoring": "ml.serving.fraud_payload"}


def test_a_bad_file_is_refused_naming_the_file_and_the_field(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv(ENV_FILE, raising=False)
    (tmp_path / LAKEHOUSE_FILE).parent.mkdir(parents=True)
    (tmp_path / LAKEHOUSE_FILE).write_text(json.dumps({"monthly_budgets": {}}))
    with pytest.raises(ValueError, match=r"(?s)health_settings.json.*monthly_budgets"):
        resolve_settings(lakehouse=tmp_path)
    (tmp_path / LAKEHOUSE_FILE).write_text("{not json")
    with pytest.raises(ValueError, match="health_settings.json"):
        resolve_settings(lakehouse=tmp_path)
