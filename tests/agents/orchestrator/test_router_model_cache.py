"""The trained router is cached on disk keyed by data and code, so new processes skip training."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from agents.orchestrator.router import classifier, model_cache
from agents.orchestrator.router.dataset import questions

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def fresh(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    """No model in memory and an empty cache directory of this test's own."""
    monkeypatch.setenv("LAKEPILOT_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(classifier, "_model", None)
    yield
    classifier._model = None


def test_a_second_process_loads_instead_of_training(fresh, monkeypatch: pytest.MonkeyPatch) -> None:
    first = classifier.get_model()
    cached = list(model_cache.cache_dir().glob("model-*.joblib"))
    assert len(cached) == 1

    # A new process: nothing in memory, and training would fail loudly.
    monkeypatch.setattr(classifier, "_model", None)
    monkeypatch.setattr(classifier, "train", lambda items: pytest.fail("trained although a cached model exists"))
    second = classifier.get_model()
    assert (second.t_top, second.t_extra, second.data_digest) == (first.t_top, first.t_extra, first.data_digest)
    question = "why did our DBU spend jump on the all-purpose clusters?"
    assert second.score(question) == first.score(question)


def test_the_key_changes_with_data_and_code(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    digest = classifier.data_digest(questions("train"))
    key = model_cache.cache_key(digest)
    assert model_cache.cache_key(digest + "x") != key
    code = tmp_path / "router"
    code.mkdir()
    for path in model_cache._CODE_DIR.glob("*.py"):
        (code / path.name).write_bytes(path.read_bytes())
    monkeypatch.setattr(model_cache, "_CODE_DIR", code)
    assert model_cache.cache_key(digest) == key
    (code / "rules.py").write_text((code / "rules.py").read_text() + "\n# changed\n")
    assert model_cache.cache_key(digest) != key


def test_an_unreadable_cache_file_is_replaced(fresh) -> None:
    digest = classifier.data_digest(questions("train"))
    path = model_cache.cache_dir() / f"model-{model_cache.cache_key(digest)}.joblib"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"not a pickle")
    model = classifier.get_model()
    assert model.trained_on == len(questions("train"))
    assert path.stat().st_size > 1000


def test_cache_can_be_switched_off(fresh, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LAKEPILOT_ROUTER_CACHE", "off")
    classifier.get_model()
    assert not model_cache.cache_dir().exists()


def test_routing_in_a_new_process_uses_the_cache(tmp_path: Path) -> None:
    code = (
        "import time; from datetime import datetime, UTC\n"
        "from agents.orchestrator.router import route, classifier\n"
        "classifier.train = lambda items: (_ for _ in ()).throw(SystemExit('trained'))\n"
        "print(route('did jobs fail yesterday?', datetime(2026, 5, 1, tzinfo=UTC)).domains[0].domain)\n"
    )
    import os

    env = dict(os.environ)
    warm = subprocess.run([sys.executable, "-c", "from agents.orchestrator.router.classifier import get_model; get_model()"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert warm.returncode == 0, warm.stderr[-2000:]
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "reliability"
