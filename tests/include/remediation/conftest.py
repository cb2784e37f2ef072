"""Fixtures: emulator + real DatabricksHook, the ledger store, and the acting policy."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from include.ops.store import LocalOpsStore
from include.remediation.policy import RemediationPolicy
from tests.include.remediation.support import ONCALL, connection, start_emulator


@pytest.fixture
def emulator(lakehouse: Path) -> Iterator:
    server = start_emulator(lakehouse)
    yield server
    server.stop()


@pytest.fixture
def hook(emulator, monkeypatch: pytest.MonkeyPatch):
    from airflow.providers.databricks.hooks.databricks import DatabricksHook

    monkeypatch.setenv("AIRFLOW_CONN_DATABRICKS_DEFAULT", connection(emulator.port))
    return DatabricksHook(retry_limit=2, retry_delay=0.1)


@pytest.fixture
def jobs(hook):
    from include.remediation.jobs_client import HookJobsApi

    return HookJobsApi(hook)


@pytest.fixture
def store(lakehouse: Path) -> LocalOpsStore:
    return LocalOpsStore(lakehouse)


@pytest.fixture
def policy() -> RemediationPolicy:
    """No backoff (act at once), on-call set; everything else the production defaults."""
    return RemediationPolicy(backoff_base_seconds=0, oncall=[ONCALL])
