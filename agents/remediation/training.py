"""Chat fine-tuning data from confirmed decisions (OpenAI chat format, one JSON object per line).

A decision is *confirmed* when someone gave feedback `correct`, or, without feedback, when the
repair it started succeeded. Feedback `wrong` always excludes it. Each example is the production
prompt (system + user, rendered by `prompting.render_prompt` from what the ledger keeps: the
redacted excerpt, termination code, failed tasks, cluster) and the answer the triage tool should
give (category, first remedy, confidence, short rationale) as the assistant message.

Everything is redacted again on the way out, and an example in which `find_secrets` still sees
anything is dropped and counted.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from agents.remediation.prompting import render_prompt
from include.ops.models import RemediationDecision
from include.remediation.patterns import RuleSet, classify_failure
from include.remediation.policy import RemediationPolicy
from include.remediation.replay import failure_from_decision
from include.untrusted.redaction import find_secrets, redact

# Guards that changed *what could be done*, not what the failure is: the example teaches the remedy.
_CIRCUMSTANTIAL_GUARDS = frozenset({"retry_limit", "breaker_open", "budget_exhausted", "duplicate", "no_allowed_change"})
RATIONALE_CHARS = 400


class ExportReport(BaseModel):
    """What an export wrote and what it left out, by reason."""

    path: str
    written: int = 0
    skipped: dict[str, int] = Field(default_factory=dict)


def is_confirmed(d: RemediationDecision) -> bool:
    if d.feedback == "wrong":
        return False
    return d.feedback == "correct" or d.outcome == "succeeded"


def _target_action(d: RemediationDecision, policy: RemediationPolicy) -> str | None:
    if d.guard in _CIRCUMSTANTIAL_GUARDS:
        return policy.remedy_for(d.category, d.kind)
    return d.action if d.action != "IGNORE" else None


def training_example(d: RemediationDecision, policy: RemediationPolicy, rules: RuleSet | None = None) -> dict[str, Any] | None:
    """One `{"messages": [...]}` example, or None when the decision cannot teach anything."""
    action = _target_action(d, policy)
    if action is None:
        return None
    failure = failure_from_decision(d)
    prompt = render_prompt(failure, classify_failure(failure, rules))
    answer: dict[str, Any] = {
        "category": d.category,
        "suggested_action": action,
        "confidence": round(max(d.confidence, 0.5), 2),
        "rationale": redact(f"{d.category}/{d.kind or 'unknown'}: {d.reason}")[:RATIONALE_CHARS],
    }
    if action == "RETRY_WITH_NEW_PARAMS" and d.params_change:
        answer["params_change"] = d.params_change
    return {
        "messages": [
            {"role": "system", "content": redact(prompt.system)},
            {"role": "user", "content": redact(prompt.user)},
            {"role": "assistant", "content": redact(json.dumps(answer, sort_keys=True))},
        ]
    }


def export_training(
    decisions: list[RemediationDecision], out: Path, policy: RemediationPolicy | None = None,
    rules: RuleSet | None = None,
) -> ExportReport:
    """Write confirmed decisions as chat examples to `out` (atomically: all lines or no file)."""
    policy = policy or RemediationPolicy()
    report = ExportReport(path=str(out))
    lines: list[str] = []
    for d in sorted(decisions, key=lambda x: (x.decided_at, x.decision_id)):
        reason = None
        if not is_confirmed(d):
            reason = "not confirmed"
        elif (example := training_example(d, policy, rules)) is None:
            reason = "nothing to teach (IGNORE)"
        else:
            text = json.dumps(example, ensure_ascii=False)
            if find_secrets(text):
                reason = "secret still visible after redaction"
            else:
                lines.append(text)
        if reason:
            report.skipped[reason] = report.skipped.get(reason, 0) + 1
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write("".join(line + "\n" for line in lines))
    os.replace(tmp, out)
    report.written = len(lines)
    return report
