"""A local lakehouse's description file: what the product reads instead of the simulator's manifest."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.health_cmd import default_as_of
from cli.main import app
from include.lakehouse.about import ABOUT_FILE, LakehouseAbout, data_ends_before, read_about, write_about
from include.runtime import describe_runtime

EXPORT = LakehouseAbout(source="export", description="system tables exported from prod on 2026-05-01",
                        data_start=datetime(2026, 3, 1, tzinfo=UTC), data_end=datetime(2026, 5, 1, 6, tzinfo=UTC))


def test_written_and_read_back_with_utc_times(lakehouse: Path) -> None:
    path = write_about(lakehouse, EXPORT)
    assert path == lakehouse / ABOUT_FILE and not list(path.parent.glob("*.tmp"))
    assert read_about(lakehouse) == EXPORT
    assert read_about(lakehouse / "elsewhere") is None and read_about(None) is None


def test_a_damaged_file_is_named_by_the_strict_reader_and_read_as_now_by_the_lenient_one(lakehouse: Path) -> None:
    (lakehouse / ABOUT_FILE).parent.mkdir(parents=True)
    (lakehouse / ABOUT_FILE).write_text(json.dumps({"source": "somewhere", "description": "x"}))
    with pytest.raises(ValueError, match=r"(?s)lakehouse\.json.*source"):
        read_about(lakehouse)
    assert data_ends_before(lakehouse) is None
    assert "lakehouse.json" in describe_runtime(lakehouse)["data"]


def test_data_ends_before_now_only_when_it_does(lakehouse: Path) -> None:
    assert data_ends_before(lakehouse) is None  # no file: the data runs up to now
    write_about(lakehouse, EXPORT)
    assert data_ends_before(lakehouse) == EXPORT.data_end
    assert data_ends_before(lakehouse, now=datetime(2026, 4, 1, tzinfo=UTC)) is None
    future = EXPORT.model_copy(update={"data_end": datetime.now(UTC) + timedelta(days=1)})
    write_about(lakehouse, future)
    assert data_ends_before(lakehouse) is None


def test_an_export_with_a_description_is_swept_and_described_as_of_its_end(lakehouse: Path) -> None:
    write_about(lakehouse, EXPORT)
    (lakehouse / "system").mkdir()
    when, note = default_as_of(str(lakehouse))
    assert when == EXPORT.data_end and "2026-05-01 06:00 UTC" in note and "data ends" in note
    assert describe_runtime(lakehouse)["data"] == EXPORT.description
    info = CliRunner().invoke(app, ["info", "--lakehouse", str(lakehouse)])
    assert info.exit_code == 0 and EXPORT.description in info.output, info.output


def test_without_a_description_tables_run_up_to_now(lakehouse: Path) -> None:
    (lakehouse / "system").mkdir()
    before = datetime.now(UTC)
    when, note = default_as_of(str(lakehouse))
    assert when >= before and "(now)" in note
    assert "read as running up to now" in describe_runtime(lakehouse)["data"]


def test_the_simulator_describes_its_workspace(lakehouse: Path) -> None:
    from include.simulator.generate import generate_workspace

    manifest = generate_workspace(lakehouse, 8, "small", 5, end=date(2026, 3, 10))
    about = read_about(lakehouse)
    assert about is not None and about.source == "simulated"
    assert (about.data_start, about.data_end, about.generated_at) == (manifest.start, manifest.end, manifest.generated_at)
    assert about.data_end == datetime(2026, 3, 11, tzinfo=UTC) and "seed 5" in about.description
