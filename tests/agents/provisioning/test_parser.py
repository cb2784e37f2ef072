"""The deterministic parser reads requests, answers and edits into the typed facts."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from agents.provisioning.parser import parse_request

EXAMPLE = ("a production workspace for the ML team in East US with GPUs and an OpenAI deployment, "
           "open 443 to our office 10.20.0.0/16")


def test_the_example_request() -> None:
    facts = parse_request(EXAMPLE)
    assert facts.capabilities == ["databricks_workspace", "azure_openai", "firewall_ports"]
    assert (facts.team, facts.environment, facts.region, facts.gpu) == ("ml-team", "prod", "eastus", True)
    assert facts.ports == ["443"] and facts.sources == ["10.20.0.0/16"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("reduce the cluster to 1-4 workers", {"min_workers": 1, "max_workers": 4}),
        ("between 2 and 10 workers", {"min_workers": 2, "max_workers": 10}),
        ("up to 8 workers", {"max_workers": 8}),
        ("add port 8443", {"ports": ["8443"], "capabilities": ["firewall_ports"]}),
        ("open ports 8000-8100 and 9000 from 10.1.2.3", {"ports": ["8000-8100", "9000"], "sources": ["10.1.2.3/32"]}),
        ("remove port 22", {"drop_ports": ["22"]}),
        ("open port 22 to the world", {"ports": ["22"], "sources": ["0.0.0.0/0"]}),
        ("53/udp from 10.0.0.0/8", {"ports": ["53"], "protocol": "Udp", "sources": ["10.0.0.0/8"]}),
        ("drop the OpenAI part", {"drop_capabilities": ["azure_openai"]}),
        ("no firewall please", {"drop_capabilities": ["firewall_ports"]}),
        ("call the resource group rg-ml-team-prod", {"names": {"resource_group": "rg-ml-team-prod"}}),
        ("name the workspace dbw-research", {"names": {"databricks_workspace.workspace_name": "dbw-research"}}),
        ("use nsg-edge as the nsg name", {"names": {"firewall_ports.nsg_name": "nsg-edge"}}),
        ("deploy gpt-4o-mini and text-embedding-3-large at 50k tpm",
         {"models": ["gpt-4o-mini", "text-embedding-3-large"], "capacity": 50}),
        ("a staging workspace for team data-eng in West Europe, medium nodes",
         {"team": "data-eng", "environment": "staging", "region": "westeurope", "size": "medium"}),
        ("premium sku with public access", {"sku": "premium", "public_network_access": True}),
        ("keep it private", {"public_network_access": False}),
        ("expires 2030-01-31", {"expires_on": date(2030, 1, 31)}),
        ("yes", {"answer": "yes"}),
        ("Looks good!", {"answer": "yes"}),
        ("cancel", {"answer": "no"}),
    ],
)
def test_phrases(text: str, expected: dict) -> None:
    facts = parse_request(text).model_dump(exclude_defaults=True)
    for key, value in expected.items():
        assert facts.get(key) == value, (text, key, facts)


def test_a_name_override_is_not_read_as_an_environment_or_region() -> None:
    facts = parse_request("call the resource group rg-prod-eus-legacy")
    assert facts.environment is None and facts.region is None


def test_relative_expiry() -> None:
    assert parse_request("open 5432 from 10.0.0.5 for 30 days").expires_on == date.today() + timedelta(days=30)


@pytest.mark.parametrize(
    ("hint", "text", "field", "value"),
    [
        ("team", "Data Platform", "team", "data-platform"),
        ("environment", "production", "environment", "prod"),
        ("region", "West Europe", "region", "westeurope"),
        ("region", "eus2", "region", "eastus2"),
        ("azure_openai.models", "gpt-4o and o3-mini", "models", ["gpt-4o", "o3-mini"]),
        ("firewall_ports.ports", "443, 8443", "ports", ["443", "8443"]),
        ("firewall_ports.sources", "10.1.0.0/16 and VirtualNetwork", "sources", ["10.1.0.0/16", "VirtualNetwork"]),
    ],
)
def test_bare_answers_use_the_question_key(hint: str, text: str, field: str, value) -> None:
    assert getattr(parse_request(text, hint=hint), field) == value


def test_gibberish_yields_nothing() -> None:
    assert parse_request("the quick brown fox").is_empty()
