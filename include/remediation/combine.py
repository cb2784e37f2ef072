"""Combine the pattern verdict with the LLM's opinion into one classification.

Invariants (tested): the LLM can only pick among the closed categories/actions; it can refine a
remedy (RETRY vs RETRY_WITH_NEW_PARAMS) or make it more cautious (tell a human), but it can never
turn "tell a human" into "start a run", and an LLM-only classification starts no run unless the
policy opts in (`llm_alone_can_act`). A confident pattern beats a disagreeing LLM (with lowered
confidence); when neither is confident and they disagree, a human decides (ESCALATE).
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from include.remediation.models import RUN_STARTING, Action, Category, DecidedBy, TriageResult
from include.remediation.policy import RemediationPolicy


class Verdict(BaseModel):
    """The classification the decision engine acts on."""

    category: Category
    kind: str
    confidence: float = Field(ge=0.0, le=1.0)
    decided_by: DecidedBy
    action: Action
    llm_params: dict[str, object] = Field(default_factory=dict)
    may_start_runs: bool = True
    note: str = ""


def _llm_refinement(remedy: Action, suggested: Action, allowed: list[Action]) -> Action:
    """The LLM's action where it may replace the deterministic remedy, else the remedy."""
    if suggested not in allowed or suggested == "IGNORE":
        return remedy
    if suggested in RUN_STARTING and remedy not in RUN_STARTING:
        return remedy  # never widen: a human-needed failure stays with a human
    return suggested


def combine(triage: TriageResult, policy: RemediationPolicy) -> Verdict:
    """One classification and base action from pattern + optional LLM, under the policy."""
    p = triage.pattern
    remedy = policy.remedy_for(p.category, p.kind)
    o = triage.llm
    if o is None:
        decided_by: DecidedBy = "pattern_fallback" if triage.llm_configured else "pattern"
        note = f"LLM unavailable ({triage.llm_error}); pattern decided" if triage.llm_configured else ""
        return Verdict(
            category=p.category,
            kind=p.kind,
            confidence=p.confidence,
            decided_by=decided_by,
            action=remedy,
            note=note,
        )
    matched = bool(p.matches)
    if not matched:
        remedy = policy.remedy_for(o.category, "unknown")
        allowed = policy.allowed(o.category)
        action = _llm_refinement(remedy, o.suggested_action, allowed)
        if o.suggested_action in RUN_STARTING and o.suggested_action in allowed and policy.llm_alone_can_act:
            action = o.suggested_action
        return Verdict(
            category=o.category,
            kind="unknown",
            confidence=round(min(o.confidence, policy.llm_only_max_confidence), 4),
            decided_by="llm",
            action=action,
            llm_params=o.params_change,
            may_start_runs=policy.llm_alone_can_act,
            note="no rule matched; LLM classified",
        )
    if o.category == p.category:
        confidence = min(0.99, 1 - (1 - p.confidence) * (1 - 0.5 * o.confidence))
        action = _llm_refinement(remedy, o.suggested_action, policy.allowed(p.category))
        return Verdict(
            category=p.category,
            kind=p.kind,
            confidence=round(confidence, 4),
            decided_by="pattern+llm",
            action=action,
            llm_params=o.params_change,
            note="pattern and LLM agree",
        )
    if p.confidence >= policy.pattern_wins_at:
        return Verdict(
            category=p.category,
            kind=p.kind,
            confidence=round(p.confidence * policy.disagreement_factor, 4),
            decided_by="pattern_over_llm",
            action=remedy,
            note=f"LLM said {o.category}; the pattern match is strong and wins",
        )
    return Verdict(
        category=p.category,
        kind=p.kind,
        confidence=round(min(p.confidence, o.confidence) * 0.5, 4),
        decided_by="disagreement",
        action="ESCALATE" if "ESCALATE" in policy.allowed(p.category) else "SEND_EMAIL",
        may_start_runs=False,
        note=f"pattern said {p.category}, LLM said {o.category}; neither is sure",
    )
