"""Shared fixtures: every test gets its own LakePilot state directory."""

from __future__ import annotations

import os
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


# Property tests explore the same examples on every run (a suite that passes every time); set
# HYPOTHESIS_PROFILE=explore locally to search new ones. No example database is written.
settings.register_profile("repeatable", derandomize=True, database=None, print_blob=True)
settings.register_profile("explore", database=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))


@pytest.fixture(autouse=True)
def lakepilot_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point all LakePilot state (lakehouse, outbox, reports) at a fresh temp directory."""
    home = tmp_path / "lakepilot-home"
    monkeypatch.setenv("LAKEPILOT_HOME", str(home))
    monkeypatch.delenv("LAKEPILOT_LAKEHOUSE", raising=False)
    monkeypatch.delenv("LAKEPILOT_WAREHOUSE", raising=False)
    monkeypatch.delenv("AIRFLOW_CONN_LAKEPILOT_LLM", raising=False)
    return home


@pytest.fixture
def lakehouse(lakepilot_home: Path) -> Path:
    """An empty local lakehouse root."""
    root = lakepilot_home / "lakehouse"
    root.mkdir(parents=True)
    return root
