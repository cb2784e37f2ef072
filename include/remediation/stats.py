"""How well remediation does, from the ledger and people's feedback; and recording that feedback.

Per category: decisions, what was done, how repairs ended (retry success = succeeded / (succeeded
+ failed), counted on live run-starting decisions whose repair finished), and accuracy from
feedback (correct / (correct + wrong), on decisions someone judged). A failed repair is not
counted as a wrong classification: the failure can be right and the remedy insufficient.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, Field

from include.ops.models import RemediationDecision
from include.remediation.acting import update_decision
from include.remediation.models import RUN_STARTING

if TYPE_CHECKING:
    from include.ops.store import OpsStore

Verdict = Literal["correct", "wrong"]
MIN_ID_PREFIX = 6


class CategoryStats(BaseModel):
    """Figures for one category (or the total)."""

    category: str
    decisions: int = 0
    actions: dict[str, int] = Field(default_factory=dict)
    repairs_started: int = 0
    repairs_succeeded: int = 0
    repairs_failed: int = 0
    notified: int = 0
    feedback_correct: int = 0
    feedback_wrong: int = 0
    llm_decided: int = 0

    @property
    def retry_success(self) -> float | None:
        done = self.repairs_succeeded + self.repairs_failed
        return round(self.repairs_succeeded / done, 4) if done else None

    @property
    def accuracy(self) -> float | None:
        judged = self.feedback_correct + self.feedback_wrong
        return round(self.feedback_correct / judged, 4) if judged else None

    def as_row(self) -> dict[str, Any]:
        return {**self.model_dump(), "retry_success": self.retry_success, "accuracy": self.accuracy}


class RemediationStats(BaseModel):
    """Per-category figures plus the total."""

    categories: list[CategoryStats]
    total: CategoryStats
    shadow_excluded: int = 0


def _add(stats: CategoryStats, d: RemediationDecision) -> None:
    stats.decisions += 1
    stats.actions[d.action] = stats.actions.get(d.action, 0) + 1
    if d.action in RUN_STARTING and d.outcome in ("acted", "succeeded", "failed"):
        stats.repairs_started += 1
    stats.repairs_succeeded += d.outcome == "succeeded"
    stats.repairs_failed += d.outcome == "failed"
    stats.notified += bool(d.notified)
    stats.feedback_correct += d.feedback == "correct"
    stats.feedback_wrong += d.feedback == "wrong"
    stats.llm_decided += d.decided_by in ("llm", "pattern+llm")


def compute_stats(decisions: list[RemediationDecision], *, since: datetime | None = None,
                  include_shadow: bool = False) -> RemediationStats:
    """Figures over the decisions (optionally since a time; shadow decisions excluded unless asked)."""
    by_category: dict[str, CategoryStats] = defaultdict(lambda: CategoryStats(category=""))
    total = CategoryStats(category="(all)")
    skipped = 0
    for d in decisions:
        decided = d.decided_at if d.decided_at.tzinfo else d.decided_at.replace(tzinfo=UTC)
        if since is not None and decided < since:
            continue
        if d.shadow and not include_shadow:
            skipped += 1
            continue
        stats = by_category[d.category]
        stats.category = d.category
        _add(stats, d)
        _add(total, d)
    return RemediationStats(categories=sorted(by_category.values(), key=lambda s: s.category),
                            total=total, shadow_excluded=skipped)


def find_decision(store: OpsStore, decision_id: str) -> RemediationDecision:
    """The decision with this id (or a unique prefix of at least 6 characters); errors name the problem."""
    wanted = decision_id.strip().lower()
    if len(wanted) < MIN_ID_PREFIX:
        raise ValueError(f"decision id {decision_id!r} is too short (give at least {MIN_ID_PREFIX} characters)")
    matches = [d for d in store.read(RemediationDecision) if d.decision_id.startswith(wanted)]
    if not matches:
        raise LookupError(f"no remediation decision with id {decision_id!r}")
    if len(matches) > 1:
        raise LookupError(f"decision id {decision_id!r} is ambiguous ({len(matches)} decisions); give more characters")
    return matches[0]


def record_feedback(
    store: OpsStore, decision_id: str, verdict: Verdict, now: datetime | None = None
) -> RemediationDecision:
    """Mark a decision correct or wrong (a later call replaces an earlier verdict)."""
    if verdict not in ("correct", "wrong"):
        raise ValueError(f"feedback must be 'correct' or 'wrong', not {verdict!r}")
    d = find_decision(store, decision_id)
    return update_decision(store, d, feedback=verdict, feedback_at=now or datetime.now(UTC))
