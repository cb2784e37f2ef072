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
    def build(cls, manifest: Any, results: Iterable[DomainResult] = ()) -> Labels:
        names: dict[str, str] = {}
        if manifest is not None:
            names.update({f"workspace:{w.workspace_id}": w.name for w in manifest.workspaces})
            names.update({f"job:{j.job_id}": j.name for j in manifest.jobs})
            names.update({f"warehouse:{w.warehouse_id}": w.name for w in manifest.warehouses})
            names.update({f"cluster:{c.cluster_id}": c.cluster_name for c in manifest.clusters})
        labels = cls(names)
        for result in results:
            for table in result.evidence:
                labels.add_rows(table.rows)
        return labels
