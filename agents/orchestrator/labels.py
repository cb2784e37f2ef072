"""Readable names for ids in answers: `job daily_fraud_etl (107625665920123)`.

Names come from the simulated workspace's manifest when there is one, and from the evidence
rows (`job_name`) otherwise; an id without a known name is shown as it is.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from agents.orchestrator.models import DomainResult


class Labels:
    """`kind:id` → display name."""

    def __init__(self, names: dict[str, str] | None = None) -> None:
        self.names = dict(names or {})

    def name(self, ref: str) -> str | None:
        return self.names.get(ref)

    def of(self, ref: str) -> str:
        """`job daily_fraud_etl (107625665920123)`, or `job 107625665920123` without a name."""
        kind, _, ident = ref.partition(":")
        name = self.names.get(ref)
        return f"{kind} {name} ({ident})" if name and name != ident else f"{kind} {ident}"

    def add_rows(self, rows: Iterable[dict[str, Any]]) -> None:
        for row in rows:
            job, name = row.get("job_id") or (row.get("workload_id") if row.get("workload_type") == "job" else None), row.get("job_name")
            if job and name:
                self.names.setdefault(f"job:{job}", str(name))

    @classmethod
    def build(cls, names: dict[str, str] | None = None, results: Iterable[DomainResult] = ()) -> Labels:
        """Known names (the inventory's, the settings' workspace names), then job names the evidence carries."""
        labels = cls(names)
        for result in results:
            for table in result.evidence:
                labels.add_rows(table.rows)
        return labels
