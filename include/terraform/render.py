"""Render a capability's Jinja2 Terraform templates for one target into a working directory.

Templates live in `include/terraform/<capability>/<file>.<target>.tf.j2` and render to
`<file>.tf`; files shared by every capability (backend, providers) live in `_shared/`. Values
reach HCL only through the `hcl` filter (escaped, `terraform fmt` layout) — a plan can never
inject HCL. Rendering is deterministic: the same plan renders byte-identical files.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Literal

from jinja2 import Environment

from include.templating import template_environment
from include.terraform.hcl import HclExpr, hcl_body, hcl_key, hcl_string, hcl_value

log = logging.getLogger(__name__)

Target = Literal["sandbox", "azure"]
TARGETS: tuple[Target, ...] = ("sandbox", "azure")
TEMPLATES_ROOT = Path(__file__).resolve().parent
SHARED_DIR = TEMPLATES_ROOT / "_shared"


def template_dir(capability: str) -> Path:
    """Default template folder of a capability."""
    return TEMPLATES_ROOT / capability


def _environment(directory: Path) -> Environment:
    # HCL, not HTML: values are escaped by the hcl filters.
    return template_environment([directory, SHARED_DIR], keep_trailing_newline=True,
                                filters={"hcl": hcl_value, "hcl_body": hcl_body, "hcl_string": hcl_string, "hcl_key": hcl_key},
                                globals={"raw": HclExpr})


def template_files(directory: Path, target: Target) -> list[Path]:
    """The templates a capability has for `target` (its own, then the shared ones)."""
    own = sorted(directory.glob(f"*.{target}.tf.j2"))
    if not own:
        raise FileNotFoundError(f"no {target} templates (*.{target}.tf.j2) in {directory}")
    return [*sorted(SHARED_DIR.glob(f"*.{target}.tf.j2")), *own]


def render_capability(
    directory: Path, target: Target, context: dict[str, Any], out_dir: Path
) -> list[Path]:
    """Render every template of `directory` for `target` into `out_dir`; return the files written.

    Stale `*.tf` files from an earlier render are removed first so a dropped resource cannot
    linger in the configuration.
    """
    if target not in TARGETS:
        raise ValueError(f"unknown target {target!r}; use one of {', '.join(TARGETS)}")
    env = _environment(directory)
    out_dir.mkdir(parents=True, exist_ok=True)
    for old in out_dir.glob("*.tf"):
        old.unlink()
    written: list[Path] = []
    for path in template_files(directory, target):
        name = path.name.removesuffix(f".{target}.tf.j2") + ".tf"
        if (out_dir / name).exists():
            raise ValueError(f"template {path} would overwrite {name}; rename one of them")
        text = env.get_template(path.name).render(target=target, **context)
        (out_dir / name).write_text(text)
        written.append(out_dir / name)
    log.info("rendered %d %s file(s) into %s", len(written), target, out_dir)
    return written
