"""Bad input is refused by name with exit code 2, and nothing is ever half-written."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from include.lakehouse.delta_store import read_table
from include.simulator import generate as generate_module
from include.simulator.generate import GENERATED_MARKER, GenerationError, generate_workspace
from include.simulator.manifest import load_manifest

END = date(2026, 2, 3)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"scale": "huge"}, "unknown scale 'huge'; use one of: small, medium, large"),
        ({"days": 0}, "--days must be a positive whole number of days, got 0"),
        ({"days": -3}, "--days must be a positive whole number"),
        ({"days": 5}, "--days 5 is too short"),
        ({"days": 900}, "--days 900 is more than"),
        ({"seed": -1}, "--seed must be a non-negative integer"),
    ],
)
def test_bad_arguments_are_named(tmp_path: Path, kwargs: dict, message: str) -> None:
    args = {"out": tmp_path / "lake", "days": 9, "scale": "small", "seed": 1, "end": END} | kwargs
    with pytest.raises(GenerationError) as err:
        generate_workspace(**args)
    assert message in str(err.value)
    assert not (tmp_path / "lake").exists()
    assert list(tmp_path.iterdir()) == []


def test_out_that_cannot_be_a_directory_is_refused(tmp_path: Path) -> None:
    blocker = tmp_path / "file.txt"
    blocker.write_text("not a directory")
    with pytest.raises(GenerationError, match="is not a directory"):
        generate_workspace(blocker, 9, "small", 1, end=END)
    with pytest.raises(GenerationError, match=r"--out .*file.txt/lake is not writable"):
        generate_workspace(blocker / "lake", 9, "small", 1, end=END)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file.txt"]


def test_failed_generation_leaves_the_previous_lakehouse_intact(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "lake"
    first = generate_workspace(out, 8, "small", 1, end=END)
    usage_rows = read_table(out, "system.billing.usage").num_rows

    def broken(ctx) -> None:
        raise RuntimeError("disk full while writing the audit log")

    monkeypatch.setattr(generate_module, "generate_audit", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        generate_workspace(out, 8, "small", 2, end=END)
    assert load_manifest(out).model_dump() == first.model_dump()
    assert read_table(out, "system.billing.usage").num_rows == usage_rows
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lake"], "no staging directory is left behind"


def test_regeneration_keeps_what_it_did_not_generate(tmp_path: Path) -> None:
    out = tmp_path / "lake"
    generate_workspace(out, 8, "small", 1, end=END)
    (out / "lakepilot" / "ops").mkdir(parents=True)
    (out / "lakepilot" / "ops" / "keep.txt").write_text("ops tables live here")
    (out / "notes").mkdir()
    stale = out / "oldcatalog"
    stale.mkdir()
    marker = json.loads((out / GENERATED_MARKER).read_text())
    (out / GENERATED_MARKER).write_text(json.dumps([*marker, "oldcatalog"]))
    generate_workspace(out, 8, "small", 2, end=END)
    assert (out / "lakepilot" / "ops" / "keep.txt").read_text() == "ops tables live here"
    assert (out / "notes").is_dir()
    assert not stale.exists(), "entries of the previous generation are replaced"
    assert load_manifest(out).seed == 2


def test_cli_exit_codes_and_output(tmp_path: Path) -> None:
    runner = CliRunner()
    bad = runner.invoke(app, ["workspace", "generate", "--out", str(tmp_path / "x"), "--scale", "huge"])
    assert bad.exit_code == 2
    assert "unknown scale 'huge'" in bad.output
    bad_end = runner.invoke(app, ["workspace", "generate", "--out", str(tmp_path / "x"), "--end", "15/03/2026"])
    assert bad_end.exit_code == 2 and "--end '15/03/2026' is not a date" in bad_end.output
    ok = runner.invoke(app, ["workspace", "generate", "--out", str(tmp_path / "y"), "--days", "8", "--seed", "4",
                             "--end", "2026-02-03"])
    assert ok.exit_code == 0, ok.output
    summary = json.loads(ok.stdout.strip().splitlines()[-1])
    assert summary["tables"] == len(load_manifest(tmp_path / "y").row_counts) and summary["rows"] > 100_000
    assert "simulated workspace (not real Databricks data)" in ok.output


def test_out_defaults_to_the_configured_lakehouse(lakepilot_home: Path) -> None:
    result = CliRunner().invoke(app, ["workspace", "generate", "--days", "8", "--end", "2026-02-03"])
    assert result.exit_code == 0, result.output
    assert load_manifest(lakepilot_home / "lakehouse") is not None
