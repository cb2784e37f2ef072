"""Secrets never reach a log line: every record is redacted as it is created.

Exceptions from HTTP clients, warehouses and models carry URLs, headers and error bodies, and a
log line is read by more people than the error it came from. `install()` wraps the process's log
record factory once, so the rule holds for every logger (LakePilot's, Airflow's, libraries')
without each call site remembering it. The CLI installs it at start; the Airflow side when its
plugin package is imported (scheduler, api-server, triggerer and task processes).
"""

from __future__ import annotations

import logging
from typing import Any

from include.untrusted.redaction import redact

_INSTALLED = "_lakepilot_redacting"


def install() -> None:
    """Redact every log record's message from now on in this process (idempotent)."""
    previous = logging.getLogRecordFactory()
    if getattr(previous, _INSTALLED, False):
        return

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a malformed record is logged as it is, like logging does
            return record
        clean = redact(message)
        if clean != message:
            record.msg, record.args = clean, None
        if record.exc_info and not record.exc_text:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        return record

    setattr(factory, _INSTALLED, True)
    logging.setLogRecordFactory(factory)
