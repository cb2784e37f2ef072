"""Shared fixtures: every test gets its own LakePilot state directory."""

from __future__ import annotations

import itertools
import os
import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import settings

ROOT = Path(__file__).resolve().parent.parent

# Child processes (Airflow CLI, DagBag parses, dag.test runs) see the project as Airflow's own
# components do: the plugins folder importable by its packages' names, the project root too.
os.environ["PYTHONPATH"] = os.pathsep.join(
    [str(ROOT / "plugins"), str(ROOT), *filter(None, [os.environ.get("PYTHONPATH", "")])]
)

# Derived, content-keyed files (the trained router, sentence embeddings of its training questions)
# are shared by every test and child process of a run, and by later runs in this checkout: they
# cannot go stale, and recomputing them per test would cost tens of CPU seconds each time.
os.environ["LAKEPILOT_CACHE"] = str(ROOT / ".pytest_cache" / "lakepilot-cache")


# Real Airflow stacks on a busy 2-core machine: an e2e test may take several times its idle duration
# (the golden path ~2.5 min idle). pytest prints the slowest tests of every run (--durations).
E2E_TIMEOUT_S = 1800


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if item.get_closest_marker("e2e") and not item.get_closest_marker("timeout"):
            item.add_marker(pytest.mark.timeout(E2E_TIMEOUT_S))


# Property tests explore the same examples on every run (a suite that passes every time); set
# HYPOTHESIS_PROFILE=explore locally to search new ones. No example database is written.
settings.register_profile("repeatable", derandomize=True, database=None, print_blob=True)
settings.register_profile("explore", database=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))


@pytest.fixture(autouse=True)
def lakepilot_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point all LakePilot state (lakehouse, outbox, reports) at a fresh temp directory.

    At the end of the test the LLM calls it recorded are written, as at the end of an Airflow task
    (include/metrics/recorder.py batches them per task), so none is left for a later test."""
    home = tmp_path / "lakepilot-home"
    monkeypatch.setenv("LAKEPILOT_HOME", str(home))
    monkeypatch.delenv("LAKEPILOT_LAKEHOUSE", raising=False)
    monkeypatch.delenv("LAKEPILOT_WAREHOUSE", raising=False)
    monkeypatch.delenv("AIRFLOW_CONN_LAKEPILOT_LLM", raising=False)
    yield home
    recorder = sys.modules.get("include.metrics.recorder")
    if recorder is not None:
        recorder.flush_llm_usage()


@pytest.fixture
def lakehouse(lakepilot_home: Path) -> Path:
    """An empty local lakehouse root."""
    root = lakepilot_home / "lakehouse"
    root.mkdir(parents=True)
    return root


@pytest.fixture(scope="session")
def postgres_server() -> Iterator:
    """One throwaway PostgreSQL 15 server for the whole run (unprivileged user; initdb refuses root).

    Every end-to-end and reliability Airflow stack keeps its metadata on it, one database each:
    SQLite under load made the api-server answer 500 "Database error" at random calls.
    """
    from include.devstack.postgres import PostgresServer
    from include.devstack.procs import free_port

    server = PostgresServer(free_port()).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def metadata_db(postgres_server) -> Callable[[str], str]:
    """`metadata_db("golden")` -> the URL of a fresh, empty Airflow metadata database for one stack."""
    numbers = itertools.count()

    def fresh(stack: str) -> str:
        return postgres_server.database_url(f"{re.sub(r'[^a-z0-9_]', '_', stack.lower())}_{next(numbers)}")

    return fresh
