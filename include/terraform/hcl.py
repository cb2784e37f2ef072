"""Render Python values as HCL expressions laid out exactly as `terraform fmt` would.

Templates call this (the `hcl` filter) for every value that comes from a plan, so a value can
never break out of its string (quotes, `${` interpolation and `%{` directives are escaped) and
the rendered files pass `terraform fmt -check` without being rewritten.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
INDENT = "  "


class HclExpr(str):
    """A raw HCL expression (a reference such as `azurerm_resource_group.main.name`).

    Only template text creates these (the `raw` template global); values from a plan are always
    plain strings and are quoted and escaped.
    """


def hcl_string(value: str) -> str:
    """A quoted HCL string literal with template sequences escaped."""
    body = json.dumps(value, ensure_ascii=False)[1:-1]
    return '"' + body.replace("${", "$${").replace("%{", "%%{") + '"'


def hcl_key(key: str) -> str:
    """An object key: bare when it is an identifier, quoted otherwise."""
    return key if _IDENT.match(key) else hcl_string(key)


def _scalar(value: Any) -> str | None:
    if isinstance(value, HclExpr):
        return str(value)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value) if isinstance(value, float) else str(value)
    if isinstance(value, datetime | date):
        return hcl_string(value.isoformat())
    if isinstance(value, str):
        return hcl_string(value)
    return None


def _is_inline(value: Any) -> bool:
    """Scalars and lists of scalars stay on one line; objects and lists of objects do not."""
    if _scalar(value) is not None:
        return True
    if isinstance(value, Sequence) and not isinstance(value, str | bytes):
        return all(_scalar(v) is not None for v in value)
    return False


def hcl_value(value: Any, level: int = 0) -> str:
    """The HCL expression for `value`; nested lines are indented for nesting depth `level`.

    Objects put one attribute per line; consecutive one-line attributes get their `=` aligned
    (the `terraform fmt` rule), a multi-line attribute ends an alignment group.
    """
    scalar = _scalar(value)
    if scalar is not None:
        return scalar
    if isinstance(value, Mapping):
        if not value:
            return "{}"
        return "{\n" + hcl_body(value, level + 1) + INDENT * level + "}"
    if isinstance(value, Sequence) and not isinstance(value, str | bytes):
        if _is_inline(value):
            return "[" + ", ".join(hcl_value(v) for v in value) + "]"
        inner = INDENT * (level + 1)
        items = "".join(f"{inner}{hcl_value(v, level + 1)},\n" for v in value)
        return "[\n" + items + INDENT * level + "]"
    raise TypeError(f"cannot render {type(value).__name__} as HCL")


def hcl_body(attrs: Mapping[str, Any], level: int = 1) -> str:
    """Attribute lines (`key = value`) at nesting depth `level`, aligned like `terraform fmt`."""
    pad = INDENT * level
    lines: list[str] = []
    group: list[tuple[str, str]] = []

    def flush() -> None:
        width = max((len(k) for k, _ in group), default=0)
        lines.extend(f"{pad}{k.ljust(width)} = {v}\n" for k, v in group)
        group.clear()

    for key, value in attrs.items():
        rendered = hcl_value(value, level)
        if "\n" in rendered:
            flush()
            lines.append(f"{pad}{hcl_key(str(key))} = {rendered}\n")
        else:
            group.append((hcl_key(str(key)), rendered))
    flush()
    return "".join(lines)
