"""Typed values the router returns: scored domains, a time window, a clarification."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from include.clock import as_utc
from include.ops.models import DOMAINS, Domain

RoutePath = Literal["offline", "llm", "llm+offline"]
Granularity = Literal["hour", "day", "week", "month", "quarter", "year", "rolling", "custom"]


class DomainScore(BaseModel):
    """One domain the router picked (or offers), with how sure it is (0..1)."""

    model_config = ConfigDict(frozen=True)

    domain: Domain
    confidence: float = Field(ge=0.0, le=1.0)


class TimeWindow(BaseModel):
    """A half-open UTC interval [start, end) a question is about.

    `comparison` is the baseline window when the question compares periods ("this week vs last").
    """

    model_config = ConfigDict(frozen=True)

    start: datetime
    end: datetime
    granularity: Granularity
    label: str = Field(description="What the user said, normalised, e.g. 'last Tuesday'.")
    comparison: TimeWindow | None = None

    @field_validator("start", "end")
    @classmethod
    def _utc(cls, value: datetime) -> datetime:
        return as_utc(value)

    @model_validator(mode="after")
    def _ordered(self) -> TimeWindow:
        if self.start > self.end:
            raise ValueError(f"time window starts after it ends: {self.start} > {self.end}")
        return self

    def describe(self) -> str:
        """One line for logs and answers, e.g. 'last week [2025-03-03 → 2025-03-10)'."""
        text = f"{self.label} [{self.start:%Y-%m-%d %H:%M} → {self.end:%Y-%m-%d %H:%M}) UTC"
        if self.comparison is not None:
            text += f" vs {self.comparison.describe()}"
        return text


class Clarification(BaseModel):
    """What to ask the user instead of guessing, and the domains to offer."""

    model_config = ConfigDict(frozen=True)

    question: str
    options: list[Domain] = Field(min_length=1)
    reason: Literal["no_domain_matched", "low_confidence"]


class RouteContext(BaseModel):
    """The previous turn, so follow-ups ("and the week before?") resolve against it."""

    domains: list[Domain] = Field(default_factory=list)
    time_window: TimeWindow | None = None
    question: str | None = None
    clarification_options: list[Domain] = Field(
        default_factory=list, description="Options the previous turn asked the user to choose from."
    )

    @classmethod
    def from_result(cls, result: RouteResult) -> RouteContext:
        """Context for the next turn after `result` was answered (or asked back)."""
        options = list(result.clarification.options) if result.clarification else []
        return cls(
            domains=result.domain_names(),
            time_window=result.time_window,
            question=result.question,
            clarification_options=options,
        )


class RouteResult(BaseModel):
    """Which domains answer a question, over which window, or what to ask back.

    Exactly one of `domains` (non-empty) or `clarification` is set. `path` records which router
    decided: the offline classifier, the LLM, or the LLM's answer reconciled with the offline one.
    """

    question: str
    domains: list[DomainScore] = Field(default_factory=list)
    time_window: TimeWindow | None = None
    clarification: Clarification | None = None
    path: RoutePath = "offline"
    followup: bool = Field(default=False, description="Resolved against the previous turn's context.")
    scores: dict[Domain, float] = Field(default_factory=dict, description="Offline score of every domain.")
    reasons: list[str] = Field(default_factory=list, description="Rules and decisions that fired.")
    llm_model: str | None = None
    llm_error: str | None = None

    @model_validator(mode="after")
    def _one_outcome(self) -> RouteResult:
        if bool(self.domains) == (self.clarification is not None):
            raise ValueError("a route result has either domains or a clarification, not both or neither")
        return self

    @property
    def confidence(self) -> float:
        """The weakest chosen domain's confidence; for a clarification, the best offered score."""
        if self.domains:
            return min(d.confidence for d in self.domains)
        return max(self.scores.values(), default=0.0)

    def domain_names(self) -> list[Domain]:
        """Chosen domains in the canonical `DOMAINS` order."""
        chosen = {d.domain for d in self.domains}
        return [d for d in DOMAINS if d in chosen]
