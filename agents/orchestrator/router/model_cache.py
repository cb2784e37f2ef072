"""The trained router model cached on disk, so a new process does not retrain it.

Training (cross-validated thresholds) takes seconds on an idle machine and tens of seconds on a
busy one, and every `lakepilot ask`, DAG task and api-server process would pay it. The cache key
hashes everything the model depends on — the training questions, the router's source files, and
the scikit-learn and Python versions — so a cached model can never be stale: change any of them
and the next process trains afresh and writes a new entry.

The file is a pickle (joblib), written atomically into LakePilot's own cache directory
(`LAKEPILOT_CACHE`, default `<state>/cache`) and read only from there. `LAKEPILOT_ROUTER_CACHE=off`
disables it. The cache key also covers the sentence encoder's files (`encoder.fingerprint`).
"""

from __future__ import annotations

import hashlib
import logging
import os
import platform
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from include import config

log = logging.getLogger(__name__)

ENV_SWITCH = "LAKEPILOT_ROUTER_CACHE"
_CODE_DIR = Path(__file__).resolve().parent


def cache_key(data_digest: str) -> str:
    """Hash of the data, the router's code and the library versions the model was built with."""
    import sklearn

    from agents.orchestrator.router.encoder import fingerprint

    digest = hashlib.sha256()
    digest.update(data_digest.encode())
    for path in sorted(_CODE_DIR.glob("*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    digest.update(f"sklearn {sklearn.__version__} python {platform.python_version()}".encode())
    digest.update(repr(sorted(fingerprint().items())).encode())
    return digest.hexdigest()[:20]


def cache_dir() -> Path:
    return config.cache_dir() / "router"


def enabled() -> bool:
    return os.environ.get(ENV_SWITCH, "on").strip().lower() not in {"off", "0", "false", "no"}


def load_or_train(data_digest: str, train: Callable[[], Any]) -> Any:
    """The cached model for this data and code, or `train()`'s result (then cached)."""
    if not enabled():
        return train()
    import joblib

    path = cache_dir() / f"model-{cache_key(data_digest)}.joblib"
    if path.is_file():
        try:
            model = joblib.load(path)
            log.info("router model loaded from %s", path)
            return model
        except Exception as exc:  # a truncated or foreign file: train again and replace it
            log.warning("router model cache %s unreadable (%s); training again", path, exc)
    model = train()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".tmp", delete=False) as tmp:
            joblib.dump(model, tmp.name)
        os.replace(tmp.name, path)
        log.info("router model cached at %s", path)
    except OSError as exc:  # a read-only state dir only costs the next process a retrain
        log.warning("router model not cached (%s)", exc)
    return model
