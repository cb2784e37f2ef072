"""Medium scale works: more of everything, two incidents of every planned kind."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from include.lakehouse.system_tables import SYSTEM_TABLES
from include.simulator.generate import generate_workspace


@pytest.mark.slow
def test_medium_scale(tmp_path: Path) -> None:
    manifest = generate_workspace(tmp_path / "lake", 30, "medium", 11, end=date(2026, 4, 2))
    assert len(manifest.workspaces) == 5 and len(manifest.jobs) == 110 and len(manifest.endpoints) == 10
    assert set(SYSTEM_TABLES) <= set(manifest.row_counts)
    assert sum(manifest.row_counts.values()) > 3_000_000
    truth = json.loads((tmp_path / "lake" / "_truth" / "incidents.json").read_text())
    planned = Counter(i["kind"] for i in truth if "derived_from" not in i["details"])
    assert planned and all(n >= 2 for n in planned.values()), planned
