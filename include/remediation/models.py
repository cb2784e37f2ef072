"""Typed values of remediation: the failure seen, what triage made of it, what may be done.

These cross the boundary between the sensor (which builds a `FailureContext` from the Jobs API),
triage (pattern engine, optional LLM), the decision engine and the acting tasks. Job and run ids
always come from the Jobs API into `FailureContext`; nothing derived from error text can set them.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from include.untrusted.limits import ERROR_TEXT, Clipped, clip
from include.untrusted.redaction import redact

Category = Literal["timeout", "resource", "permission", "syntax_code", "network", "data_not_found", "other"]
CATEGORIES: tuple[Category, ...] = (
    "timeout",
    "resource",
    "permission",
    "syntax_code",
    "network",
    "data_not_found",
    "other",
)
Action = Literal["RETRY", "RETRY_WITH_NEW_PARAMS", "SEND_EMAIL", "ESCALATE", "IGNORE"]
ACTIONS: tuple[Action, ...] = ("RETRY", "RETRY_WITH_NEW_PARAMS", "SEND_EMAIL", "ESCALATE", "IGNORE")
RUN_STARTING: frozenset[str] = frozenset({"RETRY", "RETRY_WITH_NEW_PARAMS"})
NOTIFYING: frozenset[str] = frozenset({"SEND_EMAIL", "ESCALATE"})

# Which path classified the failure (recorded on every decision).
DecidedBy = Literal[
    "pattern",  # no LLM configured
    "pattern_fallback",  # LLM configured but failed / timed out / answered out of bounds
    "pattern+llm",  # both agreed
    "pattern_over_llm",  # they disagreed; a confident pattern won, with lowered confidence
    "llm",  # no pattern matched; the LLM's category was used
    "disagreement",  # they disagreed and neither was confident: a human decides
]
# What came of a decision (docs/remediation.md "Acting"): pending -> acted -> succeeded | failed for runs
# LakePilot started; notified, ignored, skipped (a guard held it back) or error otherwise; shadow rows never act.
Outcome = Literal["pending", "acted", "succeeded", "failed", "notified", "ignored", "skipped", "error", "shadow"]
RuleField = Literal["error", "termination_code", "result_state"]

_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")


def _untrusted_error(value: object) -> str:
    """Error output as LakePilot keeps it: secrets redacted, bounded to `ERROR_TEXT` (head and tail)."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    return clip(redact(text), ERROR_TEXT).text


def _check_id(value: str, what: str) -> str:
    value = str(value).strip()
    if not _ID.match(value):
        raise ValueError(f"{what} {value!r} must be 1-64 characters of letters, digits, '_', '.', ':' or '-'")
    return value


class ClusterSettings(BaseModel):
    """The job cluster's settings that a remediation may change (from the job / run spec)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    node_type_id: str | None = None
    driver_node_type_id: str | None = None
    num_workers: int | None = Field(default=None, ge=0)
    autoscale_max_workers: int | None = Field(default=None, ge=1)
    spark_conf: dict[str, str] = Field(default_factory=dict)
    job_cluster_key: str | None = None


class TaskFailure(BaseModel):
    """One failed task of the run, with the output `runs/get-output` gave for it."""

    model_config = ConfigDict(extra="forbid")

    task_key: str
    task_run_id: str | None = None
    attempt_number: int = 0
    result_state: str | None = None
    state_message: str = ""
    error: str = ""
    error_trace: str = ""
    logs_tail: str = ""

    @field_validator("state_message", "error", "error_trace", "logs_tail", mode="before")
    @classmethod
    def _bounded(cls, value: object) -> str:
        return _untrusted_error(value)


class FailureContext(BaseModel):
    """One failed attempt of one job run, as the Jobs API described it.

    `attempt` is the repair count of the run: 0 for the original run, k after the k-th repair
    (the index of the run's latest `repair_history` item). (run_id, attempt) keys the ledger.
    """

    model_config = ConfigDict(extra="forbid")

    workspace_id: str = ""
    job_id: str
    run_id: str
    attempt: int = Field(default=0, ge=0)
    job_name: str = ""
    owner: str | None = None
    result_state: str | None = None
    termination_code: str | None = None
    termination_type: str | None = None
    state_message: str = ""
    tasks: list[TaskFailure] = Field(default_factory=list)
    cluster: ClusterSettings | None = None
    timeout_seconds: int | None = Field(default=None, ge=0)
    latest_repair_id: str | None = None
    failed_at: datetime | None = None

    @field_validator("job_id", "run_id", mode="before")
    @classmethod
    def _ids(cls, value: object, info: ValidationInfo) -> str:
        return _check_id(str(value), str(info.field_name))

    @field_validator("state_message", mode="before")
    @classmethod
    def _bounded(cls, value: object) -> str:
        return _untrusted_error(value)

    def _error(self) -> Clipped:
        parts: list[str] = []
        for task in self.tasks:
            parts.extend(p for p in (task.error, task.state_message, task.error_trace, task.logs_tail) if p)
        if self.state_message:
            parts.append(self.state_message)
        return clip("\n".join(dict.fromkeys(parts)), ERROR_TEXT)

    def error_text(self) -> str:
        """All error text of the attempt, most specific first (task errors, traces, run message).

        Redacted, and bounded to `ERROR_TEXT` with a marker counting what was cut.
        """
        return self._error().text

    def error_cut(self) -> tuple[int, int]:
        """(characters received, characters kept) of the attempt's error text; equal when nothing was cut."""
        clipped = self._error()
        return clipped.received, clipped.received - clipped.omitted

    def failed_task_keys(self) -> list[str]:
        return [t.task_key for t in self.tasks]


class PatternMatch(BaseModel):
    """One rule that matched, with the (redacted) text it matched."""

    rule_id: str
    category: Category
    kind: str
    confidence: float
    field: RuleField
    matched: str


class PatternTriage(BaseModel):
    """The pattern engine's verdict: best match, and every match for the record."""

    category: Category
    kind: str
    confidence: float = Field(ge=0.0, le=1.0)
    matches: list[PatternMatch] = Field(default_factory=list)
    rules_version: str

    @property
    def rule_ids(self) -> list[str]:
        return [m.rule_id for m in self.matches]


class LLMOpinion(BaseModel):
    """What the model said, already validated against the closed sets (see `TriageAnalysis`)."""

    category: Category
    suggested_action: Action
    confidence: float = Field(ge=0.0, le=1.0)
    rationale: str = ""
    params_change: dict[str, object] = Field(default_factory=dict)


class TriageResult(BaseModel):
    """Triage of one failure: the pattern verdict and, when an LLM ran, its opinion or its error."""

    pattern: PatternTriage
    llm: LLMOpinion | None = None
    llm_error: str | None = None
    llm_model: str | None = None
    llm_configured: bool = False
    excerpt: str = ""
