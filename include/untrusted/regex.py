"""Regular expressions over untrusted text, in time linear in the input.

Python's `re` backtracks: a pattern like `[a-z.]*password` takes quadratic time on a long run of
word characters, and one hostile or merely huge error text then holds a task for hours. RE2
(`google-re2`) guarantees linear time. Patterns that RE2 cannot express (look-around) fall back to
`re` only through `compile_rule`, for rule files whose authors are trusted; the adversarial sweep in
tests/include/untrusted proves every shipped pattern stays fast on 1 MB inputs.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Literal, Protocol

import re2

Engine = Literal["re2", "re"]


class Pattern(Protocol):
    """What LakePilot uses of a compiled pattern (`re.Pattern` and RE2's regexp both provide it)."""

    @property
    def pattern(self) -> str: ...

    def search(self, text: str) -> Any: ...

    def finditer(self, text: str) -> Any: ...

    def findall(self, text: str) -> list[Any]: ...

    def fullmatch(self, text: str) -> Any: ...

    def sub(self, repl: Any, text: str) -> str: ...


def _options() -> re2.Options:
    options = re2.Options()
    options.log_errors = False  # a rejected pattern is reported by the exception, not on stderr
    options.max_mem = 64 << 20  # room for wide alternations before RE2 falls back to its slower NFA
    return options


@lru_cache(maxsize=512)
def linear(pattern: str, *, ignore_case: bool = False, dot_all: bool = False) -> Pattern:
    """Compile `pattern` with RE2; raises `ValueError` naming the construct RE2 does not support."""
    flags = ("i" if ignore_case else "") + ("s" if dot_all else "")
    source = f"(?{flags}){pattern}" if flags else pattern
    try:
        # re2 is untyped; its compiled regexp has the methods Pattern names
        compiled: Pattern = re2.compile(source, _options())
        return compiled
    except re2.error as exc:
        raise ValueError(f"pattern is not linear-time (RE2 rejects it: {exc}): {pattern[:120]}") from exc


def compile_rule(pattern: str, *, ignore_case: bool = False) -> tuple[Pattern, Engine]:
    """RE2 when it can express `pattern`, otherwise Python's `re` (look-around in trusted rule files).

    The engine is returned so callers can report it; `re` must only be given patterns without
    nested or adjacent unbounded quantifiers (the adversarial sweep checks the shipped ones).
    """
    try:
        return linear(pattern, ignore_case=ignore_case), "re2"
    except ValueError:
        return re.compile(pattern, re.IGNORECASE if ignore_case else 0), "re"
