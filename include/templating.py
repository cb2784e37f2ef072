"""The one way LakePilot builds a Jinja2 environment (prompts, reports, notices, SQL, Terraform, UI pages).

Always `StrictUndefined`: a template that names a value nobody passed fails loudly instead of
rendering an empty string into a prompt, a report or a Terraform file. Escaping follows what the
output is:

- `text` (prompts, answers, Markdown, SQL, HCL): never escaped — SQL takes bound parameters, HCL
  has its own escaping filters, prompts are plain text;
- `html`: every template escaped (the UI pages);
- `mixed`: `*.html.j2` escaped, other templates (the plain-text part of the same mail) not.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, select_autoescape

Output = Literal["text", "html", "mixed"]


def template_environment(
    folders: str | Path | Sequence[str | Path],
    output: Output = "text",
    *,
    trim_blocks: bool = True,
    keep_trailing_newline: bool = False,
    filters: Mapping[str, Callable[..., Any]] | None = None,
    globals: Mapping[str, Any] | None = None,  # noqa: A002 - Jinja's own name
) -> Environment:
    """An environment over `folders` (searched in order), strict about undefined names."""
    paths = [folders] if isinstance(folders, str | Path) else list(folders)
    loader = ChoiceLoader([FileSystemLoader(str(p)) for p in paths]) if len(paths) > 1 else FileSystemLoader(str(paths[0]))
    if output == "html":
        autoescape: Any = True
    elif output == "mixed":
        autoescape = select_autoescape(enabled_extensions=("html.j2",), default_for_string=False)
    else:
        autoescape = False
    env = Environment(
        loader=loader,
        undefined=StrictUndefined,
        autoescape=autoescape,  # noqa: S701 - chosen by `output` above
        trim_blocks=trim_blocks,
        lstrip_blocks=trim_blocks,
        keep_trailing_newline=keep_trailing_newline,
    )
    env.filters.update(filters or {})
    env.globals.update(globals or {})
    return env
