"""Jinja2 environments for agent prompts and deterministic texts (StrictUndefined, no autoescape).

A domain's own folder is searched first, then `agents/common/<kind>/`, so a domain can
override any shared template by giving a file the same name.
"""

from __future__ import annotations

import functools
from pathlib import Path

from jinja2 import Environment

from include.formatting import number
from include.formatting import pct as pct  # re-exported: agent modules format with these
from include.formatting import usd as usd
from include.templating import template_environment

COMMON = Path(__file__).resolve().parent
AGENTS_ROOT = COMMON.parent


num = number


def ratio(observed: float | None, baseline: float | None) -> float | None:
    """observed / baseline, or None when either is unknown or the baseline is zero."""
    if observed is None or baseline in (None, 0):
        return None
    return observed / baseline


@functools.cache
def environment(domain: str, kind: str) -> Environment:
    """The environment for `kind` ('prompts' or 'templates') of one domain."""
    return template_environment([AGENTS_ROOT / domain / kind, COMMON / kind],
                                filters={"usd": usd, "num": num, "pct": pct},
                                globals={"usd": usd, "num": num, "pct": pct, "ratio": ratio})
