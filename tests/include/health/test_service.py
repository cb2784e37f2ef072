"""The health service: sweep → store → analyse → store on real local Delta tables: idempotent, and the path is recorded."""

from __future__ import annotations

import pytest

from agents.domains import analyst
from include.health.records import HealthDomainRun
from include.health.service import analyse_stored, sweep_and_store
from include.lakehouse.warehouse import LocalWarehouse
from include.ops.models import Finding
from include.ops.store import LocalOpsStore
from tests.agents.common.fakes import AS_OF, answer, cost_sweep, scripted


def fake_checks(warehouse, domain, as_of, settings=None):
    return cost_sweep(with_errors=True)


@pytest.fixture
def env(lakehouse):
    return LocalWarehouse(lakehouse), LocalOpsStore(lakehouse)


def test_rerunning_an_interval_never_duplicates(env) -> None:
    warehouse, store = env
    for _ in range(2):
        _, outcome = sweep_and_store(warehouse, "cost", AS_OF, store=store, sweep_fn=fake_checks)
        analyse_stored(warehouse, "cost", AS_OF, store=store, analyst=analyst("cost"))
    assert outcome.findings == 3 and outcome.by_severity == {"critical": 1, "high": 1, "medium": 1}
    assert outcome.errors == ["tag_coverage: table system.compute.clusters not found"]
    assert len(store.read(Finding)) == 3
    [record] = store.read(HealthDomainRun)
    assert record.analysed and record.path == "deterministic"
    assert record.headline.startswith("3 cost findings")
    assert len(record.analysis["findings"]) == 3


def test_llm_analysis_is_written_onto_findings_and_a_retry_starts_clean(env) -> None:
    warehouse, store = env
    sweep_and_store(warehouse, "cost", AS_OF, store=store, sweep_fn=fake_checks)
    budget = next(f for f in cost_sweep().findings if f.check == "budget_forecast")
    model = scripted(answer("Over budget.", [{"finding_id": budget.finding_id, "explanation": "e", "recommendation": "Cut spend now."}]))
    _, outcome = analyse_stored(warehouse, "cost", AS_OF, store=store, analyst=analyst("cost", model=model))
    assert (outcome.path, outcome.llm, outcome.headline) == ("llm", "llm (injected model)", "Over budget.")
    stored = {f.check: f for f in store.read(Finding)}
    assert (stored["budget_forecast"].agent_path, stored["budget_forecast"].recommendation) == ("llm", "Cut spend now.")
    assert stored["idle_all_purpose"].agent_path == "deterministic"
    # A retried analysis without the LLM starts from the checks' recommendations, not the LLM's.
    analyse_stored(warehouse, "cost", AS_OF, store=store, analyst=analyst("cost"))
    stored = {f.check: f for f in store.read(Finding)}
    assert (stored["budget_forecast"].agent_path, stored["budget_forecast"].recommendation) == ("deterministic", "Review the top jobs by cost.")
    assert store.read(HealthDomainRun)[0].path == "deterministic"


def test_analysing_without_a_sweep_names_what_is_missing(env) -> None:
    warehouse, store = env
    with pytest.raises(LookupError, match="no cost sweep stored"):
        analyse_stored(warehouse, "cost", AS_OF, store=store, analyst=analyst("cost"))


def test_a_sweep_of_the_wrong_domain_is_refused(env) -> None:
    warehouse, store = env
    with pytest.raises(ValueError, match="returned findings of domain cost"):
        sweep_and_store(warehouse, "security", AS_OF, store=store, sweep_fn=fake_checks)
    assert store.read(Finding) == []
