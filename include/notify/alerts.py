"""An escalated alert as each channel wants it: a mail, a Slack message, a Teams card, PagerDuty events.

Pure: built from `include.health.escalation.Alert`; sent by `plugins/lakepilot_airflow/alerts.py`.
Summaries carry names read from the system tables (jobs, tables, users, addresses), so every channel
gets them escaped for its own markup: HTML-escaped in the mail, `&`, `<` and `>` escaped for Slack
(no `<!channel>` or link can be smuggled in), plain text in Teams' TextBlocks and PagerDuty's fields.
Recipients: `LAKEPILOT_ESCALATION_EMAIL`, else `LAKEPILOT_ONCALL_EMAIL` (comma-separated).
"""

from __future__ import annotations

import os
from email.message import EmailMessage
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment

from include.health.escalation import Alert
from include.notify.message import addresses, build_message
from include.templating import template_environment

TEMPLATES = Path(__file__).resolve().parent / "templates"
ESCALATION_ENV = "LAKEPILOT_ESCALATION_EMAIL"
ONCALL_ENV = "LAKEPILOT_ONCALL_EMAIL"
TEXT_CHARS = 600  # per summary or recommendation in chat channels
PAGERDUTY_SEVERITY = {"critical": "critical", "high": "error", "medium": "warning", "low": "info"}


@lru_cache(maxsize=1)
def _env() -> Environment:
    return template_environment(TEMPLATES, "mixed", trim_blocks=False, keep_trailing_newline=True)


def escalation_recipients() -> list[str]:
    return addresses(os.environ.get(ESCALATION_ENV) or os.environ.get(ONCALL_ENV))


def _values(alert: Alert, renotify_hours: float, findings_url: str) -> dict[str, Any]:
    return {"label": alert.domain.replace("_", " "), "as_of": f"{alert.as_of:%Y-%m-%d %H:%M} UTC",
            "severity": alert.severity, "issues": alert.issues, "renotify_hours": f"{renotify_hours:g}",
            "findings_url": findings_url}


def alert_message(alert: Alert, to: list[str], *, renotify_hours: float, findings_url: str = "") -> EmailMessage:
    values = _values(alert, renotify_hours, findings_url)
    return build_message(alert.subject, to, _env().get_template("critical_alert.html.j2").render(**values),
                         _env().get_template("critical_alert.txt.j2").render(**values))


def _cut(text: str, limit: int = TEXT_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def slack_escape(text: str) -> str:
    """Slack's three control characters escaped, so text cannot mention @channel or make a link."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_text(alert: Alert, findings_url: str = "") -> str:
    lines = [f"*{slack_escape(alert.subject)}*"]
    for i in alert.issues:
        lines.append(f"• *{i.severity.upper()}* `{slack_escape(_cut(i.check, 80))}` on {slack_escape(_cut(i.entity_id, 120))}: "
                     f"{slack_escape(_cut(i.summary))}\n   _What to do:_ {slack_escape(_cut(i.recommendation))}\n"
                     f"   Acknowledge: `lakepilot findings ack {i.issue_key} --why ...`")
    if findings_url:
        lines.append(f"<{findings_url}|Open the findings in LakePilot>")
    return "\n".join(lines)


def teams_card(alert: Alert, findings_url: str = "") -> dict[str, Any]:
    """A Teams message with one Adaptive Card (what Teams' Workflows webhooks accept); TextBlocks, no markup."""
    body: list[dict[str, Any]] = [{"type": "TextBlock", "text": alert.subject, "weight": "Bolder", "wrap": True}]
    for i in alert.issues:
        body.append({"type": "TextBlock", "wrap": True, "separator": True,
                     "text": f"{i.severity.upper()} {_cut(i.check, 80)} on {_cut(i.entity_id, 120)}: {_cut(i.summary)}"})
        body.append({"type": "TextBlock", "wrap": True, "isSubtle": True,
                     "text": f"What to do: {_cut(i.recommendation)} — acknowledge: lakepilot findings ack {i.issue_key}"})
    card: dict[str, Any] = {"type": "AdaptiveCard", "version": "1.4",
                            "$schema": "http://adaptivecards.io/schemas/adaptive-card.json", "body": body}
    if findings_url:
        card["actions"] = [{"type": "Action.OpenUrl", "title": "Open in LakePilot", "url": findings_url}]
    return {"type": "message", "attachments": [{"contentType": "application/vnd.microsoft.card.adaptive", "content": card}]}


def slack_notice(title: str, text: str, link: str = "") -> str:
    """A plain notice (a plan waiting, a task failed) for Slack; `text` may be untrusted (an error) and is escaped."""
    body = f"*{slack_escape(_cut(title, 200))}*\n{slack_escape(_cut(text, 1500))}"
    return body + (f"\n<{link}|Open in Airflow>" if link else "")


def teams_notice(title: str, text: str, link: str = "") -> dict[str, Any]:
    """The same notice as a Teams Adaptive Card."""
    card: dict[str, Any] = {"type": "AdaptiveCard", "version": "1.4",
                            "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
                            "body": [{"type": "TextBlock", "text": _cut(title, 200), "weight": "Bolder", "wrap": True},
                                     {"type": "TextBlock", "text": _cut(text, 1500), "wrap": True}]}
    if link:
        card["actions"] = [{"type": "Action.OpenUrl", "title": "Open in Airflow", "url": link}]
    return {"type": "message", "attachments": [{"contentType": "application/vnd.microsoft.card.adaptive", "content": card}]}


def pagerduty_events(alert: Alert) -> list[dict[str, Any]]:
    """One trigger event per issue, deduplicated by the issue key (PagerDuty keeps one incident per issue)."""
    return [{"summary": _cut(f"{i.check} on {i.entity_id}: {i.summary}", 1000), "severity": PAGERDUTY_SEVERITY[i.severity],
             "source": f"lakepilot/{i.domain}", "component": i.entity_type, "group": i.domain, "class_type": i.check,
             "dedup_key": f"lakepilot-{i.issue_key}", "custom_details": {"recommendation": _cut(i.recommendation, 1000),
             "finding_id": i.finding_id, "first_seen": i.first_seen.isoformat(), "times_told": i.times_told}}
            for i in alert.issues]
