"""Every health SQL file is Databricks SQL with named parameters and runs on the local engine."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
import sqlglot
from sqlglot import exp

from include.health.adhoc import ADHOC_QUERIES, run_adhoc
from include.health.checks import all_checks
from include.health.checks.base import Sweep
from include.health.per_object import bind_table
from include.health.workspace_settings import resolve_settings
from include.lakehouse.sql_files import SQL_ROOT, bind_used, load_sql

HEALTH_SQL = sorted((SQL_ROOT / "health").rglob("*.sql"))
EVIDENCE_SQL = {"health/performance/slowest_queries", "health/data_quality/upstream"}


def _name(path: Path) -> str:
    return str(path.relative_to(SQL_ROOT).with_suffix(""))


@pytest.mark.parametrize("path", HEALTH_SQL, ids=_name)
def test_parses_as_one_databricks_statement_with_named_parameters(path: Path) -> None:
    text = load_sql(_name(path))  # rendered: shared fragments such as _priced_usage.sql imported
    statements = [s for s in sqlglot.parse(text, read="databricks") if s is not None]
    assert len(statements) == 1
    tree = statements[0]
    assert isinstance(tree, exp.Query)
    placeholders = list(tree.find_all(exp.Placeholder))
    assert placeholders and all(p.name for p in placeholders), "parameters are named (:name)"
    for table in tree.find_all(exp.Table):
        ctes = {c.alias_or_name for c in tree.find_all(exp.CTE)}
        assert table.name in ctes or (table.catalog and table.db), f"{table.sql()} is not catalog.schema.table"


def test_every_sql_file_is_used() -> None:
    used = {c.sql for c in all_checks()} | {q.sql for q in ADHOC_QUERIES.values()} | EVIDENCE_SQL
    assert {_name(p) for p in HEALTH_SQL} == used


@pytest.mark.parametrize("check", all_checks(), ids=lambda c: f"{c.domain}/{c.name}")
def test_check_sql_runs_on_the_local_engine(check, workspace, wh) -> None:
    root, manifest = workspace
    settings = resolve_settings(lakehouse=root)  # the workspace's settings file: budgets, monitored tables
    sweep = Sweep(check.domain, manifest.end, manifest.end - timedelta(hours=24), manifest.end, settings, wh)
    params = check.params(sweep)
    if check.per_object:
        objects = check.objects(sweep)
        assert objects
        for obj in objects:
            sql = bind_table(check.sql, obj.table)
            wh.query(sql, bind_used(sql, params))
    else:
        sql = load_sql(check.sql)
        result = wh.query(sql, bind_used(sql, params))
        assert result.num_columns > 0


def _adhoc_params(name: str, manifest) -> dict:
    entity = {
        "workspace_id": manifest.workspaces[0].workspace_id, "job_id": manifest.jobs[0].job_id,
        "warehouse_id": manifest.warehouses[0].warehouse_id, "email": manifest.jobs[0].owner, "ip": "198.51.100.7",
        "table_name": manifest.jobs[0].writes[0] if manifest.jobs[0].writes else manifest.monitored_tables[0].table_full_name,
        "cluster_id": manifest.clusters[0].cluster_id, "endpoint_name": manifest.endpoints[0].endpoint_name,
    }
    query = ADHOC_QUERIES[name]
    window = {"start": manifest.end - timedelta(days=3), "end": manifest.end}
    return {k: (window[k] if kind == "timestamp" else entity[k]) for k, kind in query.params.items()}


@pytest.mark.parametrize("name", sorted(ADHOC_QUERIES))
def test_adhoc_query_runs(name: str, workspace, wh) -> None:
    _, manifest = workspace
    result = run_adhoc(wh, name, _adhoc_params(name, manifest))
    assert result.status == "ok", result.error
    assert result.row_count == len(result.rows) or result.truncated
