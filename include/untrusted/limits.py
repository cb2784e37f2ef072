"""Documented caps on untrusted text, and clipping that keeps both ends and says what it cut.

Every entry that takes text LakePilot did not write bounds it here (docs/untrusted-text.md lists
them). A long text keeps its head and its tail — a stack trace puts the exception first and the
root cause (`Caused by:`) last — with a marker between them that counts the characters cut, so a
clipped text is never mistaken for a whole one. Clipping a clipped text counts the original
characters: the marker of an earlier cut inside the part dropped adds its own count.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from include.untrusted.regex import linear

MIN_LIMIT = 80
# Where to cut: the last whitespace this close to the cut point, so no half token is left behind.
_WORD_SLACK = 64
_MARKER = linear(r"\n… \[([0-9,]{1,20}) characters cut\] …\n")


class TextLimit(BaseModel):
    """One documented cap: how many characters of which untrusted text are kept."""

    model_config = ConfigDict(frozen=True)

    name: str
    chars: int = Field(ge=MIN_LIMIT)
    what: str


ERROR_TEXT = TextLimit(
    name="error_text", chars=262_144,
    what="each error field of a failed run (message, trace, log tail, run message) and their union",
)
QUESTION = TextLimit(name="question", chars=4_000, what="a question to `ask` (CLI, chat, REST conf, UI ask box)")
PROVISIONING_REQUEST = TextLimit(
    name="provisioning_request", chars=8_000, what="one turn of a provisioning request (CLI, REST conf, answers file)"
)
DAG_CONF = TextLimit(name="dag_conf", chars=65_536, what="a DAG run's conf, serialised as JSON")
JSONL_LINE = TextLimit(
    name="jsonl_line", chars=4_194_304, what="one line of a JSONL input (`triage --jsonl`, `route --jsonl`); longer is refused"
)
EXCERPT = TextLimit(name="excerpt", chars=2_000, what="the error excerpt stored with a decision and shown in notices")
LIMITS: tuple[TextLimit, ...] = (ERROR_TEXT, QUESTION, PROVISIONING_REQUEST, DAG_CONF, JSONL_LINE, EXCERPT)


class Clipped(BaseModel):
    """A text bounded to a cap: what is kept, and how long the original was."""

    model_config = ConfigDict(frozen=True)

    text: str
    received: int = Field(ge=0, description="characters of the original text (earlier cuts included)")
    omitted: int = Field(ge=0, description="characters of the original text that are not in `text`")

    @property
    def cut(self) -> bool:
        return self.omitted > 0

    def note(self, what: str) -> str:
        """A one-line statement of the cut for outputs, e.g. 'the question was cut to 4,000 of 9,120 characters'."""
        return f"{what} was cut to {self.received - self.omitted:,} of {self.received:,} characters (head and tail kept)"


def marker(omitted: int) -> str:
    """The line that stands for `omitted` characters cut from the middle of a text."""
    return f"\n… [{omitted:,} characters cut] …\n"


def _markers(text: str) -> list[tuple[int, int, int]]:
    """(start, end, count) of every cut marker in `text`."""
    if "characters cut]" not in text:
        return []
    return [(m.start(), m.end(), int(m.group(1).replace(",", ""))) for m in _MARKER.finditer(text)]


def _stands_for(markers: list[tuple[int, int, int]], start: int, end: int) -> tuple[int, int]:
    """(marker characters, original characters they stand for) of the markers inside [start, end)."""
    inside = [(s, e, c) for s, e, c in markers if s >= start and e <= end]
    return sum(e - s for s, e, _ in inside), sum(c for _, _, c in inside)


def original_length(text: str) -> int:
    """Characters of the text before any cut whose marker it carries."""
    width, count = _stands_for(_markers(text), 0, len(text))
    return len(text) - width + count


def _cut_back(text: str, at: int) -> int:
    """`at`, moved back to just after the nearest whitespace within the slack (a whole-word head)."""
    window = text[max(0, at - _WORD_SLACK):at]
    for i in range(len(window) - 1, -1, -1):
        if window[i].isspace():
            return at - len(window) + i + 1
    return at


def _cut_forward(text: str, at: int) -> int:
    """`at`, moved forward to the nearest whitespace within the slack (a whole-word tail)."""
    window = text[at:at + _WORD_SLACK]
    for i, ch in enumerate(window):
        if ch.isspace():
            return at + i
    return at


def clip(text: str | None, limit: int | TextLimit, head_share: float = 2 / 3) -> Clipped:
    """`text` bounded to `limit` characters (marker included): head and tail kept, the cut counted."""
    chars = limit.chars if isinstance(limit, TextLimit) else int(limit)
    if chars < MIN_LIMIT:
        raise ValueError(f"a text limit must be at least {MIN_LIMIT} characters, not {chars}")
    text = text or ""
    markers = _markers(text)
    width, count = _stands_for(markers, 0, len(text))
    received = len(text) - width + count
    if len(text) <= chars:
        return Clipped(text=text, received=received, omitted=count)
    room = chars - len(marker(received))  # the widest marker this cut can need
    head_end = _cut_back(text, int(room * head_share))
    tail_start = _cut_forward(text, len(text) - (room - head_end))
    for s, e, _ in markers:  # an earlier marker straddling a cut point is dropped whole
        if s < head_end < e:
            head_end = s
        if s < tail_start < e:
            tail_start = e
    dropped_width, dropped_count = _stands_for(markers, head_end, tail_start)
    cut_here = (tail_start - head_end) - dropped_width + dropped_count
    clipped = text[:head_end] + marker(cut_here) + text[tail_start:]
    return Clipped(text=clipped, received=received, omitted=count - dropped_count + cut_here)


def bounded(text: str | None, limit: int | TextLimit) -> str:
    """Just the clipped text (for fields whose cut is shown by the marker itself)."""
    return clip(text, limit).text


def check_conf(conf: Any, what: str = "the run's conf") -> None:
    """Refuse a DAG run conf (or any JSON-like input) larger than `DAG_CONF`, naming its size."""
    try:
        size = len(json.dumps(conf, default=str))
    except (TypeError, ValueError, RecursionError) as exc:
        raise ValueError(f"{what} is not JSON-serialisable: {type(exc).__name__}") from None
    if size > DAG_CONF.chars:
        raise ValueError(f"{what} is {size:,} characters as JSON; the limit is {DAG_CONF.chars:,}")
