"""Airflow notifiers that mail people: approvers when a plan waits for them, owners when a task fails.

Both also post to Slack and Teams when the connections `lakepilot_slack` / `lakepilot_teams` exist
(`alerts.post_notice`). `ApprovalWaitingNotifier` is handed to the approval operator (`notifiers=`),
which calls it when the task starts waiting; `failure_notifier()` goes into every DAG's
`on_failure_callback`. Both send through `smtp_default` (the loopback sink locally); recipients and texts are `include.notify.airflow_notices`.
A notifier never fails its task: a mail that cannot be sent is logged.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from airflow.sdk import BaseNotifier

log = logging.getLogger(__name__)


def _task_link(context: Any, suffix: str = "") -> str:
    url = str(getattr(context["ti"], "log_url", "") or "")
    return url.split("?", 1)[0] + suffix


def _post(title: str, text: str, link: str) -> None:
    from lakepilot_airflow.alerts import post_notice

    try:
        told = post_notice(title, text, link)
    except Exception as exc:  # a notice must never fail the task it is about
        log.warning("could not post %s to chat: %s", title, type(exc).__name__)
        return
    if told:
        log.info("%s posted to %s", title, ", ".join(told))


def _send(message: Any, what: str) -> None:
    from include.notify.smtp import send_message
    from lakepilot_airflow.connections import resolve_smtp

    try:
        result = send_message(message, resolve_smtp())
        log.info("%s mailed to %s", what, ", ".join(result.accepted))
    except Exception as exc:  # a notice must never fail the task it is about
        log.warning("could not mail the %s: %s", what, exc)


class ApprovalWaitingNotifier(BaseNotifier):
    """Mail the approvers a plan step that waits for them: its summary, the deadline and the link."""

    template_fields: Sequence[str] = ()

    def __init__(self, *, subject: str, summary: str, approvers: list[str], timeout_s: int | None = None) -> None:
        super().__init__()
        self.subject = subject
        self.summary = summary
        self.approvers = approvers
        self.timeout_s = timeout_s

    def notify(self, context: Any) -> None:
        from include.notify.airflow_notices import WaitingApproval, approval_message, approver_recipients

        ti = context["ti"]
        waiting = WaitingApproval(dag_id=ti.dag_id, run_id=ti.run_id, task_id=ti.task_id, subject=self.subject,
                                  summary=self.summary, link=_task_link(context, "/required_actions"),
                                  timeout_s=self.timeout_s)
        _post(f"[LakePilot] Approval needed: {self.subject}", self.summary, waiting.link)
        to = approver_recipients(self.approvers)
        if not to:
            log.info("no approver e-mail (LAKEPILOT_APPROVER_EMAIL, or approvers that are addresses): not mailed")
            return
        _send(approval_message(waiting, to), f"approval request for {ti.task_id}")


class TaskFailedNotifier(BaseNotifier):
    """Mail `LAKEPILOT_FAILURE_EMAIL` (else `LAKEPILOT_ONCALL_EMAIL`) that a task failed for good."""

    template_fields: Sequence[str] = ()

    def notify(self, context: Any) -> None:
        from include.notify.airflow_notices import TaskFailure, failure_message, failure_recipients
        from include.untrusted.redaction import excerpt

        ti = context["ti"]
        error = context.get("exception")
        failure = TaskFailure(dag_id=ti.dag_id, run_id=ti.run_id, task_id=ti.task_id,
                              try_number=int(getattr(ti, "try_number", 0) or 0),
                              error=f"{type(error).__name__}: {error}" if error else "(no error given)",
                              link=_task_link(context))
        _post(f"[LakePilot] {ti.dag_id}.{ti.task_id} failed", excerpt(failure.error, 600), failure.link)
        to = failure_recipients()
        if not to:
            return
        _send(failure_message(failure, to), f"failure notice for {ti.dag_id}.{ti.task_id}")


def failure_notifier() -> list[BaseNotifier]:
    """What every DAG sets as `on_failure_callback` (a list, so more can be added)."""
    return [TaskFailedNotifier()]
