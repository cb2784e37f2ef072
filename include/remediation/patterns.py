"""The pattern engine: classify a failure from its error text and termination code.

Rules are data (`data/triage_rules.yaml`, or any file of the same shape passed in); this module
only loads, validates and applies them. Deterministic and fast: it is the path that always runs.
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator

from include.remediation.models import Category, FailureContext, PatternMatch, PatternTriage, RuleField
from include.untrusted.redaction import redact
from include.untrusted.regex import Pattern, compile_rule

DEFAULT_RULES = Path(__file__).resolve().parent / "data" / "triage_rules.yaml"
NO_MATCH_CONFIDENCE = 0.3
# A runner-up of another category this close to the best match makes the text ambiguous.
AMBIGUITY_MARGIN = 0.05
AMBIGUITY_PENALTY = 0.1
# Error output can be megabytes; signatures sit near the start (exception) and end (root cause).
SCAN_HEAD = 200_000
SCAN_TAIL = 50_000


class Rule(BaseModel):
    """One triage rule as written in the rules file."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]{1,63}$")
    category: Category
    kind: str = Field(pattern=r"^[a-z_]{2,32}$")
    field: RuleField = "error"
    pattern: str
    confidence: float = Field(gt=0.0, le=1.0)
    ignore_case: bool = True
    notes: str = ""

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, value: str) -> str:
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"pattern does not compile: {exc}") from exc
        return value

    def compiled(self) -> Pattern:
        """RE2 (linear time) when it can express the pattern; `re` for look-around (trusted rule files)."""
        return compile_rule(self.pattern, ignore_case=self.ignore_case)[0]


class RuleSet(BaseModel):
    """A validated, compiled rules file."""

    model_config = ConfigDict(extra="forbid")

    version: int
    rules: list[Rule]
    digest: str = ""
    _compiled: list[tuple[Rule, Pattern]] = PrivateAttr(default_factory=list)

    def model_post_init(self, _context: object) -> None:
        ids = [r.id for r in self.rules]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"duplicate rule ids: {', '.join(dupes)}")
        self._compiled = [(rule, rule.compiled()) for rule in self.rules]

    def compiled_rules(self) -> list[tuple[Rule, Pattern]]:
        return self._compiled

    @property
    def label(self) -> str:
        return f"v{self.version}:{self.digest[:10]}"


def load_rules(path: str | Path | None = None) -> RuleSet:
    """Load and validate a rules file (the packaged one by default); errors name the bad rule."""
    source = Path(path) if path else DEFAULT_RULES
    return _load_cached(str(source.resolve()), source.stat().st_mtime_ns)


@lru_cache(maxsize=8)
def _load_cached(path: str, _mtime: int) -> RuleSet:
    raw = Path(path).read_bytes()
    data = yaml.safe_load(raw)
    if not isinstance(data, dict) or "rules" not in data:
        raise ValueError(f"{path}: a rules file is a mapping with 'version' and 'rules'")
    for i, rule in enumerate(data["rules"]):
        try:
            Rule.model_validate(rule)
        except ValueError as exc:
            name = rule.get("id", f"#{i}") if isinstance(rule, dict) else f"#{i}"
            raise ValueError(f"{path}: rule {name}: {exc}") from exc
    return RuleSet(
        version=data.get("version", 1), rules=data["rules"], digest=hashlib.sha256(raw).hexdigest()
    )


def _scan_window(text: str) -> str:
    if len(text) <= SCAN_HEAD + SCAN_TAIL:
        return text
    return text[:SCAN_HEAD] + "\n" + text[-SCAN_TAIL:]


def classify_text(
    error: str,
    termination_code: str | None = None,
    result_state: str | None = None,
    rules: RuleSet | None = None,
) -> PatternTriage:
    """Classify raw error text (plus optional Jobs API codes) with the rules."""
    ruleset = rules or load_rules()
    fields: dict[str, str] = {
        "error": _scan_window(error or ""),
        "termination_code": (termination_code or "").strip().upper(),
        "result_state": (result_state or "").strip().upper(),
    }
    matches: list[PatternMatch] = []
    for rule, regex in ruleset.compiled_rules():
        value = fields[rule.field]
        if not value:
            continue
        found = regex.search(value)
        if found:
            matches.append(
                PatternMatch(
                    rule_id=rule.id,
                    category=rule.category,
                    kind=rule.kind,
                    confidence=rule.confidence,
                    field=rule.field,
                    matched=redact(found.group(0))[:160],
                )
            )
    if not matches:
        return PatternTriage(
            category="other",
            kind="unknown",
            confidence=NO_MATCH_CONFIDENCE,
            matches=[],
            rules_version=ruleset.label,
        )
    # Stable sort: equal confidences keep file order, so earlier rules take precedence.
    ranked = sorted(matches, key=lambda m: -m.confidence)
    best = ranked[0]
    confidence = best.confidence
    rival = next((m for m in ranked[1:] if m.category != best.category), None)
    if rival is not None and rival.confidence >= best.confidence - AMBIGUITY_MARGIN:
        confidence = max(0.05, confidence - AMBIGUITY_PENALTY)
    return PatternTriage(
        category=best.category,
        kind=best.kind,
        confidence=round(confidence, 4),
        matches=ranked,
        rules_version=ruleset.label,
    )


def classify_failure(failure: FailureContext, rules: RuleSet | None = None) -> PatternTriage:
    """Classify a failed run attempt from all its error text and its termination code."""
    return classify_text(failure.error_text(), failure.termination_code, failure.result_state, rules)
