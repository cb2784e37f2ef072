"""Airflow-side glue for LakePilot: connection resolution, sensors, triggers, operators, UI."""

from include.untrusted.logging_redaction import install as _install_log_redaction

_install_log_redaction()  # secrets never reach a log line of a process that loads LakePilot
