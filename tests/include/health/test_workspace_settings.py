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


def test_findings_and_the_report_name_workspaces_the_settings_know(workspace, wh) -> None:
    """The simulator writes its workspaces' names into the settings file, as an operator would: findings
    say `name (id)`, the report maps ids to names; a workspace the settings do not name stays an id."""
    from include.health.runner import run_domain
    from include.report.data import _workspace_names

    root, manifest = workspace
    names = {w.workspace_id: w.name for w in manifest.workspaces}
    assert resolve_settings(lakehouse=root).workspace_names == names
    assert _workspace_names(wh) == names
    sweep = run_domain(wh, "cost", manifest.end, only=["top_contributors"])
    texts = [f.summary for f in sweep.findings]
    assert texts and all(any(f"{n} ({i})" in t for i, n in names.items()) for t in texts), texts
    unnamed = run_domain(wh, "cost", manifest.end, HealthSettings(workspace_names={"0": "other"}), only=["top_contributors"])
    assert not any(n in f.summary for f in unnamed.findings for n in names.values())
