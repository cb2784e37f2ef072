"""A secret in a log message, its arguments or an exception's text never reaches the log output."""

from __future__ import annotations

import logging

import pytest

from include.untrusted import logging_redaction

TOKEN = "dapi" + "ab12" * 8


@pytest.fixture
def redacting():
    original = logging.getLogRecordFactory()
    logging_redaction.install()
    logging_redaction.install()  # twice: still one layer
    yield
    logging.setLogRecordFactory(original)


def test_messages_arguments_and_tracebacks_are_redacted(redacting, caplog) -> None:
    log = logging.getLogger("lakepilot.test")
    with caplog.at_level(logging.INFO):
        log.info("calling %s with password=%s", f"https://u:{TOKEN}@host/x", "hunter2")
        try:
            raise RuntimeError(f"401 for Authorization: Bearer {TOKEN}")
        except RuntimeError:
            log.exception("request failed")
    text = caplog.text
    assert TOKEN not in text and "hunter2" not in text
    assert "password=[REDACTED]" in text and "Bearer [REDACTED]" in text
    assert "request failed" in text and "RuntimeError" in text


def test_a_clean_record_keeps_its_arguments(redacting) -> None:
    record = logging.getLogRecordFactory()("x", logging.INFO, __file__, 1, "%d rows", (3,), None)
    assert record.args == (3,) and record.getMessage() == "3 rows"
