"""The acting-side fixtures (emulator, real hook, ledger store, policy), shared with tests/include/remediation."""

from __future__ import annotations

from tests.include.remediation.conftest import emulator, hook, jobs, policy, store  # noqa: F401 - fixtures
