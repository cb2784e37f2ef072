"""The remediation policy: what each kind of failure gets, and the limits around acting.

One typed value with safe defaults. The Airflow side reads overrides from a Variable (JSON)
inside the task and validates them here; an unknown key or a value out of range is an error
that names the field. `allowed_actions` is the hard allow-list: neither the LLM nor any rule can
produce an action outside it for a category.
"""

from __future__ import annotations

import hashlib
import json

from pydantic import BaseModel, ConfigDict, Field, model_validator

from include.remediation.models import Action, Category
from include.remediation.params import ParamsLimits

DEFAULT_ALLOWED: dict[str, list[Action]] = {
    "network": ["RETRY", "SEND_EMAIL", "ESCALATE"],
    "timeout": ["RETRY", "RETRY_WITH_NEW_PARAMS", "SEND_EMAIL", "ESCALATE"],
    "resource": ["RETRY", "RETRY_WITH_NEW_PARAMS", "SEND_EMAIL", "ESCALATE"],
    "permission": ["SEND_EMAIL", "ESCALATE"],
    "syntax_code": ["SEND_EMAIL", "ESCALATE"],
    "data_not_found": ["SEND_EMAIL", "ESCALATE"],
    "other": ["RETRY", "SEND_EMAIL", "ESCALATE"],
}
# The remedy per "category/kind", falling back to "category". What a careful on-call engineer
# does first: retry the transient, resize for memory/disk, tell the owner about the rest.
DEFAULT_REMEDY: dict[str, Action] = {
    "network": "RETRY",
    "timeout": "RETRY",
    "timeout/run_timeout": "RETRY_WITH_NEW_PARAMS",
    "resource": "SEND_EMAIL",
    "resource/memory": "RETRY_WITH_NEW_PARAMS",
    "resource/disk": "RETRY_WITH_NEW_PARAMS",
    "resource/capacity": "RETRY",
    "resource/quota": "RETRY",
    "permission": "SEND_EMAIL",
    "syntax_code": "SEND_EMAIL",
    "data_not_found": "SEND_EMAIL",
    "other": "SEND_EMAIL",
    "other/conflict": "RETRY",
    "other/platform": "RETRY",
}
# Transient failures get `max_retries_transient` plain retries per run; everything else one.
DEFAULT_TRANSIENT = [
    "network",
    "timeout/transient",
    "resource/capacity",
    "resource/quota",
    "other/conflict",
    "other/platform",
]
# Terminal states that are not failures to remediate (someone cancelled, or it was skipped).
DEFAULT_NOT_FAILURES = [
    "USER_CANCELED",
    "CANCELED",
    "CANCELLED",
    "SKIPPED",
    "CLUSTER_TERMINATED_BY_USER",
    "DISABLED",
]


class RemediationPolicy(BaseModel):
    """Every knob of the decision engine, with production defaults."""

    model_config = ConfigDict(extra="forbid")

    shadow: bool = Field(default=False, description="decide and record, never act")
    max_retries_transient: int = Field(default=3, ge=0, le=10)
    max_retries_other: int = Field(default=1, ge=0, le=5)
    job_daily_budget: int = Field(default=6, ge=0, description="run-starting actions per job per UTC day")
    backoff_base_seconds: int = Field(default=60, ge=0)
    backoff_factor: float = Field(default=2.0, ge=1.0, le=10.0)
    backoff_max_seconds: int = Field(default=3600, ge=0)
    breaker_threshold: int = Field(default=3, ge=1, description="failed remediations that open the breaker")
    breaker_window_minutes: int = Field(default=360, ge=1)
    dedup_window_minutes: int = Field(default=1440, ge=0, description="same failure notified once per window")
    min_confidence_to_act: float = Field(default=0.6, ge=0.0, le=1.0)
    pattern_wins_at: float = Field(default=0.85, ge=0.0, le=1.0)
    disagreement_factor: float = Field(default=0.8, gt=0.0, le=1.0)
    llm_only_max_confidence: float = Field(default=0.7, ge=0.0, le=1.0)
    llm_alone_can_act: bool = Field(
        default=False, description="may an LLM-only classification (no pattern matched) start a run?"
    )
    oncall: list[str] = Field(default_factory=list, description="who an ESCALATE notifies")
    limits: ParamsLimits = Field(default_factory=ParamsLimits)
    allowed_actions: dict[Category, list[Action]] = Field(default_factory=lambda: dict(DEFAULT_ALLOWED))  # type: ignore[arg-type]
    remedy: dict[str, Action] = Field(default_factory=lambda: dict(DEFAULT_REMEDY))
    transient: list[str] = Field(default_factory=lambda: list(DEFAULT_TRANSIENT))
    not_failures: list[str] = Field(default_factory=lambda: list(DEFAULT_NOT_FAILURES))

    @model_validator(mode="after")
    def _remedies_are_allowed(self) -> RemediationPolicy:
        for key, action in self.remedy.items():
            category = key.split("/", 1)[0]
            if category not in self.allowed_actions:
                raise ValueError(f"remedy {key!r}: unknown category {category!r}")
            if action not in self.allowed_actions[category]:
                raise ValueError(f"remedy {key!r}: {action} is not in allowed_actions[{category}]")
        return self

    def allowed(self, category: str) -> list[Action]:
        return list(self.allowed_actions.get(category, ["SEND_EMAIL", "ESCALATE"]))  # type: ignore[call-overload]

    def remedy_for(self, category: str, kind: str) -> Action:
        return self.remedy.get(f"{category}/{kind}") or self.remedy.get(category) or "SEND_EMAIL"

    def is_transient(self, category: str, kind: str) -> bool:
        return category in self.transient or f"{category}/{kind}" in self.transient

    def version(self) -> str:
        """Short hash of the policy, recorded on each decision so a replay knows what ran."""
        return hashlib.sha256(json.dumps(self.model_dump(mode="json"), sort_keys=True).encode()).hexdigest()[
            :12
        ]
