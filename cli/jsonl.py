"""JSONL inputs of the CLI (`triage --jsonl`, `route --jsonl`): untrusted lines, each judged on its own.

A line that is too long (`JSONL_LINE`), not UTF-8, not JSON or not an object is named with its
number and reason; the other lines still run. Texts inside a line are bounded later, by the flow
that reads them (error texts by `ERROR_TEXT`, questions by `QUESTION`).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from include.untrusted.limits import JSONL_LINE


class JsonlLine:
    """One non-blank input line: its number, and either its object or what was wrong with it."""

    __slots__ = ("number", "obj", "problem")

    def __init__(self, number: int, obj: dict[str, Any] | None, problem: str | None) -> None:
        self.number = number
        self.obj = obj
        self.problem = problem


def _raw(source: str, option: str) -> tuple[bytes, bool]:
    if source == "-":
        return sys.stdin.buffer.read(), False
    path = Path(source)
    if not path.is_file():
        raise ValueError(f"{option} {source}: no such file")
    return path.read_bytes(), True


def _judge(number: int, raw: bytes) -> JsonlLine:
    if len(raw) > JSONL_LINE.chars * 4:  # cheap refusal before decoding a huge line
        return JsonlLine(number, None, f"line {number}: {len(raw):,} bytes; the limit is {JSONL_LINE.chars:,} characters")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return JsonlLine(number, None, f"line {number}: not UTF-8 (byte {raw[exc.start]:#04x} at offset {exc.start})")
    if len(text) > JSONL_LINE.chars:
        return JsonlLine(number, None, f"line {number}: {len(text):,} characters; the limit is {JSONL_LINE.chars:,}")
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        return JsonlLine(number, None, f"line {number}: not JSON ({exc.msg} at column {exc.colno})")
    except RecursionError:
        return JsonlLine(number, None, f"line {number}: JSON nested too deeply")
    if not isinstance(obj, dict):
        return JsonlLine(number, None, f"line {number}: expected a JSON object, got {type(obj).__name__}")
    return JsonlLine(number, obj, None)


def read_jsonl(source: str, option: str = "--jsonl") -> tuple[list[JsonlLine], bool]:
    """The non-blank lines of a JSONL file (or `-` for stdin), each parsed or with its problem.

    Returns the lines and whether they came from a file (progress is shown for files only).
    """
    data, from_file = _raw(source, option)
    lines = [
        _judge(number, raw.rstrip(b"\r"))
        for number, raw in enumerate(data.split(b"\n"), start=1)
        if raw.strip()
    ]
    return lines, from_file
