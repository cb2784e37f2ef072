from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from include.lakehouse.delta_store import open_table
from include.lakehouse.maintenance import compact_tables
from include.ops.models import Finding
from include.ops.store import LocalOpsStore


def _finding(i: int) -> Finding:
    return Finding(
        domain="reliability", check="failure_streak", severity="high", entity_type="job_id", entity_id=str(i),
        window_start=datetime(2026, 3, 1, tzinfo=UTC), window_end=datetime(2026, 3, 2, tzinfo=UTC),
        metric="consecutive_failures", observed=3, baseline=0, summary="s", recommendation="r",
    )


def test_compaction_keeps_rows_and_reduces_files(lakehouse: Path) -> None:
    store = LocalOpsStore(lakehouse)
    for i in range(12):
        store.upsert([_finding(i)])
    name = "lakepilot.ops.findings"
    before = open_table(lakehouse, name)
    files_before = len(before.file_uris())
    rows_before = sorted(r["entity_id"] for r in before.to_pyarrow_table().to_pylist())

    result = compact_tables(lakehouse, min_commits=10)

    after = open_table(lakehouse, name)
    assert name in result.tables
    assert len(after.file_uris()) < files_before
    assert sorted(r["entity_id"] for r in after.to_pyarrow_table().to_pylist()) == rows_before
    assert len(rows_before) == 12


def test_tables_with_few_commits_are_left_alone(lakehouse: Path) -> None:
    LocalOpsStore(lakehouse).upsert([_finding(1)])
    assert compact_tables(lakehouse, min_commits=10).tables == {}
