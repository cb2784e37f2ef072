"""The no-LLM path: severity order, per-check and default templates, headline, key numbers, redaction."""

from __future__ import annotations

from pathlib import Path

import pytest

from agents.common.deterministic import DeterministicWriter
from agents.domains import analyse, spec
from include.health.models import DomainSweep
from include.ops.models import DOMAINS
from include.untrusted.redaction import Redactor
from tests.agents.common.fakes import AS_OF, cost_sweep


def test_findings_come_out_in_severity_order_with_texts() -> None:
    analysis = analyse("cost", cost_sweep())
    assert analysis.path == "deterministic" and analysis.llm == "deterministic (no LLM configured)"
    assert [f.severity for f in analysis.findings] == ["critical", "high", "medium"]
    assert all(f.agent_path == "deterministic" and f.explanation and f.recommendation for f in analysis.findings)
    idle = next(f for f in analysis.findings if f.check == "idle_all_purpose")
    assert idle.explanation == (
        "All-purpose compute is billed while it runs, busy or not: this cluster ran 20 h at 0.8% average CPU "
        "(threshold 5%) and cost $120.00 in the window. It has no auto-termination, so it will keep running until someone stops it."
    )
    assert analysis.headline.startswith("3 cost findings (1 critical, 1 high, 1 medium); most severe: Workspace 1001 is forecast")


def test_a_check_without_its_own_template_uses_the_default() -> None:
    sweep = cost_sweep()
    custom = sweep.findings[0].model_copy(update={"check": "custom_check", "metric": "idle_usd", "observed": 120.0, "baseline": 10.0,
                                                  "finding_id": "custom"})
    analysis = analyse("cost", sweep.model_copy(update={"findings": [custom]}))
    assert "idle_usd was 120 against a baseline of 10 (12.0x)." in analysis.findings[0].explanation
    assert analysis.findings[0].recommendation == "Enable auto-termination."


def test_key_numbers_are_computed_not_written() -> None:
    numbers = {k.name: k for k in analyse("cost", cost_sweep()).key_numbers}
    assert numbers["findings"].value == 3
    assert numbers["critical findings"].value == 1
    assert (numbers["spend above baseline in spikes"].value, numbers["spend above baseline in spikes"].unit) == (200.0, "USD")
    assert numbers["idle all-purpose compute"].value == 120.0
    assert numbers["workspaces forecast over budget"].value == 1
    assert "untagged spend" not in numbers  # no untagged-spend finding, no number


def test_check_errors_are_reported_in_the_headline() -> None:
    sweep = cost_sweep(with_errors=True)
    analysis = analyse("cost", sweep)
    assert "1 check(s) could not run: tag_coverage" in analysis.headline
    assert analysis.errors[0].check == "tag_coverage"
    empty = DomainSweep(domain="cost", as_of=AS_OF, window_start=AS_OF, window_end=AS_OF, checks_run=["a", "b"])
    assert analyse("cost", empty).headline == "No cost issues found (2 checks ran)."


def test_secrets_never_reach_the_output() -> None:
    writer = DeterministicWriter("cost")
    finding = cost_sweep().findings[1]
    out = writer.explain(finding.model_copy(update={"summary": "leaked dapi0123456789abcdef0123456789abcdef here"}), Redactor())
    assert "dapi" not in out.summary + out.explanation + out.recommendation and "[REDACTED" in out.summary


def test_per_check_template_wins_and_a_broken_one_falls_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from agents.common import textenv

    domain_dir = tmp_path / "cost" / "templates"
    domain_dir.mkdir(parents=True)
    (domain_dir / "idle_all_purpose.j2").write_text(
        "{% macro explanation(f) %}Idle for {{ f.evidence.running_hours }} h.{% endmacro %}"
        "{% macro recommendation(f) %}Set auto-termination on {{ f.entity_id }}.{% endmacro %}"
    )
    (domain_dir / "sku_spike.j2").write_text(
        "{% macro explanation(f) %}{{ f.evidence.not_there }}{% endmacro %}{% macro recommendation(f) %}x{% endmacro %}"
    )
    monkeypatch.setattr(textenv, "AGENTS_ROOT", tmp_path)
    textenv.environment.cache_clear()
    try:
        writer = DeterministicWriter("cost")
        sweep = cost_sweep()
        idle = writer.explain(sweep.findings[0], Redactor())
        assert (idle.explanation, idle.recommendation) == ("Idle for 20 h.", "Set auto-termination on 0510-abc.")
        spike = writer.explain(sweep.findings[2], Redactor())  # StrictUndefined -> default template
        assert writer.fallbacks == ["sku_spike"]
        assert spike.explanation.startswith("Jobs compute in 1002 tripled. spend_usd was 300 against a baseline of 100")
    finally:
        textenv.environment.cache_clear()


@pytest.mark.parametrize("domain", DOMAINS)
def test_every_domain_agent_runs_deterministically(domain: str) -> None:
    sweep = cost_sweep()
    findings = [f.model_copy(update={"domain": domain}) for f in sweep.findings]
    analysis = analyse(domain, sweep.model_copy(update={"domain": domain, "findings": findings}))
    assert analysis.domain == domain and len(analysis.findings) == 3


def test_unknown_domain_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown domain"):
        spec("../etc")


def test_informational_findings_sort_last_and_are_not_issues() -> None:
    from datetime import timedelta

    from include.ops.models import Finding

    sweep = cost_sweep()
    note = Finding(domain="cost", check="top_contributors", severity="low", entity_type="workspace", entity_id="1001",
                   window_start=AS_OF - timedelta(days=1), window_end=AS_OF, metric="spend_usd", observed=5000.0,
                   summary="Workspace 1001 spent $5,000", recommendation="Informational.", evidence={"informational": True})
    analysis = analyse("cost", sweep.model_copy(update={"findings": [note, *sweep.findings]}))
    assert analysis.findings[-1].check == "top_contributors"
    assert analysis.headline.startswith("3 cost findings (1 critical, 1 high, 1 medium)")
    only = analyse("cost", sweep.model_copy(update={"findings": [note]}))
    assert only.headline == "No cost issues found (4 checks ran). 1 informational note."
