"""The capability registry: the allow-list of what LakePilot can provision.

Capabilities register with `@register_capability`; `get_registry()` imports every module of
`include.provisioning.capabilities` (and any installed `lakepilot.capabilities` entry point) once,
so adding a capability is adding a module. Imports stay light (pydantic only) because the DAG
builds its task groups from the registry at parse time.
"""

from __future__ import annotations

import importlib
import logging
import pkgutil
from collections.abc import Iterable
from importlib.metadata import entry_points

from include.provisioning.capability import Capability

log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "lakepilot.capabilities"


class UnknownCapabilityError(KeyError):
    """A name that is not a registered capability."""

    def __str__(self) -> str:  # KeyError quotes its message; this one reads as a sentence
        return str(self.args[0])


class CapabilityRegistry:
    """Registered capabilities by name, in registration order."""

    def __init__(self) -> None:
        self._caps: dict[str, Capability] = {}

    def register(self, cls: type[Capability]) -> type[Capability]:
        name = getattr(cls, "name", None)
        if not name or not name.isidentifier():
            raise ValueError(f"{cls.__name__} needs a `name` that is an identifier")
        if name in self._caps and type(self._caps[name]) is not cls:
            raise ValueError(f"capability {name!r} is registered twice ({cls.__name__})")
        self._caps[name] = cls()
        return cls

    def names(self) -> list[str]:
        return list(self._caps)

    def get(self, name: str) -> Capability:
        try:
            return self._caps[name]
        except KeyError:
            raise UnknownCapabilityError(
                f"unknown capability {name!r}; LakePilot can provision: {', '.join(self._caps) or 'nothing'}"
            ) from None

    def __contains__(self, name: object) -> bool:
        return name in self._caps

    def order(self, names: Iterable[str] | None = None) -> list[str]:
        """`names` (default: all) in dependency order; dependencies outside `names` are ignored."""
        wanted = list(dict.fromkeys(self._caps if names is None else names))
        for name in wanted:
            self.get(name)
        chosen = set(wanted)
        done: list[str] = []
        visiting: set[str] = set()

        def visit(name: str, path: tuple[str, ...]) -> None:
            if name in done:
                return
            if name in visiting:
                raise ValueError(f"capability dependency cycle: {' -> '.join((*path, name))}")
            visiting.add(name)
            for dep in self.get(name).depends_on:
                if dep not in self._caps:
                    raise ValueError(f"capability {name!r} depends on unknown {dep!r}")
                if dep in chosen:
                    visit(dep, (*path, name))
            visiting.discard(name)
            done.append(name)

        for name in sorted(wanted, key=list(self._caps).index):
            visit(name, ())
        return done

    def match_keywords(self, text: str) -> list[str]:
        """Capabilities whose keywords occur in `text` (lower-cased, word-bounded)."""
        import re

        lowered = text.lower()
        return [
            name for name, cap in self._caps.items()
            if any(re.search(rf"(?<![a-z0-9]){re.escape(k)}(?![a-z0-9])", lowered) for k in cap.keywords)
        ]


_REGISTRY = CapabilityRegistry()
_discovered = False


def register_capability(cls: type[Capability]) -> type[Capability]:
    """Class decorator: add a capability to the registry."""
    return _REGISTRY.register(cls)


def get_registry() -> CapabilityRegistry:
    """The registry with every shipped and installed capability loaded."""
    global _discovered
    if not _discovered:
        _discovered = True
        package = importlib.import_module("include.provisioning.capabilities")
        for info in pkgutil.iter_modules(package.__path__):
            if not info.name.startswith("_"):
                importlib.import_module(f"{package.__name__}.{info.name}")
        for ep in entry_points(group=ENTRY_POINT_GROUP):
            try:
                ep.load()
            except Exception:  # a broken plugin must not hide the shipped capabilities
                log.exception("capability plugin %s failed to load", ep.name)
    return _REGISTRY
