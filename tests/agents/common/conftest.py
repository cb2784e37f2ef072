"""One small simulated workspace for the agent tests that run the real checks (generated once)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest

from include.simulator.generate import generate_workspace

SIM_END = date(2026, 3, 10)
SIM_AS_OF = datetime.combine(SIM_END + timedelta(days=1), time.min, UTC)


@pytest.fixture(scope="session")
def sim_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("agents-sim") / "lakehouse"
    generate_workspace(root, 14, "small", 11, end=SIM_END)
    return root
