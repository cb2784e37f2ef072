"""Render the triage prompt: Jinja2 templates beside this module, error text as quoted data.

Everything that leaves for the model passes `redact` (secrets), is bounded (`MAX_ERROR_CHARS`),
and the error sits between marker lines carrying a nonce derived from the text itself, so the
text cannot contain its own closing marker. Marker-like sequences inside the text are defused.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment
from pydantic import BaseModel

from include.remediation.models import FailureContext, PatternTriage
from include.remediation.params import SPARK_CONF_KEYS, next_node_type
from include.templating import template_environment
from include.untrusted.redaction import excerpt, redact

PROMPTS = Path(__file__).resolve().parent / "prompts"
MAX_ERROR_CHARS = 4000
TOOL_NAME = "TriageAnalysis"

CATEGORY_MEANINGS = {
    "timeout": "the work ran past a time limit (run/task/query timeout, futures or broadcast timeouts)",
    "resource": "memory, disk, cluster capacity, quotas or throttling (OOM, no space left, cloud capacity)",
    "permission": "authentication or authorisation failed (grants, ACLs, expired or invalid credentials)",
    "syntax_code": "the code, query, schema or configuration is wrong (parse/analysis errors, exceptions in code, missing libraries)",
    "network": "connections failed at the transport level (reset, refused, DNS, TLS, socket timeouts, 5xx gateways)",
    "data_not_found": "an input table, schema, file, path, bucket or key does not exist",
    "other": "none of the above (concurrent write conflicts, platform internal errors, external termination)",
}
ACTION_MEANINGS = {
    "RETRY": "repair the run as is (transient failures)",
    "RETRY_WITH_NEW_PARAMS": "repair after an allowed cluster/run change (resource or run-timeout failures)",
    "SEND_EMAIL": "tell the job owner; a person must fix something",
    "ESCALATE": "page on-call; urgent or not understood",
}


class RenderedPrompt(BaseModel):
    """The two messages sent to the model, and what was shown of the error."""

    system: str
    user: str
    nonce: str
    shown_chars: int
    total_chars: int


@lru_cache(maxsize=1)
def _env() -> Environment:
    return template_environment(PROMPTS, trim_blocks=False, keep_trailing_newline=True)


def _defuse(text: str) -> str:
    return text.replace("<<<", "‹‹‹").replace(">>>", "›››")


def _allowed_changes(failure: FailureContext) -> list[str]:
    cluster = failure.cluster
    lines = []
    nxt = next_node_type(cluster.node_type_id if cluster else None)
    lines.append(f"node_type_id: exactly {nxt}" if nxt else "node_type_id: no larger node type is known")
    workers = None
    if cluster:
        workers = (
            cluster.autoscale_max_workers
            if cluster.autoscale_max_workers is not None
            else cluster.num_workers
        )
    lines.append(
        f"num_workers: more than {workers}, at most double"
        if workers
        else "num_workers: unknown, do not change"
    )
    lines.append(
        f"timeout_seconds: more than {failure.timeout_seconds}, at most double"
        if failure.timeout_seconds
        else "timeout_seconds: no timeout is configured"
    )
    lines.append("Spark settings that may only grow: " + ", ".join(SPARK_CONF_KEYS))
    return lines


def render_prompt(failure: FailureContext, pattern: PatternTriage) -> RenderedPrompt:
    """System + user messages for one failure; the error text redacted, bounded and quoted."""
    raw = failure.error_text()
    shown = _defuse(excerpt(raw, MAX_ERROR_CHARS))
    nonce = hashlib.sha256(shown.encode()).hexdigest()[:12]
    cluster = failure.cluster
    cluster_line = (
        f"node type {cluster.node_type_id or 'unknown'}, workers "
        f"{cluster.autoscale_max_workers if cluster.autoscale_max_workers is not None else cluster.num_workers}"
        if cluster
        else "unknown (serverless or not reported)"
    )
    system = (
        _env()
        .get_template("triage_system.j2")
        .render(
            categories=CATEGORY_MEANINGS,
            actions=ACTION_MEANINGS,
            allowed_changes=_allowed_changes(failure),
            nonce=nonce,
            tool_name=TOOL_NAME,
        )
    )
    user = (
        _env()
        .get_template("triage_user.j2")
        .render(
            result_state=redact(failure.result_state or ""),
            termination_code=redact(failure.termination_code or ""),
            task_keys=[redact(k)[:80] for k in failure.failed_task_keys()],
            cluster_line=redact(cluster_line),
            timeout_line=f"{failure.timeout_seconds}s" if failure.timeout_seconds else "none",
            pattern_category=pattern.category,
            pattern_kind=pattern.kind,
            pattern_confidence=pattern.confidence,
            rule_ids=pattern.rule_ids[:5],
            shown_chars=len(shown),
            total_chars=len(raw),
            nonce=nonce,
            error_text=shown,
            tool_name=TOOL_NAME,
        )
    )
    return RenderedPrompt(system=system, user=user, nonce=nonce, shown_chars=len(shown), total_chars=len(raw))
