"""Find a domain's agent module by domain name (an allow-list: the six domains only)."""

from __future__ import annotations

import importlib
from types import ModuleType

from include.ops.models import DOMAINS


def agent_module(domain: str) -> ModuleType:
    """`agents.<domain>.agent`; raise ValueError for anything that is not one of the six domains."""
    if domain not in DOMAINS:
        raise ValueError(f"unknown domain {domain!r}; use one of: {', '.join(DOMAINS)}")
    return importlib.import_module(f"agents.{domain}.agent")


def tools_module(domain: str) -> ModuleType:
    """`agents.<domain>.tools` (same allow-list)."""
    if domain not in DOMAINS:
        raise ValueError(f"unknown domain {domain!r}; use one of: {', '.join(DOMAINS)}")
    return importlib.import_module(f"agents.{domain}.tools")
