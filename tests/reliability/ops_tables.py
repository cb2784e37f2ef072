"""Every registered `lakepilot.ops` model, wherever it is registered.

`OPS_MODELS` only holds the models of modules already imported; the duplicate and canary proofs
must see all of them, so every module of the project that applies `@register_ops_model` is imported
first (found by reading the sources, so a new ops table is covered without touching this file).
"""

from __future__ import annotations

import importlib

from include.config import PROJECT_ROOT
from include.ops.models import OPS_MODELS, OpsRecord

PACKAGES = ("include", "agents")


def all_ops_models() -> dict[str, type[OpsRecord]]:
    for package in PACKAGES:
        for path in sorted((PROJECT_ROOT / package).rglob("*.py")):
            if "@register_ops_model" in path.read_text(encoding="utf-8"):
                module = ".".join(path.relative_to(PROJECT_ROOT).with_suffix("").parts)
                importlib.import_module(module)
    return dict(sorted(OPS_MODELS.items()))
