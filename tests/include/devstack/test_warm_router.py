"""`lakepilot up` prepares the question router in a child process before anything else starts."""

from __future__ import annotations

from pathlib import Path

import pytest

from include.devstack.local_stack import LocalStack, LocalStackConfig


def test_a_router_that_cannot_be_prepared_is_reported_with_the_childs_error(tmp_path: Path) -> None:
    # A package named `agents` that fails on import, first on the child's path (the way a missing
    # dependency of the router fails), instead of the project's own.
    shadow = tmp_path / "shadow" / "agents"
    shadow.mkdir(parents=True)
    (shadow / "__init__.py").write_text("raise ImportError('the sentence encoder wheel is missing')\n")
    stack = LocalStack(LocalStackConfig(home=tmp_path / "home"))
    stack.service_env = {**stack.service_env, "PYTHONPATH": str(shadow.parent), "PYTHONSAFEPATH": "1"}
    with pytest.raises(RuntimeError, match=r"question router could not be prepared: ImportError: the sentence encoder"):
        stack.warm_router()


def test_the_router_is_prepared_into_the_shared_cache(tmp_path: Path) -> None:
    stack = LocalStack(LocalStackConfig(home=tmp_path / "home"))
    stack.warm_router()  # trains once per test run (the cache is shared), later calls load it
    assert list((Path(stack.service_env["LAKEPILOT_CACHE"]) / "router").glob("model-*.joblib"))
    assert stack.warm_router().startswith("question router loaded from the cache")  # what the banner says
