"""Mail for people Airflow is waiting on or has let down: a plan waiting for approval, a task that failed.

Pure: the messages are built here from plain values and sent by `include.notify.smtp`; the Airflow
notifiers that call them live in `plugins/lakepilot_airflow/notifiers.py`. Recipients come from the
environment (`LAKEPILOT_APPROVER_EMAIL`, `LAKEPILOT_FAILURE_EMAIL`, else `LAKEPILOT_ONCALL_EMAIL`;
comma-separated) plus approvers whose user ids are addresses. The plan summary is our own text; a
failure's error is untrusted and is redacted and cut before it goes into a mail.
"""

from __future__ import annotations

import os
from email.message import EmailMessage
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment
from pydantic import BaseModel

from include.notify.message import addresses, build_message
from include.templating import template_environment
from include.untrusted.redaction import excerpt

TEMPLATES = Path(__file__).resolve().parent / "templates"
APPROVER_ENV = "LAKEPILOT_APPROVER_EMAIL"
FAILURE_ENV = "LAKEPILOT_FAILURE_EMAIL"
ONCALL_ENV = "LAKEPILOT_ONCALL_EMAIL"
ERROR_CHARS = 600


@lru_cache(maxsize=1)
def _env() -> Environment:
    return template_environment(TEMPLATES, "mixed", trim_blocks=False, keep_trailing_newline=True)


def approver_recipients(approvers: list[str]) -> list[str]:
    return addresses(os.environ.get(APPROVER_ENV), *approvers)


def failure_recipients() -> list[str]:
    return addresses(os.environ.get(FAILURE_ENV) or os.environ.get(ONCALL_ENV))


class WaitingApproval(BaseModel):
    """A plan step waiting for a person: what to look at and where to answer."""

    dag_id: str
    run_id: str
    task_id: str
    subject: str
    summary: str
    link: str
    timeout_s: int | None = None


class TaskFailure(BaseModel):
    dag_id: str
    run_id: str
    task_id: str
    try_number: int
    error: str
    link: str


def approval_message(waiting: WaitingApproval, to: list[str]) -> EmailMessage:
    values = waiting.model_dump()
    return build_message(f"[LakePilot] Approval needed: {waiting.subject}", to,
                         _env().get_template("approval_waiting.html.j2").render(**values),
                         _env().get_template("approval_waiting.txt.j2").render(**values))


def failure_message(failure: TaskFailure, to: list[str]) -> EmailMessage:
    values = {**failure.model_dump(), "error": excerpt(failure.error, ERROR_CHARS)}
    return build_message(f"[LakePilot] {failure.dag_id}.{failure.task_id} failed", to,
                         _env().get_template("task_failed.html.j2").render(**values),
                         _env().get_template("task_failed.txt.j2").render(**values))
