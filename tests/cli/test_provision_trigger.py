"""`lakepilot provision` finds Airflow where `lakepilot up` put it (LAKEPILOT_AIRFLOW_PORT), or at the URL given."""

from __future__ import annotations

import json

import pytest

from cli.provision_trigger import airflow_client


@pytest.fixture
def password_file(lakepilot_home):
    path = lakepilot_home / "airflow" / "simple_auth_manager_passwords.json.generated"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"admin": "pw"}))
    return path


def test_the_documented_port_variable_is_honoured(monkeypatch, password_file) -> None:
    monkeypatch.delenv("LAKEPILOT_AIRFLOW_URL", raising=False)
    monkeypatch.setenv("LAKEPILOT_AIRFLOW_PORT", "18080")
    assert airflow_client().base_url == "http://127.0.0.1:18080"
    monkeypatch.delenv("LAKEPILOT_AIRFLOW_PORT")
    assert airflow_client().base_url == "http://127.0.0.1:8080"


def test_a_url_wins_over_the_port(monkeypatch, password_file) -> None:
    monkeypatch.setenv("LAKEPILOT_AIRFLOW_PORT", "18080")
    monkeypatch.setenv("LAKEPILOT_AIRFLOW_URL", "https://airflow.example.com/")
    assert airflow_client().base_url == "https://airflow.example.com"
