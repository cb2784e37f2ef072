"""JSONL inputs are untrusted: random bytes, invalid UTF-8, NULs and huge lines are named, never fatal."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from cli.jsonl import read_jsonl
from include.config import PROJECT_ROOT
from include.untrusted.limits import JSONL_LINE


@settings(max_examples=300, deadline=None)
@given(data=st.binary(max_size=4_000))
def test_any_bytes_are_read_line_by_line_without_raising(tmp_path_factory, data: bytes) -> None:
    path = tmp_path_factory.mktemp("fuzz") / "in.jsonl"
    path.write_bytes(data)
    lines, from_file = read_jsonl(str(path))
    assert from_file
    expected = [n for n, raw in enumerate(data.split(b"\n"), start=1) if raw.strip()]
    assert [line.number for line in lines] == expected  # no line lost, none invented
    for line in lines:
        assert (line.obj is None) != (line.problem is None)
        assert line.problem is None or line.problem.startswith(f"line {line.number}: ")


def _hostile_file(path: Path) -> Path:
    lines = [
        json.dumps({"id": "ok-1", "error": "java.lang.OutOfMemoryError: Java heap space"}).encode(),
        b"\xff\xfe not utf-8 \xc3\x28",
        b'{"id": "nul", "error": "a\x00b"}',
        json.dumps({"id": "escaped-nul", "error": "Connection reset\u0000 by peer"}).encode(),
        b"[1, 2, 3]",
        b"[" * 100_000 + b"]" * 100_000,
        json.dumps({"id": "huge", "error": "x" * (JSONL_LINE.chars + 10)}).encode(),
        json.dumps({"id": "no-error", "text": "hello"}).encode(),
        json.dumps({"id": "ok-2", "error": "Permission denied: user lacks SELECT on table"}).encode(),
    ]
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


def test_triage_names_every_bad_line_and_still_triages_the_good_ones(tmp_path: Path) -> None:
    source = _hostile_file(tmp_path / "hostile.jsonl")
    done = subprocess.run(  # noqa: S603 - fixed argv
        [sys.executable, "-m", "cli.main", "triage", "--jsonl", str(source), "--no-llm"],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=180,
    )
    assert done.returncode == 1, done.stderr[-2000:]
    assert "Traceback" not in done.stderr
    ids = [json.loads(line)["id"] for line in done.stdout.splitlines()]
    assert ids == ["ok-1", "escaped-nul", "ok-2"]
    errors = " ".join(done.stderr.split())
    for expected in ("line 2: not UTF-8", "line 3: not JSON", "line 5: expected a JSON object, got list",
                     "line 6: ", "line 7: ", "the limit is 4,194,304", "line 8: expected an object with a string 'error'"):
        assert expected in errors, expected


def test_route_refuses_the_file_naming_its_bad_lines(tmp_path: Path) -> None:
    source = tmp_path / "questions.jsonl"
    source.write_bytes(b'{"id": 1, "question": "why did cost spike?"}\n\xff\n{"question": ""}\n')
    done = subprocess.run(  # noqa: S603 - fixed argv
        [sys.executable, "-m", "cli.main", "route", "--jsonl", str(source)],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=180,
    )
    assert done.returncode != 0 and "Traceback" not in done.stderr
    errors = " ".join(done.stderr.split())
    assert "line 2: not UTF-8" in errors and 'line 3: needs a non-empty string "question"' in errors
