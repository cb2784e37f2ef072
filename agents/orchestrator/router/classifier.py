"""The offline intent classifier: TF-IDF word + character n-grams, one-vs-rest logistic regression.

Trained on the shipped train split at first use and cached in-process (about a second, fully
deterministic: fixed folds, liblinear). Two thresholds turn scores into a domain set and are
calibrated by 5-fold cross-validation on the train split only, maximising exact-set accuracy
(an ambiguous question counts as right when nothing is chosen):

- `t_top`: the best domain must reach it, or the question is ambiguous (ask back);
- `t_extra`: any further domain must reach it (multi-intent questions).

Scores are `max(classifier probability, RULE_CONFIDENCE if a rule fired)`.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from agents.orchestrator.router.dataset import LabelledQuestion, questions
from agents.orchestrator.router.features import classifier_text, has_topic_words, mask_time
from agents.orchestrator.router.rules import RULE_CONFIDENCE, rule_hits
from include.ops.models import DOMAINS, Domain

log = logging.getLogger(__name__)

# Chosen by 5-fold cross-validation on the train split (docs/router.md, "How it was tuned").
C_REGULARISATION = 10.0
CV_FOLDS = 5
_T_TOP_GRID = np.round(np.arange(0.20, 0.80, 0.025), 3)
_T_EXTRA_GRID = np.round(np.arange(0.30, 0.95, 0.025), 3)
_WORD_TOKENS = r"(?u)\b\w[\w\-]*\b"  # keep hyphenated names (all-purpose, search-ranker) whole


@dataclass
class Scored:
    """Scores for one question: blended, classifier-only, and which rules fired."""

    scores: dict[Domain, float]
    probabilities: dict[Domain, float]
    rules: dict[Domain, list[str]]
    has_topic: bool = True


@dataclass
class OfflineModel:
    """A trained pipeline plus its calibrated thresholds and provenance."""

    pipeline: Any
    t_top: float
    t_extra: float
    cv_exact_accuracy: float
    trained_on: int
    data_digest: str
    train_seconds: float
    extra: dict[str, Any] = field(default_factory=dict)

    def score(self, question: str) -> Scored:
        """Blend classifier probabilities with rule hits for one question."""
        probs = self.pipeline.predict_proba([classifier_text(question)])[0]
        masked = mask_time(question)
        hits = rule_hits(masked)
        probabilities = {d: float(p) for d, p in zip(DOMAINS, probs, strict=True)}
        scores = {d: max(probabilities[d], RULE_CONFIDENCE if d in hits else 0.0) for d in DOMAINS}
        return Scored(scores=scores, probabilities=probabilities, rules=hits, has_topic=has_topic_words(masked))

    def decide(self, question: str) -> tuple[Scored, list[Domain]]:
        """Scores and the chosen domain set (empty: ambiguous) for one question."""
        scored = self.score(question)
        return scored, (self.choose(scored.scores) if scored.has_topic else [])

    def choose(self, scores: dict[Domain, float]) -> list[Domain]:
        """The domain set for `scores`; empty means ambiguous."""
        return choose_domains(scores, self.t_top, self.t_extra)


def choose_domains(scores: dict[Domain, float], t_top: float, t_extra: float) -> list[Domain]:
    """Best domain if it reaches `t_top`, plus every other domain reaching `t_extra`."""
    best = max(DOMAINS, key=lambda d: scores[d])
    if scores[best] < t_top:
        return []
    return [d for d in DOMAINS if d == best or scores[d] >= t_extra]


def _pipeline() -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.multiclass import OneVsRestClassifier
    from sklearn.pipeline import make_pipeline, make_union

    features = make_union(
        TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, token_pattern=_WORD_TOKENS),
        TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2),
    )
    classifier = OneVsRestClassifier(
        LogisticRegression(C=C_REGULARISATION, class_weight="balanced", max_iter=5000, solver="liblinear")
    )
    return make_pipeline(features, classifier)


def _rule_matrix(items: list[LabelledQuestion]) -> np.ndarray:
    hits = [rule_hits(mask_time(q.question)) for q in items]
    return np.array([[RULE_CONFIDENCE if d in h else 0.0 for d in DOMAINS] for h in hits])


def _exact(scores: np.ndarray, labels: np.ndarray, t_top: float, t_extra: float) -> float:
    best = scores.argmax(axis=1)
    chosen = scores >= t_extra
    chosen[np.arange(len(scores)), best] = True
    chosen[scores.max(axis=1) < t_top] = False
    return float((chosen == labels.astype(bool)).all(axis=1).mean())


def calibrate(scores: np.ndarray, labels: np.ndarray) -> tuple[float, float, float]:
    """(t_top, t_extra, exact accuracy) maximising exact-set accuracy; first best in grid order."""
    best = (0.5, 0.75, -1.0)
    for t_top in _T_TOP_GRID:
        for t_extra in _T_EXTRA_GRID:
            acc = _exact(scores, labels, float(t_top), float(t_extra))
            if acc > best[2] + 1e-12:
                best = (float(t_top), float(t_extra), acc)
    return best


def data_digest(items: list[LabelledQuestion]) -> str:
    """Short hash of the training items (changes whenever the data does)."""
    raw = "\n".join(f"{q.id}\t{q.question}\t{','.join(q.domains)}\t{q.ambiguous}" for q in items)
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


def train(items: list[LabelledQuestion]) -> OfflineModel:
    """Fit the pipeline on `items` and calibrate thresholds by cross-validation on them."""
    from sklearn.model_selection import KFold

    started = time.perf_counter()
    texts = [classifier_text(q.question) for q in items]
    labels = np.array([q.label_vector() for q in items])
    rules = _rule_matrix(items)
    out_of_fold = np.zeros(labels.shape)
    for fit_idx, held_idx in KFold(CV_FOLDS, shuffle=True, random_state=0).split(texts):
        fold = _pipeline().fit([texts[i] for i in fit_idx], labels[fit_idx])
        out_of_fold[held_idx] = fold.predict_proba([texts[i] for i in held_idx])
    t_top, t_extra, cv_acc = calibrate(np.maximum(out_of_fold, rules), labels)
    pipeline = _pipeline().fit(texts, labels)
    seconds = time.perf_counter() - started
    log.info("router classifier trained on %d questions in %.2fs (cv exact %.3f, t_top %.3f, t_extra %.3f)",
             len(items), seconds, cv_acc, t_top, t_extra)
    return OfflineModel(pipeline, t_top, t_extra, cv_acc, len(items), data_digest(items), seconds)


_lock = threading.Lock()
_model: OfflineModel | None = None


def get_model() -> OfflineModel:
    """The model trained on the shipped train split (trained once per process, thread-safe)."""
    global _model
    if _model is None:
        with _lock:
            if _model is None:
                _model = train(questions("train"))
    return _model
