"""One small simulated workspace shared by the simulator tests (generated once per session)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from include.lakehouse.warehouse import LocalWarehouse
from include.simulator.generate import generate_workspace
from include.simulator.manifest import Incident, WorkspaceManifest

END = date(2026, 3, 10)  # a Tuesday, mid-month


@pytest.fixture(scope="session")
def small(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, WorkspaceManifest, list[Incident]]:
    root = tmp_path_factory.mktemp("sim") / "lakehouse"
    manifest = generate_workspace(root, 21, "small", 5, end=END)
    truth = [Incident.model_validate(i) for i in json.loads((root / "_truth" / "incidents.json").read_text())]
    return root, manifest, truth


@pytest.fixture(scope="session")
def small_wh(small) -> LocalWarehouse:
    return LocalWarehouse(small[0])
