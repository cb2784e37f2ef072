from __future__ import annotations

import threading
from datetime import UTC, date, datetime
from pathlib import Path

import pyarrow as pa
import pytest
import sqlglot

from include.lakehouse.delta_store import read_table
from include.ops.models import OPS_MODELS, ConversationTurn, Finding, HealthReport, RemediationDecision
from include.ops.store import DatabricksOpsStore, LocalOpsStore


def _finding(entity: str = "1001", summary: str = "spike") -> Finding:
    return Finding(
        domain="cost",
        check="sku_spike",
        severity="high",
        entity_type="workspace_id",
        entity_id=entity,
        window_start=datetime(2026, 3, 1, tzinfo=UTC),
        window_end=datetime(2026, 3, 2, tzinfo=UTC),
        metric="cost_usd",
        observed=120.0,
        baseline=40.0,
        summary=summary,
        recommendation="look",
        evidence={"daily_cost": [40, 41, 120]},
    )


def test_retried_write_updates_instead_of_duplicating(lakehouse: Path) -> None:
    store = LocalOpsStore(lakehouse)
    first = store.upsert([_finding(), _finding("1002")])
    assert (first.inserted, first.updated) == (2, 0)
    again = store.upsert([_finding(summary="spike, re-run"), _finding("1002")])
    assert (again.inserted, again.updated) == (0, 2)
    rows = read_table(lakehouse, "lakepilot.ops.findings").to_pylist()
    assert len(rows) == 2
    assert {r["summary"] for r in rows} == {"spike, re-run", "spike"}


def test_round_trip_keeps_types(lakehouse: Path) -> None:
    store = LocalOpsStore(lakehouse)
    store.upsert([_finding()])
    (back,) = store.read(Finding)
    assert back == _finding().model_copy(update={"detected_at": back.detected_at})
    assert back.evidence == {"daily_cost": [40, 41, 120]}


def test_duplicate_keys_in_one_batch_keep_the_last(lakehouse: Path) -> None:
    store = LocalOpsStore(lakehouse)
    store.upsert([_finding(summary="a"), _finding(summary="b")])
    assert [f.summary for f in store.read(Finding)] == ["b"]


def test_every_model_round_trips(lakehouse: Path) -> None:
    store = LocalOpsStore(lakehouse)
    records = [
        HealthReport(report_date=date(2026, 3, 2), title="Daily", html="<p>x</p>", findings_by_severity={"high": 1}),
        RemediationDecision(run_id="77", attempt=1, job_id="5", fingerprint="f", category="network", action="RETRY", confidence=0.9, reason="transient"),
        ConversationTurn(session_id="s", turn=1, question="q", answer="a", domains=["cost"]),
    ]
    for record in records:
        store.upsert([record])
        assert store.read(type(record)) == [record]


def test_concurrent_writers_lose_nothing(lakehouse: Path) -> None:
    store = LocalOpsStore(lakehouse)
    errors: list[BaseException] = []

    def writer(prefix: str) -> None:
        try:
            for i in range(5):
                LocalOpsStore(lakehouse).upsert([_finding(f"{prefix}-{i}")])
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(p,)) for p in ("a", "b", "c")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    ids = sorted(f.entity_id for f in store.read(Finding))
    assert ids == sorted(f"{p}-{i}" for p in "abc" for i in range(5))


class _RecordingWarehouse:
    """Stands in for a Databricks SQL warehouse (none is reachable here): records statements and
    answers DESCRIBE with the columns it was told the table already has."""

    def __init__(self, existing: list[str] | None = None) -> None:
        self.statements: list[tuple[str, dict]] = []
        self.existing = existing

    def execute(self, sql: str, params: dict | None = None) -> None:
        self.statements.append((sql, dict(params or {})))

    def query(self, sql: str, params: dict | None = None, *, name: str = "") -> pa.Table:
        if sql.startswith("MERGE"):
            self.statements.append((sql, dict(params or {})))
            return pa.table({"num_affected_rows": [2], "num_updated_rows": [0], "num_deleted_rows": [0], "num_inserted_rows": [2]})
        assert sql.startswith("DESCRIBE TABLE ")
        model = next(m for m in OPS_MODELS.values() if sql.endswith("." + m.__table__))
        cols = self.existing if self.existing is not None else list(model.model_fields)
        return pa.table({"col_name": cols + ["", "# Partition Information"], "data_type": ["string"] * (len(cols) + 2)})

    def describe(self) -> str:
        return "recording"


def test_databricks_store_merges_with_one_bound_json_parameter() -> None:
    wh = _RecordingWarehouse()
    store = DatabricksOpsStore(wh, catalog="main", schema="lakepilot_ops")
    result = store.upsert([_finding(), _finding("it's \"quoted\"")])
    assert result.inserted == 2
    create, merge = wh.statements
    assert not any(text.startswith("ALTER") for text, _ in wh.statements)
    assert create[0].startswith("CREATE TABLE IF NOT EXISTS main.lakepilot_ops.findings")
    sql, params = merge
    assert "MERGE INTO main.lakepilot_ops.findings" in sql
    assert "t.`finding_id` = s.`finding_id`" in sql
    assert set(params) == {"rows"}
    assert "it's" in params["rows"] and "it's" not in sql
    # The statement is valid Databricks SQL.
    for text, _ in wh.statements:
        sqlglot.parse_one(text, read="databricks")


def test_databricks_store_batches_large_writes() -> None:
    wh = _RecordingWarehouse()
    store = DatabricksOpsStore(wh, catalog="main", schema="ops")
    store.max_batch_bytes = 2_000
    store.upsert([_finding(str(i)) for i in range(20)])
    merges = [p for s, p in wh.statements if s.startswith("MERGE")]
    assert len(merges) > 1
    assert all(len(p["rows"]) < 4_000 for p in merges)


def test_databricks_store_adds_columns_a_newer_model_has() -> None:
    # The table was created by an older LakePilot without `agent_path` and `detected_at`.
    old_columns = [c for c in Finding.model_fields if c not in {"agent_path", "detected_at"}]
    wh = _RecordingWarehouse(existing=old_columns)
    DatabricksOpsStore(wh, catalog="main", schema="ops").upsert([_finding()])
    alters = [text for text, _ in wh.statements if text.startswith("ALTER TABLE")]
    assert alters == ["ALTER TABLE main.ops.findings ADD COLUMNS (`agent_path` STRING, `detected_at` TIMESTAMP)"]
    order = [text.split()[0] for text, _ in wh.statements]
    assert order == ["CREATE", "ALTER", "MERGE"]
    sqlglot.parse_one(alters[0], read="databricks")


@pytest.mark.parametrize(("field", "value"), [("action", "REBOOT"), ("category", "cosmic_rays"),
                                              ("decided_by", "intuition"), ("outcome", "done")])
def test_the_ledger_keeps_its_closed_sets_closed(field: str, value: str) -> None:
    """Action, category, who decided and the outcome are the remediation Literals, not free text."""
    from pydantic import ValidationError

    good = {"run_id": "77", "attempt": 1, "job_id": "5", "fingerprint": "f", "category": "network", "action": "RETRY",
            "confidence": 0.9, "reason": "transient"}
    assert RemediationDecision(**good).outcome == "pending"
    with pytest.raises(ValidationError, match=field):
        RemediationDecision(**{**good, field: value})
