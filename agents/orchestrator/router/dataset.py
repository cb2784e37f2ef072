"""The labelled router questions shipped as data (`agents/orchestrator/data/router_questions.jsonl`)."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from include.ops.models import DOMAINS, Domain

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "router_questions.jsonl"
Split = Literal["train", "test"]


class LabelledQuestion(BaseModel):
    """One question with the domains that should answer it.

    For an ambiguous question (`ambiguous=True`) the router must ask back instead of routing;
    `domains` then lists the options a good clarification would offer (may be empty: "any").
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1)
    question: str = Field(min_length=1)
    domains: list[Domain]
    split: Split
    ambiguous: bool = False

    @model_validator(mode="after")
    def _labelled(self) -> LabelledQuestion:
        if not self.ambiguous and not self.domains:
            raise ValueError(f"{self.id}: a question that is not ambiguous needs at least one domain")
        if len(set(self.domains)) != len(self.domains):
            raise ValueError(f"{self.id}: repeated domain in {self.domains}")
        return self

    def label_vector(self) -> list[int]:
        """0/1 per domain in `DOMAINS` order; all zero for an ambiguous question (train it as 'none')."""
        return [0 if self.ambiguous else int(d in self.domains) for d in DOMAINS]


def load_questions(path: Path | str | None = None) -> list[LabelledQuestion]:
    """Read and validate a labelled-question JSONL file; errors name the line."""
    source = Path(path) if path is not None else DATA_FILE
    questions: list[LabelledQuestion] = []
    seen: set[str] = set()
    for number, line in enumerate(source.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = LabelledQuestion.model_validate(json.loads(line))
        except (json.JSONDecodeError, ValueError) as exc:
            raise ValueError(f"{source}:{number}: {exc}") from exc
        if item.id in seen:
            raise ValueError(f"{source}:{number}: duplicate id {item.id!r}")
        seen.add(item.id)
        questions.append(item)
    return questions


@lru_cache(maxsize=4)
def _cached(path: str) -> tuple[LabelledQuestion, ...]:
    return tuple(load_questions(path))


def questions(split: Split | None = None, path: Path | str | None = None) -> list[LabelledQuestion]:
    """The shipped questions (cached), optionally only one split."""
    items = _cached(str(Path(path) if path is not None else DATA_FILE))
    return [q for q in items if split is None or q.split == split]
