"""Held-out evaluation of the offline router on the shipped labelled questions.

The split was fixed (and committed) before any model was trained; test questions were written
with different phrasing and entities from the training ones. The first held-out score,
measured once the model was built, was 85.3% exact domain-set accuracy; with later authors' questions
in training, sentence embeddings next to TF-IDF and two blind authors' test batches added it is 94.3%
on 282 (95.8% on the 191 questions held out before this change; docs/router.md); the target is 95%.
`FLOOR` guards against regressions; the strict xfail turns green (and fails the run, so the
docs get updated) the day the target is met.
"""

from __future__ import annotations

import pytest

from agents.orchestrator.router.classifier import get_model
from agents.orchestrator.router.dataset import questions
from agents.orchestrator.router.evaluation import EvalReport, evaluate
from include.ops.models import DOMAINS

FLOOR = 0.90
TARGET = 0.95
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
        print(f"threshold: floor {FLOOR:.0%} (regression guard), target {TARGET:.0%}")
    assert report.total == len(questions("test"))
    assert report.exact_accuracy >= FLOOR
    assert report.ambiguous_clarified / report.ambiguous_total >= 0.8
    for metrics in report.per_domain:
        assert metrics.precision >= PRECISION_FLOOR, metrics


@pytest.mark.xfail(strict=True, reason="offline held-out exact accuracy is below the 95% target (see docs/router.md)")
def test_held_out_accuracy_meets_the_target(report: EvalReport) -> None:
    assert report.exact_accuracy >= TARGET
