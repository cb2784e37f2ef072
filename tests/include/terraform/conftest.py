"""Reuse the provisioning tests' plan builders (a real plan from the conversation's draft)."""

from tests.include.provisioning.conftest import full_plan, make_plan, validated  # noqa: F401
