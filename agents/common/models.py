"""The structured answer an LLM must give when it explains a domain sweep.

The LLM explains and recommends; it never decides what is a finding or how severe it is
(the checks do). So its structured answer can only refer to findings by id.
"""

from __future__ import annotations

from pydantic import BaseModel, Field


class FindingNote(BaseModel):
    """The LLM's explanation and recommendation for one finding it was given."""

    finding_id: str = Field(description="id of a finding from list_findings; never invent one")
    explanation: str = Field(min_length=1, max_length=900, description="why this matters, in 1-3 sentences, citing numbers")
    recommendation: str = Field(min_length=1, max_length=700, description="what to do next, concrete and safe")


class LLMAnalysis(BaseModel):
    """Answer with this once you have looked at the findings (call it exactly once, last)."""

    headline: str = Field(min_length=1, max_length=240, description="one sentence for the daily report")
    findings: list[FindingNote] = Field(default_factory=list, description="one note per finding you explain")
