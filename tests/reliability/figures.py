"""The reliability suite's figures: each proof records what it measured next to its target.

A figure that misses its target fails the test that recorded it (`FigureBook.record` asserts);
all figures of a pytest session are printed as one table at the end and written to
`tests/reliability/figures.json` (git-ignored), so a run leaves its numbers behind.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

FIGURES_FILE = Path(__file__).resolve().parent / "figures.json"


class Figure(BaseModel):
    """One measured figure and the target it is held to."""

    name: str
    value: Any
    target: str
    ok: bool
    test: str = ""
    detail: str = ""
    recorded_at: datetime = Field(default_factory=lambda: datetime.now(UTC))


class FigureBook:
    """Figures recorded during one pytest session."""

    def __init__(self) -> None:
        self.figures: list[Figure] = []

    def record(self, name: str, value: Any, target: str, ok: bool, *, test: str = "", detail: str = "") -> Figure:
        """Keep the figure, then fail the calling test if it missed its target."""
        figure = Figure(name=name, value=value, target=target, ok=bool(ok), test=test, detail=detail[:2000])
        self.figures.append(figure)
        assert figure.ok, f"{name} = {value!r} misses its target ({target}){': ' + detail if detail else ''}"
        return figure

    def table(self) -> list[str]:
        """The figures as aligned text lines (name, value, target, ok)."""
        rows = [("figure", "value", "target", "")] + [
            (f.name, _short(f.value), f.target, "ok" if f.ok else "MISSED") for f in self.figures
        ]
        widths = [max(len(r[i]) for r in rows) for i in range(3)]
        return ["  ".join(r[i].ljust(widths[i]) for i in range(3)) + "  " + r[3] for r in rows]

    def write(self, path: Path = FIGURES_FILE) -> Path:
        """Write the figures as JSON (atomically)."""
        payload = {"written_at": datetime.now(UTC).isoformat(), "figures": [f.model_dump(mode="json") for f in self.figures]}
        tmp = path.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(payload, indent=2, default=str))
        os.replace(tmp, path)
        return path


def _short(value: Any) -> str:
    text = json.dumps(value, default=str) if not isinstance(value, str) else value
    return text if len(text) <= 60 else text[:57] + "..."
