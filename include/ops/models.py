"""Pydantic models of the `lakepilot.ops` tables.

Each model names its table and its natural key; the store MERGEs on that key, so writing the
same record twice (a retried task) updates one row instead of adding a second.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from include.clock import utcnow
from include.remediation.models import Action, Category, DecidedBy, Outcome

Domain = Literal["cost", "security", "performance", "reliability", "data_quality", "mlops"]
DOMAINS: tuple[Domain, ...] = ("cost", "security", "performance", "reliability", "data_quality", "mlops")
Severity = Literal["critical", "high", "medium", "low"]
SEVERITY_ORDER: dict[str, int] = {"critical": 0, "high": 1, "medium": 2, "low": 3}
AgentPath = Literal["deterministic", "llm"]


def stable_id(*parts: Any) -> str:
    """Deterministic short id from the natural-key values."""
    raw = json.dumps([p.isoformat() if isinstance(p, datetime | date) else p for p in parts], default=str)
    return hashlib.sha256(raw.encode()).hexdigest()[:24]


class OpsRecord(BaseModel):
    """A row of a `lakepilot.ops` table."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    __table__: ClassVar[str]
    __key__: ClassVar[tuple[str, ...]]

    def key(self) -> tuple[Any, ...]:
        return tuple(getattr(self, k) for k in self.__key__)


class Finding(OpsRecord):
    """One thing a health check found, measured and explained."""

    __table__ = "findings"
    __key__ = ("finding_id",)

    finding_id: str = ""
    domain: Domain
    check: str
    severity: Severity
    entity_type: str
    entity_id: str
    window_start: datetime
    window_end: datetime
    metric: str
    observed: float | None = None
    baseline: float | None = None
    summary: str
    recommendation: str
    evidence: dict[str, Any] = Field(default_factory=dict)
    agent_path: AgentPath = "deterministic"
    detected_at: datetime = Field(default_factory=utcnow)

    def model_post_init(self, _context: Any) -> None:
        if not self.finding_id:
            self.finding_id = stable_id(
                self.domain, self.check, self.entity_type, self.entity_id, self.window_start
            )


class HealthReport(OpsRecord):
    """The daily health report as rendered and sent."""

    __table__ = "health_reports"
    __key__ = ("report_date",)

    report_date: date
    generated_at: datetime = Field(default_factory=utcnow)
    title: str
    html: str
    path: str | None = None
    findings_by_severity: dict[str, int] = Field(default_factory=dict)
    findings_by_domain: dict[str, int] = Field(default_factory=dict)
    emailed_to: list[str] = Field(default_factory=list)
    warehouse: str = ""
    # What the report was rendered from (ReportData as JSON): the mail is rendered from this snapshot, so it
    # shows exactly what was stored, however much later it is sent. Empty for reports stored before.
    data: dict[str, Any] = Field(default_factory=dict)
    coverage: str = ""


class RemediationDecision(OpsRecord):
    """What LakePilot decided about one attempt of one failed run, and what came of it."""

    __table__ = "remediation_decisions"
    __key__ = ("run_id", "attempt")

    decision_id: str = ""
    run_id: str
    attempt: int
    job_id: str
    job_name: str = ""
    workspace_id: str = ""
    fingerprint: str
    category: Category
    action: Action
    confidence: float
    reason: str
    error_excerpt: str = ""
    decided_by: DecidedBy = "pattern"
    shadow: bool = False
    params_change: dict[str, Any] = Field(default_factory=dict)
    repair_id: str | None = None
    idempotency_token: str | None = None
    notified: list[str] = Field(default_factory=list)
    outcome: Outcome = "pending"
    outcome_at: datetime | None = None
    feedback: str | None = None
    decided_at: datetime = Field(default_factory=utcnow)
    # Added by the decision engine (include/remediation, docs/remediation.md): why, and what next.
    kind: str = ""
    owner: str | None = None
    termination_code: str | None = None
    task_keys: list[str] = Field(default_factory=list)
    rule_ids: list[str] = Field(default_factory=list)
    rules_version: str = ""
    guard: str | None = None
    not_before: datetime | None = None
    recipients: list[str] = Field(default_factory=list)
    incident_id: str | None = None
    duplicate_of: str | None = None
    params_rejected: list[dict[str, Any]] = Field(default_factory=list)
    llm_category: str | None = None
    llm_action: str | None = None
    llm_confidence: float | None = None
    llm_rationale: str | None = None
    llm_error: str | None = None
    llm_model: str | None = None
    policy_version: str = ""
    engine_version: str = ""
    # Added by the acting side (include/remediation/acting.py, docs/remediation.md "Acting"):
    run_page_url: str | None = None
    act_started_at: datetime | None = None  # claim written before any Jobs API call that starts a run
    act_detail: str | None = None  # what acting did, or why it did not (redacted)
    repaired_result: str | None = None  # result_state of the repair when it ended
    feedback_at: datetime | None = None
    cluster_at_failure: dict[str, Any] = Field(default_factory=dict)  # for replay: the cluster it failed on
    timeout_at_failure: int | None = None

    def model_post_init(self, _context: Any) -> None:
        if not self.decision_id:
            self.decision_id = stable_id(self.run_id, self.attempt)


class ProvisioningRun(OpsRecord):
    """One provisioning request from plan to apply."""

    __table__ = "provisioning_runs"
    __key__ = ("run_id",)

    run_id: str
    stack: str
    requester: str
    approver: str | None = None
    capabilities: list[str] = Field(default_factory=list)
    plan_hash: str | None = None
    plan_summary: dict[str, Any] = Field(default_factory=dict)
    resources: list[dict[str, Any]] = Field(default_factory=list)
    outputs: dict[str, Any] = Field(default_factory=dict)
    cost_estimate_usd: float | None = None
    outcome: str = "planned"
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    # Added by provisioning (all optional, so older rows still read):
    target: str = "sandbox"
    triggered_by: str | None = None
    plan_hashes: dict[str, str] = Field(default_factory=dict)
    capability_outcomes: dict[str, str] = Field(default_factory=dict)
    approvals: list[dict[str, Any]] = Field(default_factory=list)
    request: str = ""
    error: str | None = None
    agent_path: str = "plan_file"
    action: str = "apply"  # or "destroy" (decommission_infrastructure)


class ConversationTurn(OpsRecord):
    """One question and its answer in a conversation session."""

    __table__ = "conversations"
    __key__ = ("session_id", "turn")

    session_id: str
    turn: int
    question: str
    answer: str
    domains: list[str] = Field(default_factory=list)
    agents: list[str] = Field(default_factory=list)
    context: dict[str, Any] = Field(default_factory=dict)
    agent_path: AgentPath = "deterministic"
    created_at: datetime = Field(default_factory=utcnow)
    # Added by the orchestrator (agents/orchestrator, docs/orchestrator.md); optional, so older rows still read:
    request_id: str = ""
    status: str = ""
    headline: str = ""
    time_window: str = ""
    synthesis_fallback: str = ""
    details: dict[str, Any] = Field(default_factory=dict)


OPS_MODELS: dict[str, type[OpsRecord]] = {
    m.__table__: m for m in (Finding, HealthReport, RemediationDecision, ProvisioningRun, ConversationTurn)
}


def register_ops_model(model: type[OpsRecord]) -> type[OpsRecord]:
    """Add a further `lakepilot.ops` table (used as a class decorator by other packages)."""
    OPS_MODELS[model.__table__] = model
    return model
