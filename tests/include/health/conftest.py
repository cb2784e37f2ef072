"""A small simulated workspace shared by the health-check tests (generated once per session)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from include.lakehouse.warehouse import LocalWarehouse
from include.simulator.generate import generate_workspace
from include.simulator.manifest import WorkspaceManifest


@pytest.fixture(scope="session")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, WorkspaceManifest]:
    root = tmp_path_factory.mktemp("health") / "lakehouse"
    return root, generate_workspace(root, 21, "small", 8, end=date(2026, 3, 4))


@pytest.fixture(scope="session")
def wh(workspace) -> LocalWarehouse:
    return LocalWarehouse(workspace[0])
