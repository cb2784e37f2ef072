"""Shared builders for provisioning tests: a plan from the conversation's draft, validated."""

from __future__ import annotations

from typing import Any

import pytest

from agents.provisioning.draft import Draft
from include.provisioning.facts import RequestFacts
from include.provisioning.plan import ProvisioningPlan, ValidatedPlan, validate_plan

FULL_REQUEST = RequestFacts(
    capabilities=["databricks_workspace", "azure_openai", "firewall_ports"],
    team="ml-team", environment="prod", region="eastus", gpu=True, min_workers=1, max_workers=4,
    models=["gpt-4o"], ports=["443"], sources=["10.20.0.0/16"],
)


def make_plan(facts: RequestFacts = FULL_REQUEST, stack: str | None = None, **plan_fields: Any) -> ProvisioningPlan:
    draft = Draft(requester="alice")
    draft.apply(facts)
    if stack:
        draft.stack = stack
    plan = draft.to_plan()
    return plan.model_copy(update=plan_fields) if plan_fields else plan


@pytest.fixture
def full_plan() -> ProvisioningPlan:
    return make_plan()


@pytest.fixture
def validated(full_plan: ProvisioningPlan) -> ValidatedPlan:
    return validate_plan(full_plan)
