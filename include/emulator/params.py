"""Request parameters as Databricks accepts them: query string or JSON body, loosely typed.

The sync hook sends GET parameters in the query string (bools as `True`/`False`, ints as
strings); the async hook sends them as a JSON body; operators stringify numbers in POST bodies.
Every getter names the field in its error.
"""

from __future__ import annotations

import builtins
from collections.abc import Mapping
from typing import Any

from include.emulator.errors import invalid

_TRUE = {"true", "1", "yes"}
_FALSE = {"false", "0", "no", ""}


class Params:
    """Typed access to one request's parameters.

    The getters are named after the types they return, so the signatures after them spell the
    types as `builtins.*`.
    """

    def __init__(self, values: Mapping[str, Any]) -> None:
        self.values = dict(values)

    def __contains__(self, name: str) -> bool:
        return name in self.values and self.values[name] is not None

    def raw(self, name: str, default: Any = None) -> Any:
        value = self.values.get(name)
        return default if value is None else value

    def int(self, name: str, default: int | None = None, *, required: bool = False) -> int | None:
        value = self.values.get(name)
        if value is None or value == "":
            if required:
                raise invalid(f"Missing required field: {name}")
            return default
        return to_int(name, value)

    def req_int(self, name: builtins.str) -> builtins.int:
        value = self.int(name, required=True)
        assert value is not None
        return value

    def bool(self, name: builtins.str, default: builtins.bool = False) -> builtins.bool:
        value = self.values.get(name)
        if value is None:
            return default
        if isinstance(value, bool):
            return value
        if isinstance(value, int):
            return value != 0
        if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
            return value.strip().lower() in _TRUE
        raise invalid(f"Invalid value for {name}: {value!r} is not a boolean")

    def str(self, name: builtins.str, default: builtins.str | None = None, *, required: builtins.bool = False) -> builtins.str | None:
        value = self.values.get(name)
        if value is None or value == "":
            if required:
                raise invalid(f"Missing required field: {name}")
            return default
        if isinstance(value, (dict, list)):
            raise invalid(f"Invalid value for {name}: expected a string")
        return str(value)

    def dict(self, name: builtins.str, *, required: builtins.bool = False) -> builtins.dict[builtins.str, Any] | None:
        value = self.values.get(name)
        if value is None:
            if required:
                raise invalid(f"Missing required field: {name}")
            return None
        if not isinstance(value, dict):
            raise invalid(f"Invalid value for {name}: expected an object")
        return value

    def list(self, name: builtins.str) -> builtins.list[Any] | None:
        value = self.values.get(name)
        if value is None:
            return None
        if not isinstance(value, list):
            raise invalid(f"Invalid value for {name}: expected an array")
        return value


INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


def to_int(name: str, value: Any) -> int:
    """An int64 from an int or a numeric string (`"123"`); bools, fractions and overflows are refused."""
    number: int | None = None
    if isinstance(value, bool):
        number = None
    elif isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str) and value.strip().lstrip("-").isdigit() and len(value.strip()) < 40:
        number = int(value.strip())
    if number is None:
        raise invalid(f"Invalid value for {name}: {str(value)[:80]!r} is not an integer")
    if not INT64_MIN <= number <= INT64_MAX:
        raise invalid(f"Invalid value for {name}: {number} is out of range for a 64-bit integer")
    return number


def string_map(name: str, value: Any) -> dict[str, str]:
    """A `{str: str}` parameter map (job_parameters, notebook_params); values are stringified."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise invalid(f"Invalid value for {name}: expected an object of name -> value")
    out: dict[str, str] = {}
    for key, item in value.items():
        if isinstance(item, (dict, list)):
            raise invalid(f"Invalid value for {name}.{key}: expected a string")
        out[str(key)] = "" if item is None else (str(item).lower() if isinstance(item, bool) else str(item))
    return out
