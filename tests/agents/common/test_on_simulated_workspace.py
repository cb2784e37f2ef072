"""The agents on the real checks over a simulated workspace: every domain, templates, storage, report."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from agents.common.textenv import AGENTS_ROOT
from agents.domains import analyse, analyst, domain_agent
from include.health.records import HealthDomainRun
from include.health.runner import run_domain
from include.health.service import analyse_stored, sweep_and_store
from include.lakehouse.warehouse import LocalWarehouse
from include.ops.models import DOMAINS, Finding
from include.ops.store import LocalOpsStore
from include.report.service import generate_report
from tests.agents.common.conftest import SIM_AS_OF
from tests.agents.common.fakes import answer, call, scripted


@pytest.fixture
def root(sim_root: Path, tmp_path: Path) -> Path:
    """A private copy, so tests that store findings do not see each other's rows."""
    copy = tmp_path / "lakehouse"
    shutil.copytree(sim_root, copy)
    return copy


@pytest.mark.parametrize("domain", DOMAINS)
def test_every_check_with_a_template_renders_it(sim_root: Path, domain: str) -> None:
    warehouse = LocalWarehouse(sim_root)
    sweep = run_domain(warehouse, domain, SIM_AS_OF)
    agent = domain_agent(domain)
    agent.writer.fallbacks.clear()
    analysis = agent.analyse(sweep)
    assert agent.writer.fallbacks == [], f"{domain} templates failed on real evidence"
    templated = {p.stem for p in (AGENTS_ROOT / domain / "templates").glob("*.j2")}
    assert {f.check for f in sweep.findings} <= templated, "a check of this domain has no template"
    assert len(analysis.findings) == len(sweep.findings)
    assert all(f.explanation and f.recommendation for f in analysis.findings)
    informational = [f.finding_id for f in sweep.findings if f.evidence.get("informational")]
    assert [f.finding_id for f in analysis.findings][len(analysis.findings) - len(informational):] == sorted(
        informational, key=[f.finding_id for f in analysis.findings].index)


def test_all_domains_stored_then_reported(root: Path) -> None:
    warehouse, store = LocalWarehouse(root), LocalOpsStore(root)
    found = 0
    for domain in DOMAINS:
        _, swept = sweep_and_store(warehouse, domain, SIM_AS_OF, store=store)
        analyse_stored(warehouse, domain, SIM_AS_OF, store=store, analyst=analyst(domain))
        found += swept.findings
    assert found > 0 and len(store.read(Finding)) == found
    runs = store.read(HealthDomainRun)
    assert sorted(r.domain for r in runs) == sorted(DOMAINS) and all(r.analysed for r in runs)
    _, summary = generate_report(warehouse, SIM_AS_OF, store=store)
    assert summary.domains_not_run == []
    # The report shows one row per (domain, check, entity): the newest of e.g. two hourly bursts from one IP.
    issues = {(f.domain, f.check, f.entity_type, f.entity_id) for f in store.read(Finding) if not f.evidence.get("informational")}
    assert summary.findings == len(issues)


def test_llm_path_runs_a_registered_query_and_sees_redacted_rows(root: Path) -> None:
    pytest.importorskip("include.health.adhoc", reason="the checks' ad-hoc query registry is not installed")
    warehouse = LocalWarehouse(root)
    sweep = run_domain(warehouse, "security", SIM_AS_OF)
    users = [f for f in sweep.findings if f.entity_type == "user"]
    assert users, "the simulated workspace should have a security finding about a user"
    target = users[0]
    model = scripted(
        call("run_query", {"name": "audit_by_identity", "params": {
            "email": target.entity_id, "start": sweep.window_start.isoformat(), "end": sweep.window_end.isoformat()}}, idx=1),
        call("run_query", {"name": "audit_by_identity", "params": {"email": target.entity_id}}, idx=2),
        answer("Security activity reviewed.", [{"finding_id": target.finding_id, "explanation": "e", "recommendation": "r"}]),
    )
    analysis = analyse("security", sweep, model=model, warehouse=warehouse)
    assert analysis.path == "llm" and analysis.tool_calls == 2
    from langchain_core.messages import ToolMessage

    ok, missing = [json.loads(m.content) for m in model.seen[-1] if isinstance(m, ToolMessage)]
    assert ok["status"] == "ok" and ok["row_count"] > 0
    assert missing["status"] == "error" and "missing" in missing["error"]
    # Addresses the findings carry stay readable; any other address is masked to /24.
    from include.untrusted.redaction import Redactor, ips_in

    allowed = Redactor.for_findings(sweep.findings).allowed_ips
    shown = {row["source_ip_address"] for row in ok["rows"] if row.get("source_ip_address")}
    assert shown, "the identity's audit rows carry source addresses"
    assert all(ip in allowed or ip.endswith(".x") for ip in shown), shown
    assert not (ips_in([json.dumps(ok["rows"])]) - allowed)
