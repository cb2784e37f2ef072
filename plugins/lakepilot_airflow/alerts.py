"""Deliver an escalated alert (include.health.escalation) through every channel that is configured.

- **Mail**, always when there are recipients (`LAKEPILOT_ESCALATION_EMAIL`, else `LAKEPILOT_ONCALL_EMAIL`),
  through `smtp_default` (locally the loopback sink).
- **Slack** when the connection `lakepilot_slack` exists (type `slackwebhook`: the webhook URL or token in
  its password), through the Slack provider's `SlackWebhookHook`.
- **Microsoft Teams** when `lakepilot_teams` exists (type `http`: host `https://…`, the webhook's path and
  query — its secret part — in the password), an Adaptive Card posted through the HTTP provider's `HttpHook`.
- Approval requests and task failures (`notifiers.py`) go to Slack and Teams too (`post_notice`); PagerDuty
  only pages for critical findings.
- **PagerDuty** when `lakepilot_pagerduty` exists (type `pagerduty_events`: the integration key in its
  password), one event per issue deduplicated by the issue key, through the PagerDuty provider's hook.

A channel that fails is reported with its error (secrets redacted) and never stops the others.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from include.health.escalation import Alert, Delivery

log = logging.getLogger(__name__)

SLACK_CONN, TEAMS_CONN, PAGERDUTY_CONN = "lakepilot_slack", "lakepilot_teams", "lakepilot_pagerduty"


def findings_url(context: Any) -> str:
    """LakePilot's findings page on this Airflow (from the task's log link), or "" when unknown."""
    url = str(getattr(context.get("ti"), "log_url", "") or "")
    return url.split("/dags/", 1)[0] + "/lakepilot/findings" if "/dags/" in url else ""


def _mail(alert: Alert, link: str, renotify_hours: float) -> list[str]:
    from include.notify.alerts import alert_message, escalation_recipients
    from include.notify.smtp import send_message
    from lakepilot_airflow.connections import resolve_smtp

    to = escalation_recipients()
    if not to:
        return []
    result = send_message(alert_message(alert, to, renotify_hours=renotify_hours, findings_url=link), resolve_smtp())
    return list(result.accepted)


def _slack(alert: Alert, link: str) -> None:
    from airflow.providers.slack.hooks.slack_webhook import SlackWebhookHook

    from include.notify.alerts import slack_text

    SlackWebhookHook(slack_webhook_conn_id=SLACK_CONN).send_text(slack_text(alert, link))


def _post_teams(payload: dict[str, Any]) -> None:
    from airflow.providers.http.hooks.http import HttpHook

    from include.connections import get_connection

    conn = get_connection(TEAMS_CONN)
    HttpHook(method="POST", http_conn_id=TEAMS_CONN).run(endpoint=(conn.password or "") if conn else "", json=payload)


def _teams(alert: Alert, link: str) -> None:
    from include.notify.alerts import teams_card

    _post_teams(teams_card(alert, link))


def _pagerduty(alert: Alert, link: str) -> None:
    from airflow.providers.pagerduty.hooks.pagerduty_events import PagerdutyEventsHook

    from include.notify.alerts import pagerduty_events

    hook = PagerdutyEventsHook(pagerduty_events_conn_id=PAGERDUTY_CONN)
    for event in pagerduty_events(alert):
        hook.send_event(**event, links=[{"href": link, "text": "LakePilot findings"}] if link else None)


CHATS: dict[str, tuple[str, Callable[[Alert, str], None]]] = {
    "slack": (SLACK_CONN, _slack), "teams": (TEAMS_CONN, _teams), "pagerduty": (PAGERDUTY_CONN, _pagerduty),
}


def post_notice(title: str, text: str, link: str = "") -> list[str]:
    """A notice (a plan waiting for approval, a task that failed) to Slack and Teams when their connections exist.

    Returns the channels that took it; a failing channel is logged, never raised (a notice must not fail
    the task it is about).
    """
    from airflow.providers.slack.hooks.slack_webhook import SlackWebhookHook

    from include.connections import get_connection
    from include.notify.alerts import slack_notice, teams_notice
    from include.untrusted.redaction import excerpt

    sends: dict[str, Callable[[], None]] = {
        "slack": lambda: SlackWebhookHook(slack_webhook_conn_id=SLACK_CONN).send_text(slack_notice(title, text, link)),
        "teams": lambda: _post_teams(teams_notice(title, text, link)),
    }
    told = []
    for name, send in sends.items():
        try:
            if get_connection(CHATS[name][0]) is None:
                continue
            send()
            told.append(name)
        except Exception as exc:
            log.warning("could not post the notice to %s: %s", name, excerpt(f"{type(exc).__name__}: {exc}", 300))
    return told


def deliver_alert(alert: Alert, *, link: str = "", renotify_hours: float = 24.0) -> Delivery:
    """Send `alert` through mail and every chat/paging channel with a connection; say what each did."""
    from include.connections import get_connection
    from include.untrusted.redaction import excerpt

    delivery = Delivery()
    try:
        delivery.recipients = _mail(alert, link, renotify_hours)
        if delivery.recipients:
            delivery.delivered.append("mail")
    except Exception as exc:  # one channel failing must not keep the alert from the others
        delivery.failed["mail"] = excerpt(f"{type(exc).__name__}: {exc}", 300)
    for name, (conn_id, send) in CHATS.items():
        try:
            if get_connection(conn_id) is None:
                continue
            send(alert, link)
            delivery.delivered.append(name)
        except Exception as exc:
            delivery.failed[name] = excerpt(f"{type(exc).__name__}: {exc}", 300)
    for name, why in delivery.failed.items():
        log.warning("the alert could not go out by %s: %s", name, why)
    return delivery
