"""The offline intent classifier: TF-IDF word + character n-grams and MiniLM sentence embeddings,
one-vs-rest logistic regression.

Trained on the shipped train split at first use and cached in-process and on disk (about 45 s of
CPU the first time, most of it embedding the questions, which is cached too; a few seconds after
that; fully deterministic: fixed folds, deterministic solvers).

Two stages:

1. the classifier scores the whole question and, separately, each of its clauses
   ("did query times drop, and how much more are we paying?"); rules for the obvious fire or not;
2. a small **combiner** (one logistic regression per domain over 24 numbers: for each of the six
   domains the whole-question probability, the best clause's probability, whether a rule fired,
   and `max(probability, 0.9 if a rule fired)`) turns them into the domain scores. Trained on
   the first stage's out-of-fold scores on the train split, it learns how much a clause or a
   rule counts and how domains go together, instead of fixed rules of thumb (the score was
   `max(probability, 0.9 if a rule fired)`, plus "add a domain if one clause reaches
   t_clause"). Chosen by leave-one-author-out on the train split (docs/router.md).

Two thresholds turn scores into a domain set and are calibrated by cross-validation on the train
split only (the combiner's own out-of-fold scores), maximising exact-set accuracy (an ambiguous
question counts as right when nothing is chosen):

- `t_top`: the best domain must reach it, or the question is ambiguous (ask back);
- `t_extra`: any further domain must reach it (multi-intent questions).
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from agents.orchestrator.router.dataset import LabelledQuestion, questions
from agents.orchestrator.router.features import classifier_text, has_topic_words, mask_time, split_clauses
from agents.orchestrator.router.rules import RULE_CONFIDENCE, rule_hits
from include.ops.models import DOMAINS, Domain

log = logging.getLogger(__name__)

# Chosen by 5-fold cross-validation on the train split (docs/router.md, "How it was tuned").
C_REGULARISATION = 10.0
CV_FOLDS = 5
_T_TOP_GRID = np.round(np.arange(0.20, 0.80, 0.025), 3)
_T_EXTRA_GRID = np.round(np.arange(0.30, 0.95, 0.025), 3)
_WORD_TOKENS = r"(?u)\b\w[\w\-]*\b"  # keep hyphenated names (all-purpose, search-ranker) whole
# Scale of the sentence embedding next to the TF-IDF blocks (each row of each block has unit length).
# Chosen by leave-one-author-out cross-validation on the train split (docs/router.md).
EMBEDDING_WEIGHT = 1.0
# Regularisation of the combiner (second stage); chosen by leave-one-author-out on the train split.
COMBINER_C = 0.3
_CONCEPT = re.compile(r"\bzz[a-z]+\b")


@dataclass
class Scored:
    """Scores for one question: final (combined), classifier on the whole question, best single
    clause, and which rules fired."""

    scores: dict[Domain, float]
    probabilities: dict[Domain, float]
    rules: dict[Domain, list[str]]
    has_topic: bool = True
    clause_probabilities: dict[Domain, float] = field(default_factory=dict)


@dataclass
class OfflineModel:
    """A trained pipeline plus its calibrated thresholds and provenance."""

    pipeline: Any
    combiner: Any
    t_top: float
    t_extra: float
    cv_exact_accuracy: float
    trained_on: int
    data_digest: str
    train_seconds: float
    extra: dict[str, Any] = field(default_factory=dict)

    def score(self, question: str) -> Scored:
        """Score one question and its clauses, check the rules, and combine them into domain scores."""
        clauses = split_clauses(question)
        probs = self.pipeline.predict_proba([classifier_text(question), *map(classifier_text, clauses)])
        masked = mask_time(question)
        hits = rule_hits(masked)
        probabilities = {d: float(p) for d, p in zip(DOMAINS, probs[0], strict=True)}
        by_clause = probs[1:].max(axis=0) if clauses else np.zeros(len(DOMAINS))
        rules = np.array([[RULE_CONFIDENCE if d in hits else 0.0 for d in DOMAINS]])
        combined = self.combine(probs[:1], by_clause[None, :], rules)[0]
        scores = {d: float(p) for d, p in zip(DOMAINS, combined, strict=True)}
        return Scored(
            scores=scores, probabilities=probabilities, rules=hits, has_topic=has_topic_words(masked),
            clause_probabilities={d: float(p) for d, p in zip(DOMAINS, by_clause, strict=True)},
        )

    def combine(self, probabilities: np.ndarray, clauses: np.ndarray, rules: np.ndarray) -> np.ndarray:
        """Final domain scores from first-stage rows (whole question, best clause, rule hits)."""
        scores: np.ndarray = self.combiner.predict_proba(combiner_features(probabilities, clauses, rules))
        return scores

    def decide(self, question: str) -> tuple[Scored, list[Domain]]:
        """Scores and the chosen domain set (empty: ambiguous) for one question."""
        scored = self.score(question)
        return scored, (self.choose(scored) if scored.has_topic else [])

    def choose(self, scores: dict[Domain, float] | Scored) -> list[Domain]:
        """The domain set for `scores` (a `Scored` or final scores); empty means ambiguous."""
        return choose_domains(scores.scores if isinstance(scores, Scored) else scores, self.t_top, self.t_extra)

    def added_by_clause(self, scored: Scored, chosen: list[Domain]) -> list[Domain]:
        """Further domains in `chosen` that a single clause put there (for the route's reasons): the
        whole question's probability alone would not have reached `t_extra`, one clause's did."""
        best = max(DOMAINS, key=lambda d: scored.scores[d])
        return [
            d for d in chosen
            if d != best and scored.probabilities[d] < self.t_extra <= scored.clause_probabilities.get(d, 0.0)
        ]


def choose_domains(scores: dict[Domain, float], t_top: float, t_extra: float) -> list[Domain]:
    """Best domain if it reaches `t_top`, plus every other domain reaching `t_extra`."""
    best = max(DOMAINS, key=lambda d: scores[d])
    if scores[best] < t_top:
        return []
    return [d for d in DOMAINS if d == best or scores[d] >= t_extra]


def _plain(text: str) -> str:
    """A classifier text without its concept tokens (those are for TF-IDF): what the encoder sees."""
    return " ".join(_CONCEPT.sub(" ", text).split())


def sentence_features(texts: Any) -> np.ndarray:
    """MiniLM embeddings of classifier texts, scaled to sit next to the TF-IDF blocks."""
    from agents.orchestrator.router.encoder import embed

    return embed([_plain(text) for text in texts]).astype(np.float64) * EMBEDDING_WEIGHT


def _pipeline() -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.multiclass import OneVsRestClassifier
    from sklearn.pipeline import make_pipeline, make_union
    from sklearn.preprocessing import FunctionTransformer

    features = make_union(
        TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, token_pattern=_WORD_TOKENS),
        TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2),
        FunctionTransformer(sentence_features),
    )
    classifier = OneVsRestClassifier(
        LogisticRegression(C=C_REGULARISATION, class_weight="balanced", max_iter=5000, solver="liblinear")
    )
    return make_pipeline(features, classifier)


def combiner_features(probabilities: np.ndarray, clauses: np.ndarray, rules: np.ndarray) -> np.ndarray:
    """The combiner's inputs: whole-question and best-clause probabilities, rule hits (0/1), and the
    rule of thumb `max(probability, rule)`, six columns each."""
    return np.hstack([probabilities, clauses, rules / RULE_CONFIDENCE, np.maximum(probabilities, rules)])


def _combiner() -> Any:
    from sklearn.linear_model import LogisticRegression
    from sklearn.multiclass import OneVsRestClassifier

    return OneVsRestClassifier(
        LogisticRegression(C=COMBINER_C, class_weight="balanced", max_iter=2000)
    )


def _rule_matrix(items: list[LabelledQuestion]) -> np.ndarray:
    hits = [rule_hits(mask_time(q.question)) for q in items]
    return np.array([[RULE_CONFIDENCE if d in h else 0.0 for d in DOMAINS] for h in hits])


def _exact(
    scores: np.ndarray, labels: np.ndarray, t_top: float, t_extra: float, topic: np.ndarray | None = None
) -> float:
    best = scores.argmax(axis=1)
    chosen = scores >= t_extra
    chosen[np.arange(len(scores)), best] = True
    chosen[scores.max(axis=1) < t_top] = False
    if topic is not None:
        chosen[~topic] = False  # a question with no topic words is asked back whatever it scores
    return float((chosen == labels.astype(bool)).all(axis=1).mean())


def calibrate(
    scores: np.ndarray, labels: np.ndarray, topic: np.ndarray | None = None
) -> tuple[float, float, float]:
    """(t_top, t_extra, exact accuracy) maximising exact-set accuracy; first best in grid order."""
    best = (0.5, 0.75, -1.0)
    for t_top in _T_TOP_GRID:
        for t_extra in _T_EXTRA_GRID:
            acc = _exact(scores, labels, float(t_top), float(t_extra), topic)
            if acc > best[2] + 1e-12:
                best = (float(t_top), float(t_extra), acc)
    return best


def _clause_texts(items: list[LabelledQuestion]) -> list[list[str]]:
    return [[classifier_text(c) for c in split_clauses(q.question)] for q in items]


def _max_by_clause(pipeline: Any, clause_texts: list[list[str]]) -> np.ndarray:
    """Per question, the highest probability of each domain over its clauses (zeros: no clauses)."""
    flat = [text for texts in clause_texts for text in texts]
    probs = pipeline.predict_proba(flat) if flat else np.zeros((0, len(DOMAINS)))
    out = np.zeros((len(clause_texts), len(DOMAINS)))
    start = 0
    for i, texts in enumerate(clause_texts):
        if texts:
            out[i] = probs[start:start + len(texts)].max(axis=0)
            start += len(texts)
    return out


def data_digest(items: list[LabelledQuestion]) -> str:
    """Short hash of the training items (changes whenever the data does)."""
    raw = "\n".join(f"{q.id}\t{q.question}\t{','.join(q.domains)}\t{q.ambiguous}" for q in items)
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


def train(items: list[LabelledQuestion]) -> OfflineModel:
    """Fit the pipeline on `items` and calibrate thresholds by cross-validation on them."""
    from sklearn.model_selection import KFold

    from agents.orchestrator.router.encoder import preload

    started = time.perf_counter()
    texts = [classifier_text(q.question) for q in items]
    clause_texts = _clause_texts(items)
    labels = np.array([q.label_vector() for q in items])
    rules = _rule_matrix(items)
    topic = np.array([has_topic_words(mask_time(q.question)) for q in items])
    preload([_plain(t) for t in [*texts, *(c for cs in clause_texts for c in cs)]])
    out_of_fold = np.zeros(labels.shape)
    clause_oof = np.zeros(labels.shape)
    for fit_idx, held_idx in KFold(CV_FOLDS, shuffle=True, random_state=0).split(texts):
        fold = _pipeline().fit([texts[i] for i in fit_idx], labels[fit_idx])
        out_of_fold[held_idx] = fold.predict_proba([texts[i] for i in held_idx])
        clause_oof[held_idx] = _max_by_clause(fold, [clause_texts[i] for i in held_idx])
    # Second stage: the combiner learns from the first stage's out-of-fold scores; its thresholds
    # are calibrated on its own out-of-fold scores (other folds, so no question scores itself).
    stacked = combiner_features(out_of_fold, clause_oof, rules)
    combined_oof = np.zeros(labels.shape)
    for fit_idx, held_idx in KFold(CV_FOLDS, shuffle=True, random_state=1).split(stacked):
        combined_oof[held_idx] = _combiner().fit(stacked[fit_idx], labels[fit_idx]).predict_proba(stacked[held_idx])
    t_top, t_extra, cv_acc = calibrate(combined_oof, labels, topic)
    combiner = _combiner().fit(stacked, labels)
    pipeline = _pipeline().fit(texts, labels)
    seconds = time.perf_counter() - started
    log.info("router classifier trained on %d questions in %.2fs (cv exact %.3f, t_top %.3f, t_extra %.3f)",
             len(items), seconds, cv_acc, t_top, t_extra)
    return OfflineModel(pipeline, combiner, t_top, t_extra, cv_acc, len(items), data_digest(items), seconds)


_lock = threading.Lock()
_model: OfflineModel | None = None


def get_model() -> OfflineModel:
    """The model trained on the shipped train split: once per process (thread-safe), and cached on
    disk across processes, keyed by data and code (see `model_cache`)."""
    global _model
    if _model is None:
        with _lock:
            if _model is None:
                from agents.orchestrator.router.encoder import get_encoder
                from agents.orchestrator.router.model_cache import load_or_train

                items = questions("train")
                model = load_or_train(data_digest(items), lambda: train(items))
                get_encoder()  # load the sentence encoder now, not during the first question
                _model = model
    return _model
