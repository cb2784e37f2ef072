"""Run a blocking call (an LLM request) with a deadline, without waiting for it past the deadline."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from typing import Any


def call_with_deadline(fn: Callable[..., Any], *args: Any, timeout_s: float, name: str = "lakepilot-llm") -> Any:
    """`fn(*args)` in a daemon thread: its result, its exception re-raised, or TimeoutError after `timeout_s`.

    A call that overruns is abandoned, not joined: the daemon thread cannot keep a task or the
    interpreter alive, and the caller falls back at once.
    """
    box: queue.Queue[tuple[bool, Any]] = queue.Queue(maxsize=1)

    def run() -> None:
        try:
            box.put((True, fn(*args)))
        except BaseException as exc:  # noqa: BLE001 - handed to the caller
            box.put((False, exc))

    threading.Thread(target=run, name=name, daemon=True).start()
    try:
        ok, value = box.get(timeout=timeout_s)
    except queue.Empty as exc:
        raise TimeoutError(f"no answer within {timeout_s:g}s") from exc
    if not ok:
        raise value
    return value
