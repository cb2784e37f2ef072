"""Reuse the provisioning tests' plan builders (a real plan from the conversation's draft)."""

from tests.agents.provisioning.conftest import full_plan, make_plan, validated  # noqa: F401
