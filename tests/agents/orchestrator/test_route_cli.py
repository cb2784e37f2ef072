"""`lakepilot route`: JSONL in, JSONL out, through the real console entry point."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from cli.main import app

ROOT = Path(__file__).resolve().parents[3]
QUESTIONS = [
    {"id": "q1", "question": "Why did our costs spike last Tuesday, and were there job failures?"},
    {"id": 2, "question": "is everything ok?"},
    {"id": "q3", "question": "p95 on the BI warehouse this week vs last"},
]


def _run(args: list[str], stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cli.main", "route", *args], input=stdin, cwd=ROOT,
        capture_output=True, text=True, timeout=120,
    )


def test_jsonl_file_round_trip(tmp_path: Path) -> None:
    source = tmp_path / "questions.jsonl"
    source.write_text("\n".join(json.dumps(q) for q in QUESTIONS) + "\n\n")
    done = _run(["--jsonl", str(source), "--now", "2025-03-13T15:30:00Z", "--offline"])
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert [line["id"] for line in lines] == ["q1", 2, "q3"]
    first, second, third = lines
    assert first["domains"] == ["cost", "reliability"] and "clarify" not in first
    assert first["time_window"]["start"] == "2025-03-11T00:00:00Z"
    assert 0 < first["confidence"] <= 1 and first["path"] == "offline"
    assert second["domains"] == [] and set(second["clarify"]["options"]) >= {"cost", "reliability"}
    assert third["domains"] == ["performance"]
    assert third["time_window"]["comparison"]["start"] == "2025-03-03T00:00:00Z"
    assert "router: offline" in done.stderr


def test_stdin_and_bad_lines_are_named_before_anything_is_printed() -> None:
    good = _run(["--jsonl", "-", "--offline"], stdin=json.dumps(QUESTIONS[0]) + "\n")
    assert good.returncode == 0 and json.loads(good.stdout)["id"] == "q1"
    bad = _run(["--jsonl", "-", "--offline"], stdin=json.dumps(QUESTIONS[0]) + '\n{"id": "x"}\nnot json\n')
    assert bad.returncode == 2
    assert bad.stdout == ""
    assert "line 2" in bad.stderr and "line 3" in bad.stderr


def test_single_question_and_usage_errors() -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["route", "what about security?", "--offline"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout.strip().splitlines()[-1])["domains"] == ["security"]
    assert runner.invoke(app, ["route", "--offline"]).exit_code == 2
    assert runner.invoke(app, ["route", "x", "--now", "last tuesday"]).exit_code == 2
    assert runner.invoke(app, ["route", "--jsonl", "/no/such/file.jsonl"]).exit_code == 2


def test_eval_flag_prints_the_held_out_score() -> None:
    result = CliRunner().invoke(app, ["route", "--eval"])
    assert result.exit_code == 0, result.output
    assert "exact domain-set accuracy" in result.stdout and "precision" in result.stdout
