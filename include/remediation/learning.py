"""Learned rules: failures no rule knew, whose LLM verdict kept proving right, become pattern rules.

A decision *confirms* the LLM when it was made without any rule matching (`rule_ids` empty), the
LLM named a category, and either someone gave feedback `correct` on it or (no feedback) the
repair it started succeeded. Feedback `wrong`, or a failed repair, *contradicts* it. When a
fingerprint has at least `threshold` confirmations and no contradiction, a rule is written to
`lakepilot.ops.remediation_learned_rules` with its provenance (decisions, models, counts); from
then on the pattern engine matches the failure itself (`effective_rules`), with no LLM needed.
A learned rule whose own decisions are later contradicted is retired (kept, `active=false`).

The rule's regex comes from the first line of the stored (redacted) error excerpt: literal text
escaped, variable tokens (numbers, ids, quoted names, paths) widened to `.+?`. It must match the
excerpts it was learned from and keep at least `MIN_LITERAL_LETTERS` letters of literal text, so a
learned rule cannot become a catch-all.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from datetime import datetime
from typing import TYPE_CHECKING

from pydantic import BaseModel, Field

from include.clock import utcnow
from include.ops.models import OpsRecord, RemediationDecision, register_ops_model
from include.remediation.patterns import Rule, RuleSet, load_rules
from include.untrusted.regex import compile_rule

if TYPE_CHECKING:
    from include.ops.store import OpsStore

DEFAULT_THRESHOLD = 3
LEARNED_CONFIDENCE = 0.85
MIN_LITERAL_LETTERS = 24
PATTERN_CHARS = 200
RULE_PREFIX = "learned-"
_VARIABLE = re.compile(
    r"`[^`\n]*`|'[^'\n]*'|\"[^\"\n]*\"|\b[a-z][a-z0-9+.-]{0,20}://\S+|(?:/[\w.@%+=~-]+){2,}/?"
    r"|\b[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}\b|\b0x[0-9a-f]+\b|\b(?=[0-9a-f]{0,64}\d)[0-9a-f]{8,}\b"
    r"|\d+(?:\.\d+)?",
    re.I,
)
_FRAME = re.compile(r"^[ \t]*(at |\.\.\. \d+ more|File \"[^\n]*\", line|Caused by:[ \t]*$)")


@register_ops_model
class LearnedRule(OpsRecord):
    """A triage rule learned from confirmed LLM verdicts, with where it came from."""

    __table__ = "remediation_learned_rules"
    __key__ = ("rule_id",)

    rule_id: str
    fingerprint: str
    category: str
    kind: str = "unknown"
    pattern: str
    confidence: float = LEARNED_CONFIDENCE
    active: bool = True
    threshold: int = DEFAULT_THRESHOLD
    confirmations: int = 0
    contradictions: int = 0
    decision_ids: list[str] = Field(default_factory=list)
    llm_models: list[str] = Field(default_factory=list)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    note: str = ""


class LearningReport(BaseModel):
    """What one learning pass saw and changed."""

    candidates: int = 0
    promoted: list[str] = Field(default_factory=list)
    retired: list[str] = Field(default_factory=list)
    waiting: dict[str, str] = Field(default_factory=dict)  # fingerprint -> why not (yet)


def decision_was_right(d: RemediationDecision) -> bool | None:
    """Feedback first; else a finished repair's result; else unknown."""
    if d.feedback in ("correct", "wrong"):
        return d.feedback == "correct"
    if d.outcome == "succeeded":
        return True
    if d.outcome == "failed":
        return False
    return None


def llm_was_right(d: RemediationDecision) -> bool | None:
    """Whether the LLM's category proved right on a decision no rule matched."""
    if d.rule_ids or not d.llm_category:
        return None
    right = decision_was_right(d)
    if right is None:
        return None
    return right if d.llm_category == d.category else (False if right else None)


def learned_pattern(text: str) -> str | None:
    """A regex for the first meaningful line of `text`, or None when it would be too generic."""
    line = next((ln.strip() for ln in text.splitlines() if ln.strip() and not _FRAME.match(ln)), "")
    line = line[:PATTERN_CHARS]
    parts: list[str] = []
    literal = 0
    last = 0
    for match in _VARIABLE.finditer(line):
        chunk = line[last : match.start()]
        literal += sum(c.isalpha() for c in chunk)
        parts.append(re.escape(chunk))
        parts.append(".+?")
        last = match.end()
    tail = line[last:]
    literal += sum(c.isalpha() for c in tail)
    parts.append(re.escape(tail))
    pattern = re.sub(r"(\\ )+", r"\\s+", "".join(parts)).strip()
    if literal < MIN_LITERAL_LETTERS or not compile_rule(pattern, ignore_case=True)[0].search(text):
        return None
    return pattern


def _rule_id(fingerprint: str) -> str:
    return f"{RULE_PREFIX}{fingerprint[:24]}"


def learn_rules(store: OpsStore, now: datetime, threshold: int = DEFAULT_THRESHOLD) -> LearningReport:
    """Promote confirmed LLM verdicts to rules and retire contradicted learned rules (see module doc)."""
    decisions = [d for d in store.read(RemediationDecision)]
    existing = {r.rule_id: r for r in store.read(LearnedRule)}
    report = LearningReport()
    changed: list[LearnedRule] = []
    for rule in existing.values():
        if not rule.active:
            continue
        own = [d for d in decisions if rule.rule_id in d.rule_ids]
        against = [d for d in own if decision_was_right(d) is False]
        if against:
            changed.append(rule.model_copy(update={
                "active": False, "contradictions": rule.contradictions + len(against), "updated_at": now,
                "note": f"retired: contradicted by {', '.join(d.decision_id for d in against[:5])}",
            }))
            report.retired.append(rule.rule_id)
    groups: dict[str, list[RemediationDecision]] = defaultdict(list)
    for d in decisions:
        if llm_was_right(d) is not None:
            groups[d.fingerprint].append(d)
    report.candidates = len(groups)
    for fingerprint, group in sorted(groups.items()):
        rule_id = _rule_id(fingerprint)
        if rule_id in existing:
            continue
        good = [d for d in group if llm_was_right(d)]
        bad = [d for d in group if llm_was_right(d) is False]
        categories = {(d.llm_category, d.kind or "unknown") for d in good}
        if bad:
            report.waiting[fingerprint] = f"{len(bad)} contradiction(s)"
            continue
        if len(good) < threshold:
            report.waiting[fingerprint] = f"{len(good)} of {threshold} confirmations"
            continue
        if len(categories) != 1:
            report.waiting[fingerprint] = "confirmed with different categories"
            continue
        pattern = next((p for d in sorted(good, key=lambda x: x.decided_at, reverse=True)
                        if (p := learned_pattern(d.error_excerpt))), None)
        if pattern is None or not all(compile_rule(pattern, ignore_case=True)[0].search(d.error_excerpt) for d in good):
            report.waiting[fingerprint] = "no specific enough pattern in the error text"
            continue
        category, kind = next(iter(categories))
        kind = kind if re.fullmatch(r"[a-z_]{2,32}", kind) else "unknown"
        changed.append(LearnedRule(
            rule_id=rule_id, fingerprint=fingerprint, category=str(category), kind=kind, pattern=pattern,
            threshold=threshold, confirmations=len(good), decision_ids=[d.decision_id for d in good][:50],
            llm_models=sorted({d.llm_model for d in good if d.llm_model}), created_at=now, updated_at=now,
            note=f"learned from {len(good)} confirmed LLM verdicts",
        ))
        report.promoted.append(rule_id)
    if changed:
        store.upsert(changed)
    return report


def effective_rules(store: OpsStore, base: RuleSet | None = None) -> RuleSet:
    """The packaged rules plus the active learned ones (the rules version changes with them)."""
    base = base or load_rules()
    learned = sorted((r for r in store.read(LearnedRule) if r.active), key=lambda r: r.rule_id)
    if not learned:
        return base
    extra = [
        Rule(id=r.rule_id, category=r.category, kind=r.kind, pattern=r.pattern,
             confidence=r.confidence, notes=f"{r.note}; decisions {', '.join(r.decision_ids[:5])}")
        for r in learned
    ]
    digest = hashlib.sha256((base.digest + "".join(r.rule_id + r.pattern for r in learned)).encode()).hexdigest()
    return RuleSet(version=base.version, rules=[*base.rules, *extra], digest=digest)
