"""Score the router on labelled questions: exact domain-set accuracy and per-domain precision/recall.

A question counts as right when the router picks exactly its domains, or, for a question
labelled ambiguous, when it asks back instead of routing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from pydantic import BaseModel

from agents.orchestrator.router.dataset import LabelledQuestion
from agents.orchestrator.router.models import RouteResult
from agents.orchestrator.router.router import route
from include.ops.models import DOMAINS, Domain

EVAL_NOW = datetime(2025, 3, 13, 15, 30, tzinfo=UTC)


class DomainMetrics(BaseModel):
    """Precision and recall of one domain over the evaluated questions."""

    domain: Domain
    precision: float
    recall: float
    support: int
    predicted: int


class EvalMiss(BaseModel):
    """A question the router got wrong."""

    id: str
    question: str
    expected: list[Domain]
    ambiguous: bool
    predicted: list[Domain]
    clarified: bool


class EvalReport(BaseModel):
    """Scores of one evaluation run."""

    split: str
    total: int
    correct: int
    exact_accuracy: float
    multi_intent_total: int
    multi_intent_correct: int
    ambiguous_total: int
    ambiguous_clarified: int
    per_domain: list[DomainMetrics]
    misses: list[EvalMiss]

    @property
    def asked_back_misses(self) -> int:
        """Misses where the router asked back instead of routing (the safe way to be wrong)."""
        return sum(1 for m in self.misses if m.clarified and not m.ambiguous)

    def summary_lines(self) -> list[str]:
        """A small plain-text table for test output and the CLI."""
        lines = [
            f"router eval [{self.split}]: exact domain-set accuracy {self.exact_accuracy:.1%} "
            f"({self.correct}/{self.total}); multi-intent {self.multi_intent_correct}/{self.multi_intent_total}; "
            f"ambiguous asked back {self.ambiguous_clarified}/{self.ambiguous_total}; "
            f"of {len(self.misses)} misses, {self.asked_back_misses} asked back rather than misrouted",
            f"{'domain':<14}{'precision':>10}{'recall':>8}{'support':>9}{'predicted':>11}",
        ]
        for m in self.per_domain:
            lines.append(f"{m.domain:<14}{m.precision:>10.2f}{m.recall:>8.2f}{m.support:>9}{m.predicted:>11}")
        for miss in self.misses:
            want = "ask back" if miss.ambiguous else miss.expected
            got = "asked back" if miss.clarified else miss.predicted
            lines.append(f"  miss {miss.id}: {miss.question!r} expected {want}, got {got}")
        return lines


def _ratio(num: int, den: int) -> float:
    return round(num / den, 4) if den else 1.0


def evaluate(
    items: list[LabelledQuestion],
    split: str = "test",
    router: Callable[[str], RouteResult] | None = None,
) -> EvalReport:
    """Route every item (offline by default, at a fixed `now`) and score the answers."""
    run = router or (lambda q: route(q, now=EVAL_NOW))
    tp = dict.fromkeys(DOMAINS, 0)
    support = dict.fromkeys(DOMAINS, 0)
    predicted_n = dict.fromkeys(DOMAINS, 0)
    correct = multi_total = multi_correct = amb_total = amb_clarified = 0
    misses: list[EvalMiss] = []
    for item in items:
        result = run(item.question)
        predicted = set(result.domain_names())
        clarified = result.clarification is not None
        expected = set() if item.ambiguous else set(item.domains)
        ok = clarified if item.ambiguous else (not clarified and predicted == expected)
        correct += ok
        if item.ambiguous:
            amb_total += 1
            amb_clarified += clarified
        elif len(expected) > 1:
            multi_total += 1
            multi_correct += ok
        for d in DOMAINS:
            support[d] += d in expected
            predicted_n[d] += d in predicted
            tp[d] += d in expected and d in predicted
        if not ok:
            misses.append(EvalMiss(
                id=item.id, question=item.question, expected=sorted(expected), ambiguous=item.ambiguous,
                predicted=sorted(predicted), clarified=clarified,
            ))
    per_domain = [
        DomainMetrics(domain=d, precision=_ratio(tp[d], predicted_n[d]), recall=_ratio(tp[d], support[d]),
                      support=support[d], predicted=predicted_n[d])
        for d in DOMAINS
    ]
    return EvalReport(
        split=split, total=len(items), correct=correct, exact_accuracy=_ratio(correct, len(items)),
        multi_intent_total=multi_total, multi_intent_correct=multi_correct,
        ambiguous_total=amb_total, ambiguous_clarified=amb_clarified, per_domain=per_domain, misses=misses,
    )


class CrossValidation(BaseModel):
    """Nested cross-validation of the offline router on one split (thresholds re-calibrated per fold)."""

    items: int
    folds: int
    seeds: list[int]
    exact_accuracy: float
    multi_intent_accuracy: float
    ambiguous_accuracy: float
    single_accuracy: float


def cross_validate(items: list[LabelledQuestion], folds: int = 5, seeds: tuple[int, ...] = (1,)) -> CrossValidation:
    """Outer k-fold over `items`: train (incl. its own inner threshold calibration) on k-1 folds, decide the rest.

    Use it on the train split to compare training-time choices without touching the test split.
    Slow-ish: one full `train()` per fold and seed (about 2 s each on ~1000 questions).
    """
    from sklearn.model_selection import KFold

    from agents.orchestrator.router.classifier import train

    right = {"all": 0, "multi": 0, "ambiguous": 0, "single": 0}
    seen = dict.fromkeys(right, 0)
    for seed in seeds:
        for fit_idx, held_idx in KFold(folds, shuffle=True, random_state=seed).split(items):
            model = train([items[i] for i in fit_idx])
            for i in held_idx:
                item = items[i]
                chosen = set(model.decide(item.question)[1])
                ok = not chosen if item.ambiguous else chosen == set(item.domains)
                kind = "ambiguous" if item.ambiguous else ("multi" if len(item.domains) > 1 else "single")
                for key in ("all", kind):
                    seen[key] += 1
                    right[key] += ok
    return CrossValidation(
        items=len(items), folds=folds, seeds=list(seeds), exact_accuracy=_ratio(right["all"], seen["all"]),
        multi_intent_accuracy=_ratio(right["multi"], seen["multi"]),
        ambiguous_accuracy=_ratio(right["ambiguous"], seen["ambiguous"]),
        single_accuracy=_ratio(right["single"], seen["single"]),
    )


class AuthorScore(BaseModel):
    """One held-out author's questions in leave-one-author-out."""

    author: str
    correct: int
    total: int


class AuthorCrossValidation(BaseModel):
    """Leave-one-author-out: train on every other author's questions, score this author's."""

    items: int
    exact_accuracy: float
    authors: list[AuthorScore]


def author_of(item: LabelledQuestion) -> str:
    """The writer of a question: the letters its id starts with (`rq0001` → `rq`)."""
    letters = item.id.rstrip("0123456789")
    return letters or item.id


def leave_one_author_out(items: list[LabelledQuestion]) -> AuthorCrossValidation:
    """The strictest comparison of training-time choices on the train split: how well a model trained
    on the other writers' questions routes a new writer's phrasing. One `train()` per author."""
    from agents.orchestrator.router.classifier import train

    authors = sorted({author_of(q) for q in items})
    if len(authors) < 2:
        raise ValueError(f"leave-one-author-out needs questions from at least two authors, got {authors}")
    scores: list[AuthorScore] = []
    for author in authors:
        model = train([q for q in items if author_of(q) != author])
        held = [q for q in items if author_of(q) == author]
        correct = 0
        for item in held:
            chosen = set(model.decide(item.question)[1])
            correct += (not chosen) if item.ambiguous else chosen == set(item.domains)
        scores.append(AuthorScore(author=author, correct=correct, total=len(held)))
    right = sum(s.correct for s in scores)
    return AuthorCrossValidation(items=len(items), exact_accuracy=_ratio(right, len(items)), authors=scores)
