"""Turn the time expressions in a question into one `TimeWindow` (plus a comparison window).

    parse_time_window("why did costs spike last Tuesday?", now)       -> that Tuesday, 00:00-24:00 UTC
    parse_time_window("p95 this week vs last", now)                   -> this week so far, compared with
                                                                         the same span of last week
    parse_time_window("and the week before?", now, previous=window)   -> `window` moved back 7 days

Rules: "since X" runs from the start of X to now; "X to Y" / "between X and Y" spans both;
"X vs Y" compares X with Y, and an elliptical Y ("vs last", "vs the week before", "than
usual") is X moved back by one of its own periods, so a partial period is compared like for
like; "week over week" without another window is the last 7 days vs the 7 before.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime

from agents.orchestrator.router.models import TimeWindow
from agents.orchestrator.router.time_expressions import Atom, Shift, calendar_bounds, find_atoms, period_of
from include.clock import as_utc

_COMPARE = re.compile(r"\b(?:vs\b\.?|versus\b|compared\s+(?:to|with)\b|comparison\s+(?:to|with)\b|against\b|relative\s+to\b|than\b)")
_SINCE = re.compile(r"\b(?:since|after|starting(?:\s+from)?|from)\s+(?:the\s+start\s+of\s+)?$")
_RANGE_JOIN = re.compile(r"^\s*(?:to|until|till|through|thru|and|-|–|\.\.)\s*$")
_BETWEEN = re.compile(r"\b(?:from|between)\s+$")


def _window(atom: Atom) -> TimeWindow:
    return TimeWindow(start=atom.start, end=atom.end, granularity=atom.granularity, label=atom.label)


def shift_window(window: TimeWindow, delta: Shift | None = None, label: str | None = None) -> TimeWindow:
    """`window` moved back by `delta` (default: one of its own periods); the comparison is dropped."""
    step = delta if delta is not None else period_of(window.granularity, window.start, window.end)
    return TimeWindow(
        start=window.start - step,
        end=window.end - step,
        granularity=window.granularity,
        label=label or f"the period before {window.label}",
    )


def _comparison_label(primary: TimeWindow, other: Atom | None) -> str:
    if other is not None and other.kind == "relative":
        return other.label
    if primary.granularity in ("hour", "day", "week", "month", "quarter", "year"):
        return f"previous {primary.granularity}"
    seconds = int((primary.end - primary.start).total_seconds())
    if seconds > 2 * 86400 and seconds % 86400 == 0:
        return f"previous {seconds // 86400} days"
    if seconds and seconds % 3600 == 0:
        return f"previous {seconds // 3600} hours"
    return "previous period"


def _merge_since_and_ranges(text: str, atoms: list[Atom], now: datetime) -> list[Atom]:
    """Fold "since X" into [X, now) and "X to Y" / "between X and Y" into [X, Y)."""
    merged: list[Atom] = []
    i = 0
    while i < len(atoms):
        atom = atoms[i]
        before = text[merged[-1].span[1] if merged else 0 : atom.span[0]]
        nxt = atoms[i + 1] if i + 1 < len(atoms) else None
        join = text[atom.span[1] : nxt.span[0]] if nxt is not None else ""
        if (
            nxt is not None
            and atom.kind == nxt.kind == "absolute"
            and _RANGE_JOIN.match(join)
            and (join.strip() != "and" or _BETWEEN.search(before))
        ):
            label = f"{atom.label} to {nxt.label}"
            merged.append(Atom(atom.start, max(atom.end, nxt.end), "custom", label, (atom.span[0], nxt.span[1])))
            i += 2
            continue
        if atom.kind == "absolute" and _SINCE.search(before):
            merged.append(replace(atom, end=now, granularity="custom", label=f"since {atom.label}"))
        else:
            merged.append(atom)
        i += 1
    return merged


def _comparison(primary: TimeWindow, other: Atom | None) -> TimeWindow:
    if other is None or other.kind == "ellipsis":
        return shift_window(primary, label=_comparison_label(primary, other))
    if other.kind == "relative":
        return shift_window(primary, other.shift, label=_comparison_label(primary, other))
    return _window(other)


def parse_time_window(text: str, now: datetime, previous: TimeWindow | None = None) -> TimeWindow | None:
    """The window a question asks about, relative to `now` (UTC), or None if it names none.

    Args:
        text: the user's question.
        now: the reference instant (naive means UTC).
        previous: the window of the previous turn, used when the question only says
            "the week before" / "before that".
    """
    now = as_utc(now)
    lowered = text.lower()
    atoms = _merge_since_and_ranges(lowered, find_atoms(text, now), now)
    if not atoms:
        return None
    compare = _COMPARE.search(lowered)
    cut = compare.start() if compare else len(lowered)
    absolute = [a for a in atoms if a.kind == "absolute"]
    over = next((a for a in atoms if a.kind == "over"), None)
    before_cut = [a for a in absolute if a.span[0] < cut]
    after_cut = [a for a in atoms if a.span[0] >= cut and a.kind != "over"]

    if before_cut:
        primary = _window(before_cut[0])
    elif compare and len(absolute) >= 2:
        # "compared to last week, is this week worse?": the first window named is the baseline.
        return _window(absolute[1]).model_copy(update={"comparison": _window(absolute[0])})
    elif over is not None:
        primary = _window(over)
    elif compare and absolute:
        # "slower than last week": only the baseline is named; the question is about the time since it ended
        # (this week so far), or, when nothing has passed since, the same length of time up to now.
        baseline = _window(absolute[0])
        start = baseline.end if baseline.end < now else now - (baseline.end - baseline.start)
        so_far = {"day": "today so far", "week": "this week so far", "month": "this month so far"}
        label = so_far.get(baseline.granularity, "the time since") if baseline.end < now else "the same length of time up to now"
        current = TimeWindow(start=start, end=now, granularity=baseline.granularity, label=label)
        return current.model_copy(update={"comparison": baseline})
    elif absolute:
        return _window(absolute[0])
    else:
        relative = atoms[0]
        if previous is not None:
            return shift_window(previous, relative.shift, label=relative.label)
        if relative.kind == "relative":
            # "the week before" with nothing to be before: the previous calendar period.
            start, end = calendar_bounds(relative.granularity, 1, now)
            return TimeWindow(start=start, end=end, granularity=relative.granularity, label=relative.label)
        return None

    if over is not None:
        comparison = shift_window(primary, over.shift, label=_comparison_label(primary, None))
        return primary.model_copy(update={"comparison": comparison})
    if compare:
        other = next((a for a in after_cut if a.kind in ("absolute", "relative", "ellipsis")), None)
        if other is not None:
            return primary.model_copy(update={"comparison": _comparison(primary, other)})
    return primary
