"""Every regular expression of the product against adversarial inputs; run as a child process.

    python -m tests.include.untrusted.regex_sweep [--size BYTES] [--json]

Finds each compiled pattern held by a production module (module globals, and lists, tuples and
dicts of them one level down) plus every triage rule, and times `search` and `sub` over inputs
built to make backtracking engines explode: long word runs, repeated separators and
almost-matches of secrets, URLs, paths and numbers. Prints one line per pattern *before* timing
it, so when the parent's timeout fires the last line names the culprit.
"""

from __future__ import annotations

import argparse
import importlib
import json
import pkgutil
import re
import sys
import time
from collections.abc import Iterator
from typing import Any

PACKAGES = ("include", "agents", "cli")
SKIP_PACKAGES = ("include.simulator",)  # writes test data; never reads untrusted text


def adversarial(size: int) -> dict[str, str]:
    """Inputs of about `size` characters that defeat naive patterns."""
    def fill(unit: str) -> str:
        return (unit * (size // len(unit) + 1))[:size]

    return {
        "word_run": fill("a"),
        "dotted_words": fill("a."),
        "dashed_words": fill("a-"),
        "spaces": fill(" "),
        "equals": fill("="),
        "colons": fill(":"),
        "slashes": fill("/a"),
        "digits": fill("1"),
        "dotted_digits": fill("1."),
        "quotes": fill('"'),
        "backticks": fill("`a"),
        "newlines": fill("\n"),
        "frames": fill("\tat a.b(C.java:1)\n"),
        "secret_words": fill("password token secret key "),
        "almost_pairs": fill("x_password:"),
        "almost_tokens": fill("dapi0123456789abcdef0 "),
        "almost_urls": fill("https://user:pa"),
        "almost_jwts": fill("eyJaaaaaaaaa.bbbbbbbbb "),
        "almost_keys": fill("-----BEGIN RSA PRIVATE KEY-----"),
        "almost_emails": fill("a.b.c.d@"),
        "almost_ips": fill("1.2.3."),
        "mixed": fill("Caused by: java.lang.OutOfMemoryError: `x` 12:00:00 /a/b ab12cd34ef "),
    }


def _patterns_in(value: Any) -> Iterator[Any]:
    if isinstance(value, re.Pattern) or type(value).__name__ == "_Regexp":
        yield value
    elif isinstance(value, list | tuple):
        for item in value:
            if isinstance(item, re.Pattern) or type(item).__name__ == "_Regexp":
                yield item
            elif isinstance(item, tuple):
                yield from (p for p in item if isinstance(p, re.Pattern) or type(p).__name__ == "_Regexp")
    elif isinstance(value, dict):
        for item in value.values():
            if isinstance(item, re.Pattern) or type(item).__name__ == "_Regexp":
                yield item


def product_patterns() -> dict[str, Any]:
    """name -> compiled pattern, for every pattern a production module holds, and the triage rules."""
    found: dict[str, Any] = {}
    for package in PACKAGES:
        root = importlib.import_module(package)
        for info in pkgutil.walk_packages(root.__path__, prefix=f"{package}."):
            if info.name.startswith(SKIP_PACKAGES):
                continue
            try:
                module = importlib.import_module(info.name)
            except Exception:  # noqa: BLE001, S112 - optional parts (e.g. Airflow-only) are skipped
                continue
            for attr, value in vars(module).items():
                for i, pattern in enumerate(_patterns_in(value)):
                    if getattr(pattern, "__module__", "") and id(pattern) not in {id(p) for p in found.values()}:
                        found[f"{info.name}.{attr}[{i}]"] = pattern
    from include.remediation.patterns import load_rules

    for rule, pattern in load_rules().compiled_rules():
        found[f"triage_rule:{rule.id}"] = pattern
    return found


def sweep(size: int, only: str | None = None) -> Iterator[dict[str, Any]]:
    inputs = adversarial(size)
    for name, pattern in sorted(product_patterns().items()):
        if only and only not in name:
            continue
        print(f"# {name}", file=sys.stderr, flush=True)
        worst, worst_input = 0.0, ""
        for label, text in inputs.items():
            start = time.perf_counter()
            pattern.search(text)
            pattern.sub("", text)
            elapsed = time.perf_counter() - start
            if elapsed > worst:
                worst, worst_input = elapsed, label
        yield {"pattern": name, "engine": "re2" if type(pattern).__name__ == "_Regexp" else "re",
               "worst_s": round(worst, 4), "worst_input": worst_input}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--only")
    args = parser.parse_args(argv)
    for row in sweep(args.size, args.only):
        print(json.dumps(row), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
