"""`/lakepilot/metrics` on the app: who may scrape it, and that it serves the exposition format."""

from __future__ import annotations

import pytest
from lakepilot_airflow.ui import metrics_route
from prometheus_client.parser import text_string_to_metric_families

from tests.plugins.conftest import NOW
from tests.plugins.sample_ops import write_sample_ops

TOKEN = "scrape-token-for-tests-0123456789"


@pytest.fixture
def scrape_token(monkeypatch):
    monkeypatch.setenv("LAKEPILOT_METRICS_TOKEN", TOKEN)
    return TOKEN


def test_static_scrape_token_or_airflow_login(anon, client, scrape_token, lakehouse) -> None:
    write_sample_ops(lakehouse, NOW)
    assert anon.get("/metrics").status_code == 401
    assert anon.get("/metrics", headers={"Authorization": "Bearer wrong-token"}).status_code == 403
    scraped = anon.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert scraped.status_code == 200
    assert scraped.headers["content-type"].startswith("text/plain; version=")
    names = {f.name for f in text_string_to_metric_families(scraped.text)}
    assert {"lakepilot_findings_open", "lakepilot_llm_calls", "lakepilot_approvals_pending"} <= names
    assert client.get("/metrics").status_code == 200  # a signed-in Airflow user may look too


def test_without_a_configured_token_only_airflow_users_scrape(anon, client, monkeypatch, lakehouse) -> None:
    monkeypatch.delenv("LAKEPILOT_METRICS_TOKEN", raising=False)
    assert anon.get("/metrics", headers={"Authorization": "Bearer "}).status_code in (401, 403)
    assert client.get("/metrics").status_code == 200


def test_exposition_is_cached_briefly(client, lakehouse, monkeypatch) -> None:
    monkeypatch.setattr(metrics_route, "CACHE_SECONDS", 3600.0)  # no dependence on how fast this runs
    first = client.get("/metrics").text
    write_sample_ops(lakehouse, NOW)
    assert client.get("/metrics").text == first  # within CACHE_SECONDS
    metrics_route.clear_cache()
    assert "nightly" not in first
    fresh = {s.labels.get("severity"): s.value for f in text_string_to_metric_families(client.get("/metrics").text)
             if f.name == "lakepilot_findings_open" for s in f.samples if s.labels.get("domain") == "cost"}
    assert fresh["critical"] == 1
