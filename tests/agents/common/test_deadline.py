"""call_with_deadline: result, the callee's own exception, or TimeoutError without waiting for the callee."""

import threading
import time

import pytest

from agents.common.deadline import call_with_deadline


def test_returns_the_result_and_passes_arguments() -> None:
    assert call_with_deadline(lambda a, b: a + b, 2, 3, timeout_s=5) == 5


def test_reraises_the_callees_exception_unchanged() -> None:
    def boom() -> None:
        raise ValueError("bad output")

    with pytest.raises(ValueError, match="bad output"):
        call_with_deadline(boom, timeout_s=5)


def test_overrunning_call_times_out_and_is_abandoned_not_joined() -> None:
    release = threading.Event()
    started = time.monotonic()
    with pytest.raises(TimeoutError, match="no answer within 0.2s"):
        call_with_deadline(release.wait, 30, timeout_s=0.2, name="test-hung-llm")
    assert time.monotonic() - started < 10  # did not wait for the 30 s callee
    hung = [t for t in threading.enumerate() if t.name == "test-hung-llm"]
    assert hung and all(t.daemon for t in hung)
    release.set()
