"""Check that a text cites only numbers present in the evidence it was written from.

Numbers are read from the text with their unit (`$1,234.50`, `45%`, `3.1x`, `$1.2k`); each must
equal a number of the evidence to the precision it is written with (`$1,028` matches 1027.63;
`$1,000` does not). A percentage may also be a fraction of the evidence times 100. Every digit
run inside evidence strings counts (ids, dates, window labels), so restating a date or an id
passes. List markers (`1.` at the start of a line) are not numbers.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel

from include.untrusted.regex import linear

_NUMBER = re.compile(
    r"(?<![\w.,])(?P<cur>\$\s?)?(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"(?P<suf>\s?%|x(?![\w])|×|\s?[kK](?![\w])|\s?M(?![\w]))?(?![\w])"
)
_LIST_MARKER = linear(r"(?m)^\s*\d{1,2}[.)]\s")
_DIGITS = re.compile(r"\d+(?:\.\d+)?")
ALWAYS_ALLOWED = (0.0, 1.0)


class Cited(BaseModel):
    """One number as written in a text."""

    text: str
    value: float
    decimals: int
    percent: bool = False


def cited_numbers(text: str) -> list[Cited]:
    """Every number written in `text`, with its unit applied (k → ×1000, M → ×1e6)."""
    text = _LIST_MARKER.sub(" ", text)
    out: list[Cited] = []
    for m in _NUMBER.finditer(text):
        raw = m.group("num").replace(",", "")
        suffix = (m.group("suf") or "").strip()
        scale = {"k": 1e3, "K": 1e3, "M": 1e6}.get(suffix, 1.0)
        decimals = len(raw.split(".", 1)[1]) if "." in raw else 0
        out.append(Cited(text=m.group(0).strip(), value=float(raw) * scale, decimals=decimals, percent=suffix == "%"))
    return out


class EvidenceNumbers:
    """The numbers an answer may cite."""

    def __init__(self, values: Iterable[float] = ()) -> None:
        self.values = sorted({round(float(v), 6) for v in values if isinstance(v, int | float) and math.isfinite(v)})

    @classmethod
    def from_evidence(cls, *items: Any) -> EvidenceNumbers:
        """Numbers of every value in the JSON-like items, and digit runs inside their strings."""
        found: list[float] = list(ALWAYS_ALLOWED)

        def walk(value: Any) -> None:
            if isinstance(value, bool) or value is None:
                return
            if isinstance(value, int | float):
                found.append(float(value))
            elif isinstance(value, str):
                found.extend(float(d) for d in _DIGITS.findall(value.replace(",", "")))
                found.extend(c.value for c in cited_numbers(value))
            elif isinstance(value, dict):
                for v in value.values():
                    walk(v)
            elif isinstance(value, list | tuple | set):
                for v in value:
                    walk(v)

        for item in items:
            walk(item)
        return cls(found)

    def supports(self, cited: Cited) -> bool:
        """Whether the evidence has this number at the precision it is written with."""
        scale = 1e3 if cited.text.rstrip().endswith(("k", "K")) else 1e6 if cited.text.rstrip().endswith("M") else 1.0
        tolerance = 0.5 * 10 ** (-cited.decimals) * scale + 1e-9
        candidates = [cited.value] + ([cited.value / 100] if cited.percent else [])
        return any(abs(v - c) <= tolerance * (1 if c == cited.value else 0.01) for c in candidates for v in self._near(c))

    def _near(self, target: float) -> list[float]:
        import bisect

        i = bisect.bisect_left(self.values, target)
        return self.values[max(0, i - 2): i + 2]

    def unsupported(self, text: str) -> list[str]:
        """The numbers in `text` the evidence does not have (as written), in order, without repeats."""
        return list(dict.fromkeys(c.text for c in cited_numbers(text) if not self.supports(c)))
