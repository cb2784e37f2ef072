"""The house rules ruff enforces (incl. Airflow `AIR` and bandit `S` rules) hold across the project;
mypy --strict is clean on `include/`, `agents/`, `plugins/` and `cli/`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_ruff_is_clean() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "dags", "plugins", "include", "agents", "cli", "tests", "bench"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-2000:]


def test_mypy_is_clean() -> None:
    """mypy --strict on `include/`, `agents/`, `plugins/` and `cli/`, as configured in pyproject.toml's
    [tool.mypy]."""
    result = subprocess.run(
        [sys.executable, "-m", "mypy"],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-2000:]
