"""Which entity a question names, and the domains that know it (agents/orchestrator/focus.py)."""

from __future__ import annotations

from dataclasses import dataclass

from agents.orchestrator.focus import find_focus, named_entity_domains, norm
from agents.orchestrator.labels import Labels


@dataclass
class F:
    entity_type: str
    entity_id: str


FINDINGS = [F("endpoint", "fraud-detector"), F("endpoint", "support-chat"), F("table", "analytics.gold.payments_scores"),
            F("table", "analytics.gold.payments_scores_v2"), F("job", "107"), F("ip", "185.220.100.40"), F("workspace", "1001")]
LABELS = Labels({"job:107": "daily_fraud_etl", "cluster:c-1": "data-eng-interactive", "workspace:1001": "prod",
                 "table:sales.core.shipments": "shipments"})


def test_names_match_on_words_whatever_the_separators() -> None:
    assert norm("Fraud-Detector_v2.x") == "fraud detector v2 x"
    assert find_focus("How is the fraud detector model performing?", FINDINGS).keys == {"endpoint:fraud-detector"}
    assert find_focus("is payments_scores fresh?", FINDINGS).keys == {"table:analytics.gold.payments_scores"}
    # the longer name wins over the one inside it
    assert find_focus("and payments_scores_v2?", FINDINGS).keys == {"table:analytics.gold.payments_scores_v2"}
    assert find_focus("did daily_fraud_etl fail?", FINDINGS, LABELS).keys == {"job:107"}
    assert find_focus("logins from 185.220.100.40?", FINDINGS).keys == {"ip:185.220.100.40"}


def test_a_close_name_is_taken_and_said_and_common_words_are_not_names() -> None:
    focus = find_focus("how is the fraud detection model doing?", FINDINGS)
    assert focus.keys == {"endpoint:fraud-detector"}
    assert focus.note() == 'reading "fraud detection" as fraud-detector (the closest name found)'
    assert find_focus("how is prod doing?", FINDINGS, LABELS).keys == set()  # "prod" is too common to be a name
    assert find_focus("why did cost spike yesterday?", FINDINGS, LABELS).keys == set()
    assert find_focus("anything about the billing pipeline?", FINDINGS).note() == ""


def test_named_things_choose_the_domains_that_know_their_kind() -> None:
    assert named_entity_domains("how busy is data-eng-interactive?", LABELS) == (["performance", "cost"], ["data-eng-interactive"])
    assert named_entity_domains("is shipments up to date?", LABELS) == (["data_quality"], ["shipments"])
    domains, said = named_entity_domains("what did ana.lima@acme.com do from 10.1.2.3?", LABELS)
    assert domains == ["security"] and said == ["ana.lima@acme.com", "10.1.2.3"]
    assert named_entity_domains("is clickstream_daily ok?", LABELS)[0] == [
        "cost", "security", "performance", "reliability", "data_quality", "mlops"]  # unknown name: every domain
    assert named_entity_domains("what about data_quality?", LABELS) == ([], [])
    assert named_entity_domains("why did cost spike last Tuesday?", LABELS) == ([], [])
