"""Held-out evaluation of the offline router on the shipped labelled questions.

The split was fixed (and committed) before any model was trained; test questions were written
with different phrasing and entities from the training ones. The first held-out score,
measured once the model was built, was 85.3% exact domain-set accuracy; with later authors' questions
in training, sentence embeddings next to TF-IDF, a learned combiner of the classifier's scores and
three blind authors' test batches added it is 96.0% on 379 (docs/router.md). The issue's target is 95%
and is asserted; the regression guards are per-domain precision and the share of ambiguous
questions that are asked back.
"""

from __future__ import annotations

import pytest

from agents.orchestrator.router.classifier import get_model
from agents.orchestrator.router.dataset import questions
from agents.orchestrator.router.evaluation import EvalReport, evaluate
from include.ops.models import DOMAINS

TARGET = 0.95  # exact domain-set accuracy on the held-out split (issue #5)
PRECISION_FLOOR = 0.90  # per domain; ~60 predictions each on the held-out split


@pytest.fixture(scope="module")
def report() -> EvalReport:
    return evaluate(questions("test"), split="test")


def test_labelled_questions_are_a_sound_eval_set() -> None:
    items = questions()
    train, test = questions("train"), questions("test")
    assert len(items) >= 400 and len(test) >= 100
    multi = [q for q in items if len(q.domains) > 1 and not q.ambiguous]
    assert len(multi) / len(items) >= 0.25
    for split in (train, test):
        assert any(q.ambiguous for q in split)
        assert {d for q in split for d in q.domains} == set(DOMAINS)
    texts = [" ".join(q.question.lower().split()) for q in items]
    assert len(texts) == len(set(texts)), "no question appears twice"


def test_no_test_question_is_a_paraphrase_twin_of_a_training_question() -> None:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics.pairwise import cosine_similarity

    train = [q.question for q in questions("train")]
    test = [q.question for q in questions("test")]
    vectors = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True).fit(train + test)
    similarity = cosine_similarity(vectors.transform(test), vectors.transform(train))
    worst = similarity.max()
    assert worst < 0.7, f"a test question is too close to a training one (cosine {worst:.2f})"


def test_held_out_accuracy(report: EvalReport, capsys: pytest.CaptureFixture[str]) -> None:
    model = get_model()
    with capsys.disabled():
        print()
        print(f"router offline model: {model.trained_on} training questions, 5-fold CV exact "
              f"{model.cv_exact_accuracy:.1%}, t_top={model.t_top}, t_extra={model.t_extra}, "
              f"trained in {model.train_seconds:.2f}s")
        for line in report.summary_lines():
            print(line)
        print(f"target: {TARGET:.0%} exact domain-set accuracy")
    assert report.total == len(questions("test"))
    assert report.exact_accuracy >= TARGET
    assert report.ambiguous_clarified / report.ambiguous_total >= 0.8
    for metrics in report.per_domain:
        assert metrics.precision >= PRECISION_FLOOR, metrics
