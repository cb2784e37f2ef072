"""Reliability suite fixtures: the figure book (table at the end of the run, figures.json)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

# The remediation suite's fixtures (emulator on loopback, real DatabricksHook, Delta ledger, policy).
from tests.include.remediation.conftest import emulator, hook, jobs, policy, store  # noqa: F401

# The UI app with Airflow's real authentication (JWTs), for the API filter proofs.
from tests.plugins.conftest import airflow_tokens, anon, app, client, scripted_runtime  # noqa: F401
from tests.reliability.figures import FigureBook

_BOOK_KEY = pytest.StashKey[FigureBook]()


def _book(config: pytest.Config) -> FigureBook:
    if _BOOK_KEY not in config.stash:
        config.stash[_BOOK_KEY] = FigureBook()
    return config.stash[_BOOK_KEY]


class Recorder:
    """`figures.record(name, value, target, ok)` bound to the current test (fails it on a miss)."""

    def __init__(self, book: FigureBook, test: str) -> None:
        self.book = book
        self.test = test

    def record(self, name: str, value, target: str, ok: bool, detail: str = ""):
        return self.book.record(name, value, target, ok, test=self.test, detail=detail)


ASK_NOW = datetime(2026, 5, 13, tzinfo=UTC)


@pytest.fixture(scope="session")
def ask_world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small simulated workspace (9 days ending 2026-05-12) for the orchestrator; read-only."""
    from include.simulator.generate import generate_workspace

    root = tmp_path_factory.mktemp("ask-world") / "lakehouse"
    generate_workspace(root, days=9, scale="small", seed=21, end=date(2026, 5, 12))
    return root


@pytest.fixture
def figures(request: pytest.FixtureRequest) -> Recorder:
    return Recorder(_book(request.config), request.node.nodeid)


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    book = config.stash.get(_BOOK_KEY, None)
    if book is None or not book.figures:
        return
    terminalreporter.section("LakePilot reliability figures")
    for line in book.table():
        terminalreporter.write_line(line)
    path = book.write()
    terminalreporter.write_line(f"(written to {path})")
