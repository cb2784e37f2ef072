"""run_domain / run_all: window semantics, determinism, errors instead of crashes, stored once."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from include.health.checks import CHECKS
from include.health.runner import is_informational, run_all, run_domain
from include.health.settings import HealthSettings
from include.lakehouse.warehouse import LocalWarehouse
from include.ops.models import DOMAINS, SEVERITY_ORDER, Finding
from include.ops.store import LocalOpsStore


@pytest.fixture(scope="module")
def sweeps(workspace, wh):
    _, manifest = workspace
    return run_all(wh, manifest.end)


def _comparable(findings: list[Finding]) -> list[dict]:
    return [f.model_dump(exclude={"detected_at"}) for f in findings]


def test_all_six_domains_run_every_check_without_errors(sweeps, workspace) -> None:
    root, manifest = workspace
    assert [s.domain for s in sweeps] == list(DOMAINS)
    for sweep in sweeps:
        assert sweep.errors == [], sweep.errors
        assert sweep.checks_run == [c.name for c in CHECKS[sweep.domain]]
        assert sweep.rows_scanned > 10_000
        assert sweep.duration_s > 0 and str(root) in sweep.engine
        assert sweep.window_end == manifest.end and sweep.window_start == manifest.end - timedelta(hours=24)
        assert [SEVERITY_ORDER[f.severity] for f in sweep.findings] == sorted(SEVERITY_ORDER[f.severity] for f in sweep.findings)
        assert any(not is_informational(f) for f in sweep.findings), f"{sweep.domain} found nothing"
        for finding in sweep.findings:
            assert finding.domain == sweep.domain and finding.summary and finding.recommendation
            assert finding.evidence, "the numbers behind a finding are kept"


def test_informational_findings_are_marked_low(sweeps) -> None:
    informational = {f.check for s in sweeps for f in s.findings if is_informational(f)}
    assert informational == {"top_contributors", "mttr", "classification_coverage"}
    assert all(f.severity == "low" for s in sweeps for f in s.findings if is_informational(f))


def test_same_as_of_gives_the_same_findings_and_no_duplicates_when_stored(sweeps, workspace, wh, tmp_path: Path) -> None:
    _, manifest = workspace
    again = run_all(wh, manifest.end)
    for first, second in zip(sweeps, again, strict=True):
        assert _comparable(first.findings) == _comparable(second.findings)
    store = LocalOpsStore(tmp_path / "ops-lake")
    findings = [f for s in sweeps for f in s.findings]
    first = store.upsert(findings)
    second = store.upsert([f for s in again for f in s.findings])
    assert first.inserted == len(findings) and second.inserted == 0 and second.updated == len(findings)
    assert len(store.read(Finding)) == len(findings)


def test_security_window_is_configurable_and_a_burst_is_its_densest_sixty_minutes(workspace, wh) -> None:
    _, manifest = workspace
    sweep = run_domain(wh, "security", manifest.end, HealthSettings(security_window_hours=6, security_window_anchor="sliding"))
    assert sweep.window_end - sweep.window_start == timedelta(hours=6)
    daily = run_domain(wh, "security", manifest.end, only=["failed_login_burst"])
    assert daily.checks_run == ["failed_login_burst"]
    assert daily.findings
    for finding in daily.findings:  # any 60 minutes from its first failure in them, not a clock hour
        assert finding.window_end - finding.window_start == timedelta(hours=1)
        assert finding.window_start.isoformat() == finding.evidence["first_seen"] and finding.evidence["kind"] == "burst"


def test_thresholds_come_from_settings(workspace, wh) -> None:
    _, manifest = workspace
    strict = run_domain(wh, "reliability", manifest.end, HealthSettings(streak_min=100, streak_min_daily=100), only=["failure_streak"])
    assert strict.findings == []
    budgets = {w.workspace_id: 1.0 for w in manifest.workspaces}
    over = run_domain(wh, "cost", manifest.end, HealthSettings(monthly_budget_usd=budgets), only=["budget_forecast"])
    assert {f.entity_id for f in over.findings} == set(budgets)
    assert all(f.severity == "critical" for f in over.findings)


def test_missing_tables_become_check_errors(tmp_path: Path) -> None:
    empty = tmp_path / "empty-lake"
    empty.mkdir()
    for sweep in run_all(LocalWarehouse(empty), datetime(2026, 3, 5, tzinfo=UTC)):
        assert sweep.findings == []
        assert {e.check for e in sweep.errors} == {c.name for c in CHECKS[sweep.domain]}
        for error in sweep.errors:
            assert " not found" in error.error or " configured (HealthSettings." in error.error


def test_exported_tables_without_a_settings_file(workspace, tmp_path: Path) -> None:
    """A directory of real exported tables has no settings file: per-object checks need settings given."""
    root, manifest = workspace
    exported = tmp_path / "exported"
    exported.mkdir()
    for entry in root.iterdir():
        if entry.is_dir() and not entry.name.startswith("_"):
            os.symlink(entry, exported / entry.name)
    wh = LocalWarehouse(exported)
    bare = run_domain(wh, "mlops", manifest.end)
    assert {e.check for e in bare.errors} == {"endpoint_latency", "prediction_drift"}
    assert "no inference tables configured (HealthSettings.inference_tables)" in bare.errors[0].error
    assert {e.kind for e in bare.errors} == {"unavailable"}
    settings = HealthSettings(
        inference_tables={e.endpoint_name: e.inference_table for e in manifest.endpoints},
        drift_metrics_tables={m.table_full_name: m.drift_metrics_table for m in manifest.monitored_tables if m.drift_metrics_table},
        monthly_budget_usd=manifest.monthly_budget_usd,
    )
    configured = run_domain(wh, "mlops", manifest.end, settings)
    assert configured.errors == []
    with_file = run_domain(LocalWarehouse(root), "mlops", manifest.end)  # the simulator wrote the same as a file
    assert _comparable(configured.findings) == _comparable(with_file.findings)
    cost = run_domain(wh, "cost", manifest.end, settings, only=["budget_forecast"])
    assert cost.errors == [] and cost.findings


def test_a_broken_object_does_not_hide_the_others(workspace, wh) -> None:
    _, manifest = workspace
    tables = {e.endpoint_name: e.inference_table for e in manifest.endpoints if e.inference_table}
    first = sorted(tables)[0]
    tables[first] = "nowhere.serving.missing_payload"
    sweep = run_domain(wh, "mlops", manifest.end, HealthSettings(inference_tables=tables), only=["endpoint_latency"])
    assert [e.check for e in sweep.errors] == [f"endpoint_latency[{first}]"]
    assert "nowhere.serving.missing_payload not found" in sweep.errors[0].error


def test_unknown_domain_and_check_are_named(wh, workspace) -> None:
    _, manifest = workspace
    with pytest.raises(ValueError, match="unknown health domain 'finance'"):
        run_domain(wh, "finance", manifest.end)
    with pytest.raises(ValueError, match="unknown cost check"):
        run_domain(wh, "cost", manifest.end, only=["nope"])


def test_settings_reject_unknown_keys() -> None:
    with pytest.raises(ValueError, match="spike_ration"):
        HealthSettings.model_validate({"spike_ration": 3})


def test_hourly_security_sweeps_of_one_day_update_the_same_findings(workspace, wh, tmp_path: Path) -> None:
    # Security runs hourly; with a sliding 24 h window every run would mint new finding ids for the
    # same events. Day-anchored windows keep one finding per event and day.
    root, manifest = workspace
    truth = json.loads((root / "_truth" / "incidents.json").read_text())
    first = min(datetime.fromisoformat(i["window_start"]) for i in truth if i["domain"] == "security")
    day = first.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    store = LocalOpsStore(tmp_path / "lake")
    sweeps = [run_domain(wh, "security", day + timedelta(hours=h)) for h in (18, 21, 24)]
    assert [s.window_start for s in sweeps] == [day, day, day]
    for sweep in sweeps:
        store.upsert(sweep.findings)
    stored = store.read(Finding)
    keys = {(f.check, f.entity_id) for f in stored}
    assert len(stored) == len({f.finding_id for f in stored})
    assert len(stored) == len({(f.check, f.entity_id, f.window_start) for f in stored})
    # Every (check, entity) seen in the day's last sweep is stored once, not once per hour.
    final = {(f.check, f.entity_id) for f in sweeps[-1].findings}
    assert final <= keys
    non_hourly = [f for f in stored if f.check != "failed_login_burst"]
    assert len(non_hourly) == len({(f.check, f.entity_id) for f in non_hourly})
    assert stored, "the incident day should have security findings"
