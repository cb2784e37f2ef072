"""Run a domain's health checks at one evaluation time: `run_domain` and `run_all`.

Window semantics: a sweep at `as_of` looks at `[as_of - window_hours, as_of)` and compares with
baselines that end where the window starts. Security (swept hourly) looks at the UTC day so far
(`security_window_anchor="day"`, the default; at midnight the whole previous day), bucketing
bursts per hour inside it, so the hourly sweeps of one day update the same findings. Re-running the same `as_of` on the same data gives the same findings with
the same natural keys, so storing them again updates rather than duplicates.

A check that cannot run — a missing table or column, nothing configured for it, a query error —
becomes a `CheckError` in the sweep; the other checks still run. `rows_scanned` is estimated
from table metadata (see `include.health.scan`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from datetime import datetime, timedelta

from include.clock import as_utc
from include.health.checks import checks_for
from include.health.checks.base import Check, CheckUnavailable, PerObject, Sweep
from include.health.models import CheckError, DomainSweep
from include.health.per_object import bind_table
from include.health.requirements import optional_read, required_columns, without_columns
from include.health.scan import RowCounter
from include.health.settings import HealthSettings
from include.health.workspace_settings import resolve_settings
from include.lakehouse.schema import schema_gaps, schema_paths, system_table_schema
from include.lakehouse.sql_files import bind_used, load_sql
from include.lakehouse.system_tables import SYSTEM_TABLES
from include.lakehouse.warehouse import Warehouse, local_root
from include.ops.models import DOMAINS, SEVERITY_ORDER, Finding

log = logging.getLogger(__name__)


def is_informational(finding: Finding) -> bool:
    """True for findings that report a state (top spenders, coverage), not an anomaly."""
    return bool(finding.evidence.get("informational"))


class SchemaProbe:
    """The columns each table has, asked of the engine once per sweep."""

    def __init__(self, warehouse: Warehouse) -> None:
        self.warehouse = warehouse
        self._paths: dict[str, set[str] | None] = {}

    def paths(self, table: str) -> set[str] | None:
        """Dotted paths of `table`, or None when the engine cannot say (the query will tell)."""
        if table not in self._paths:
            try:
                found = self.warehouse.table_schema(table)
                # A column of another type than the DDL's cannot be read as such: it counts as absent.
                retyped = set(schema_gaps(system_table_schema(table), found).retyped) if table in SYSTEM_TABLES else set()
                self._paths[table] = {p for p in schema_paths(found)
                                      if not any(p == r or p.startswith(r + ".") for r in retyped)}
            except Exception as exc:  # noqa: BLE001 - an absent table fails the check's query by name
                log.debug("schema of %s unavailable: %s", table, exc)
                self._paths[table] = None
        return self._paths[table]

    def missing(self, sql_name: str) -> list[str]:
        """`table.column` of every column the SQL file needs that its table lacks."""
        gaps = []
        for table, needed in required_columns(sql_name).items():
            have = self.paths(table)
            if have is not None:
                gaps += [f"{table}.{path}" for path in sorted(needed - have)]
        return gaps

    def absent_optional(self, sql_name: str) -> dict[str, frozenset[str]]:
        """The optional paths of the SQL file its tables lack (read as NULL)."""
        out = {}
        for table, optional in optional_read(sql_name).items():
            have = self.paths(table)
            if have is not None and optional - have:
                out[table] = frozenset(optional - have)
        return out


def _run_one(
    check: Check, sweep: Sweep, counter: RowCounter, probe: SchemaProbe | None = None
) -> tuple[list[Finding], list[CheckError], int]:
    findings: list[Finding] = []
    errors: list[CheckError] = []
    scanned = 0
    params = check.params(sweep)
    if check.per_object:
        assert check.objects is not None
        objects: list[PerObject] = check.objects(sweep)
        for obj in objects:
            try:
                sql = bind_table(check.sql, obj.table)
                rows = sweep.warehouse.query(sql, bind_used(sql, params), name=f"{check.sql}[{obj.table}]").to_pylist()
                findings += check.interpret(sweep, rows, obj)
                scanned += counter.rows(obj.table)
            except Exception as exc:  # one object's failure must not hide the others
                errors.append(CheckError(check=f"{check.name}[{obj.entity_id}]", error=f"{type(exc).__name__}: {exc}"))
    else:
        gaps = probe.missing(check.sql) if probe is not None else []
        if gaps:
            return [], [CheckError(check=check.name, kind="schema", missing=gaps,
                                   error=f"could not run: the tables lack {', '.join(gaps)} "
                                         "(a schema from another Databricks release?)")], 0
        sql = load_sql(check.sql)
        if probe is not None:
            sql = without_columns(sql, probe.absent_optional(check.sql))
        rows = sweep.warehouse.query(sql, bind_used(sql, params), name=check.sql).to_pylist()
        findings += check.interpret(sweep, rows, None)
        scanned += counter.total(check.tables)
    return findings, errors, scanned


def window_start(domain: str, as_of: datetime, settings: HealthSettings) -> datetime:
    """Start of the window a sweep at `as_of` looks at (see the module docstring)."""
    if domain != "security":
        return as_of - timedelta(hours=settings.window_hours)
    if settings.security_window_anchor == "sliding":
        return as_of - timedelta(hours=settings.security_window_hours)
    # Day-anchored: every event belongs to exactly one day-window, whose start (part of each
    # finding's natural key) does not move between the hourly sweeps of that day.
    midnight = as_of.replace(hour=0, minute=0, second=0, microsecond=0)
    return midnight - timedelta(days=1) if midnight == as_of else midnight


def run_domain(
    warehouse: Warehouse,
    domain: str,
    as_of: datetime,
    settings: HealthSettings | None = None,
    *,
    only: Iterable[str] | None = None,
) -> DomainSweep:
    """Run every check of `domain` (or the named `only` ones) at `as_of` and collect the results.

    `settings` are resolved over the workspace's settings file (`include/health/workspace_settings.py`:
    budgets, monitored and inference tables); checks that need what nobody configured report so.
    """
    started = time.perf_counter()
    settings = resolve_settings(settings, lakehouse=local_root(warehouse))
    checks = checks_for(domain)
    if only is not None:
        wanted = set(only)
        unknown = wanted - {c.name for c in checks}
        if unknown:
            raise ValueError(f"unknown {domain} check(s): {', '.join(sorted(unknown))}")
        checks = [c for c in checks if c.name in wanted]
    as_of = as_utc(as_of)
    sweep = Sweep(domain=domain, as_of=as_of, window_start=window_start(domain, as_of, settings), window_end=as_of,  # type: ignore[arg-type]
                  settings=settings, warehouse=warehouse)
    counter = RowCounter(warehouse)
    probe = SchemaProbe(warehouse) if hasattr(warehouse, "table_schema") else None
    findings: list[Finding] = []
    errors: list[CheckError] = []
    scanned = 0
    for check in checks:
        try:
            found, failed, rows = _run_one(check, sweep, counter, probe)
            findings += found
            errors += failed
            scanned += rows
        except CheckUnavailable as exc:
            errors.append(CheckError(check=check.name, error=str(exc), kind="unavailable"))
        except Exception as exc:  # a broken check is reported, never allowed to stop the sweep
            log.warning("health check %s/%s failed: %s", domain, check.name, exc)
            errors.append(CheckError(check=check.name, error=f"{type(exc).__name__}: {exc}"))
        scanned += counter.total(sweep.extra_reads)
        sweep.extra_reads.clear()
    findings.sort(key=lambda f: (SEVERITY_ORDER[f.severity], f.check, f.entity_id, f.window_start))
    return DomainSweep(
        domain=domain, as_of=as_of, window_start=sweep.window_start, window_end=sweep.window_end,
        findings=findings, errors=errors, checks_run=[c.name for c in checks], rows_scanned=scanned,
        duration_s=round(time.perf_counter() - started, 3), engine=warehouse.describe(),
    )


def run_all(
    warehouse: Warehouse,
    as_of: datetime,
    settings: HealthSettings | None = None,
    domains: Iterable[str] = DOMAINS,
) -> list[DomainSweep]:
    """`run_domain` for each domain in turn (all six by default)."""
    return [run_domain(warehouse, d, as_of, settings) for d in domains]
