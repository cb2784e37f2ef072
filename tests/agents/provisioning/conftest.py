"""Plans for the conversation and CLI tests: the same fixtures as the provisioning core's tests."""

from tests.include.provisioning.conftest import full_plan, make_plan, validated  # noqa: F401
