"""Typed values of the orchestrator: what each domain contributed, how results connect, the answer.

`Answer` is the public result of `agents.orchestrator.ask` (CLI `--json`, the ask DAG's XCom,
the Airflow UI's ask box). Every number in it comes from a health check, an allow-listed query
or arithmetic on those; the LLM (when configured) may only reword, never add numbers.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from agents.orchestrator.router.models import Clarification, DomainScore, RoutePath, TimeWindow
from include.health.analysis import AnalysedFinding, KeyNumber
from include.health.models import CheckError
from include.ops.models import AgentPath, Domain

DomainStatus = Literal["answered", "partial", "failed"]
SweepSource = Literal["stored", "cached", "swept"]
AnswerStatus = Literal["answered", "partial", "clarify", "failed"]
CorrelationKind = Literal[
    "same_job", "same_workspace", "same_cluster", "same_warehouse", "same_endpoint", "same_table", "same_day"
]


class EvidenceTable(BaseModel):
    """The result of one allow-listed read-only query run for a question."""

    name: str
    domain: Domain
    description: str
    status: Literal["ok", "error"]
    params: dict[str, Any] = Field(default_factory=dict)
    columns: list[str] = Field(default_factory=list)
    rows: list[dict[str, Any]] = Field(default_factory=list)
    row_count: int = 0
    truncated: bool = False
    error: str = ""


class SweepUsed(BaseModel):
    """One sweep a domain's answer rests on, and where it came from."""

    as_of: datetime
    window_start: datetime
    window_end: datetime
    source: SweepSource
    findings: int = 0


class DomainResult(BaseModel):
    """What one domain agent contributed to an answer (or why it could not)."""

    domain: Domain
    status: DomainStatus
    window_start: datetime | None = None
    window_end: datetime | None = None
    sweeps: list[SweepUsed] = Field(default_factory=list)
    headline: str = ""
    findings: list[AnalysedFinding] = Field(default_factory=list, description="Most severe first (capped).")
    findings_total: int = 0
    by_severity: dict[str, int] = Field(default_factory=dict)
    key_numbers: list[KeyNumber] = Field(default_factory=list)
    check_errors: list[CheckError] = Field(default_factory=list)
    evidence: list[EvidenceTable] = Field(default_factory=list)
    error: str = Field(default="", description="Why the domain could not answer (failed) or answered in part.")
    analysis_path: AgentPath = "deterministic"
    analysis_llm: str = ""
    fallback_reason: str = ""
    entity_refs: dict[str, list[str]] = Field(
        default_factory=dict, description="'job:<id>', 'workspace:<id>', … → 'check:finding_id' of the findings about it."
    )
    informational_ids: list[str] = Field(
        default_factory=list, description="Findings that report a state (top spenders, MTTR), not an anomaly."
    )
    notes: list[str] = Field(default_factory=list)
    duration_s: float = 0.0

    def evidence_table(self, name: str) -> EvidenceTable | None:
        """The named evidence query's result when it ran successfully."""
        return next((e for e in self.evidence if e.name == name and e.status == "ok"), None)


class Correlation(BaseModel):
    """Two or more domains' results touching the same thing, with shares computed from the data."""

    kind: CorrelationKind
    key: str = Field(description="What they share: a job id, workspace id, cluster, warehouse or day.")
    domains: list[Domain]
    statement: str
    numbers: dict[str, float] = Field(default_factory=dict)
    finding_ids: list[str] = Field(default_factory=list)
    evidence: list[str] = Field(default_factory=list, description="Names of the evidence queries used.")


class SynthesisInfo(BaseModel):
    """Which path wrote the answer text, and why the LLM's text was not used when it was not."""

    path: AgentPath = "deterministic"
    llm: str = "deterministic (no LLM configured)"
    fallback_reason: str = ""
    rejected_numbers: list[str] = Field(default_factory=list)


class Answer(BaseModel):
    """One coherent answer to a question, from every domain agent it needed."""

    session_id: str
    turn: int
    question: str
    status: AnswerStatus
    answer: str = Field(description="The full answer text (plain text with simple bullets).")
    headline: str
    domains: list[DomainScore] = Field(default_factory=list)
    time_window: TimeWindow | None = None
    now: datetime
    route_path: RoutePath = "offline"
    route_confidence: float = 0.0
    clarification: Clarification | None = None
    results: list[DomainResult] = Field(default_factory=list)
    correlations: list[Correlation] = Field(default_factory=list)
    followups: list[str] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    agent_path: AgentPath = "deterministic"
    synthesis: SynthesisInfo = Field(default_factory=SynthesisInfo)
    engine: str = ""
    duration_s: float = 0.0

    def agents(self) -> list[str]:
        """The domain agents that answered (fully or in part)."""
        return [r.domain for r in self.results if r.status != "failed"]

    def summary(self) -> dict[str, Any]:
        """A small JSON-able dict (Airflow XCom): the text and what produced it."""
        return {
            "session_id": self.session_id,
            "turn": self.turn,
            "question": self.question,
            "status": self.status,
            "answer": self.answer,
            "headline": self.headline,
            "domains": [d.domain for d in self.domains],
            "agents": self.agents(),
            "failed": {r.domain: r.error for r in self.results if r.status == "failed"},
            "time_window": self.time_window.describe() if self.time_window else None,
            "correlations": [c.statement for c in self.correlations],
            "followups": self.followups,
            "agent_path": self.agent_path,
            "synthesis_fallback": self.synthesis.fallback_reason,
            "clarification": self.clarification.question if self.clarification else None,
            "duration_s": round(self.duration_s, 3),
        }
