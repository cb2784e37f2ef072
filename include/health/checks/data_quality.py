"""Data-quality checks: stale tables, failing monitors, drift, classification coverage; every
finding on a table carries its upstream lineage (tables and jobs that feed it) as evidence."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from include.health.checks.base import Check, CheckUnavailable, PerObject, Row, Sweep, make_finding, num
from include.ops.models import Finding, Severity
from include.schedules import fires_between

LINEAGE = "system.access.table_lineage"


def _edges(s: Sweep) -> dict[str, list[Row]]:
    """Recent lineage edges by target table, fetched once per sweep."""
    if "lineage_edges" not in s.shared:
        rows = s.evidence_query("health/data_quality/upstream", {
            "history_start": s.before(s.settings.long_baseline_days), "window_end": s.window_end}, (LINEAGE,))
        edges: dict[str, list[Row]] = {}
        for r in rows:
            edges.setdefault(r["target_table"], []).append(r)
        s.shared["lineage_edges"] = edges
    shared: dict[str, list[Row]] = s.shared["lineage_edges"]
    return shared


def upstream(s: Sweep, table: str) -> list[Row]:
    """Breadth-first upstream lineage of `table`, up to `settings.lineage_depth` hops."""
    edges = _edges(s)
    seen, frontier, out = {table}, [table], []
    for depth in range(1, s.settings.lineage_depth + 1):
        following = []
        for name in frontier:
            for r in edges.get(name, []):
                out.append({"depth": depth, "table": name, "source_table": r["source_table"], "source_path": r["source_path"],
                            "writer_type": r["entity_type"], "writer_id": r["entity_id"], "last_write": r["last_event"]})
                source = r["source_table"]
                if source and source not in seen:
                    seen.add(source)
                    following.append(source)
        frontier = following
        if not frontier:
            break
    return out


def _stale_params(s: Sweep) -> dict[str, Any]:
    return {"history_start": s.before(s.settings.long_baseline_days), "window_end": s.window_end,
            "stale_factor": s.settings.stale_factor, "grace_s": s.settings.stale_grace_hours * 3600,
            "min_writes": s.settings.stale_min_writes}


def _writes_due(s: Sweep, r: Row) -> int | None:
    """How many writes the active writing jobs' own schedules made due since the last write (the most
    frequent writer's count, the last grace hours excepted); None when a writer has no readable cron."""
    schedules = [x for x in (r.get("writer_schedules") or []) if x]
    if not schedules or int(num(r.get("unscheduled_writers"))) > 0:
        return None
    until = s.window_end - timedelta(hours=s.settings.stale_grace_hours)
    due = 0
    for entry in schedules:
        cron, _, zone = str(entry).rpartition("|")
        try:
            due = max(due, fires_between(cron, zone or None, r["last_write"], until))
        except ValueError:
            return None
    return due


def _stale(s: Sweep, rows: list[Row], _: PerObject | None) -> list[Finding]:
    out = []
    for r in rows:
        due = _writes_due(s, r)
        if due is not None and due < s.settings.missed_intervals:
            continue  # the writers' schedules have not come round yet (nights, weekends, a slower cron)
        age_h, interval_h = num(r["age_s"]) / 3600, num(r["interval_s"]) / 3600
        writers = sorted(w for w in (r["writer_jobs"] or []) if w)
        stopped = bool(r.get("writers_stopped"))
        severity: Severity = "low" if stopped else ("high" if age_h >= 3 * max(interval_h, 1) else "medium")
        out.append(make_finding(
            s, "stale_table", severity, "table", r["table_name"],
            "hours_since_write", age_h, interval_h,
            f"Table {r['table_name']} was last written {age_h:.0f} h ago; it is normally written every {interval_h:.1f} h"
            + (f" by job {', '.join(writers)}" if writers else "")
            + (" — every writing job is paused or deleted" if stopped else ""),
            ("Nothing to do if the pause is intended; otherwise unpause the job, and tell the table's readers it is frozen."
             if stopped else
             "Check the writing job's latest runs and schedule (failed, paused or removed?) before downstream consumers "
             "read stale data."),
            {"last_write": r["last_write"], "writes": r["writes"], "writer_jobs": writers, "writers_stopped": stopped,
             "upstream": upstream(s, r["table_name"])},
        ))
    return out


def _monitor_params(s: Sweep) -> dict[str, Any]:
    return {"window_start": s.window_start, "window_end": s.window_end}


def _monitors(s: Sweep, rows: list[Row], _: PerObject | None) -> list[Finding]:
    out = []
    for r in rows:
        failing = [k for k in ("freshness", "completeness") if r[f"{k}_status"] == "Unhealthy"]
        detail = []
        if "completeness" in failing:
            detail.append(f"{int(num(r['daily_rows'])):,} rows today vs at least {int(num(r['min_predicted_rows'])):,} expected")
        if "freshness" in failing:
            detail.append(f"last commit {r['last_commit']:%Y-%m-%d %H:%M} UTC, expected by {r['predicted_commit']:%Y-%m-%d %H:%M}")
        out.append(make_finding(
            s, "failing_monitor", "high" if num(r["impact_level"]) >= 2 else "medium", "table", r["table_name"],
            "unhealthy_checks", len(failing), 0.0,
            f"Data-quality monitor on {r['table_name']} is Unhealthy ({', '.join(failing) or 'status'}): " + "; ".join(detail),
            "Inspect the latest load of the table and its upstream jobs; hold downstream refreshes until it is healthy.",
            {"checked_at": r["event_time"], "failing": failing, "daily_rows": r["daily_rows"],
             "min_predicted_rows": r["min_predicted_rows"], "downstream_tables": r["downstream_tables"],
             "upstream": upstream(s, r["table_name"])},
        ))
    return out


def drift_objects(kind: str) -> Callable[[Sweep], list[PerObject]]:
    """Per-object drift tables: monitored data tables (`table`) or endpoint payloads (`inference`)."""

    def objects(s: Sweep) -> list[PerObject]:
        out: list[PerObject] = []
        if s.settings.drift_metrics_tables:
            payloads = {table: endpoint for endpoint, table in s.settings.inference_tables.items()}
            for monitored, drift in sorted(s.settings.drift_metrics_tables.items()):
                endpoint = payloads.get(monitored)
                if (kind == "inference") == (endpoint is not None):
                    entity = ("endpoint", endpoint) if endpoint else ("table", monitored)
                    out.append(PerObject(drift, *entity, {"monitored_table": monitored}))
        else:
            raise CheckUnavailable("no drift-metrics tables configured (HealthSettings.drift_metrics_tables)")
        return out

    return objects


def drift_params(s: Sweep) -> dict[str, Any]:
    return {"window_start": s.window_start, "window_end": s.window_end, "drift_js": s.settings.drift_js,
            "drift_psi": s.settings.drift_psi}


def drift_finding(s: Sweep, check: str, rows: list[Row], obj: PerObject, recommendation: str) -> list[Finding]:
    if not rows or obj is None:
        return []
    worst = max(rows, key=lambda r: num(r["max_js_distance"]))
    js, psi = num(worst["max_js_distance"]), num(worst["max_psi"])
    columns = [r["column_name"] for r in rows]
    subject = f"endpoint {obj.entity_id}" if obj.entity_type == "endpoint" else f"table {obj.entity_id}"
    evidence = {"monitored_table": obj.params.get("monitored_table"), "drift_table": obj.table,
                "columns": [{"column": r["column_name"], "js_distance": r["max_js_distance"], "psi": r["max_psi"],
                             "ks_pvalue": r["min_ks_pvalue"]} for r in rows]}
    if obj.entity_type == "table":
        evidence["upstream"] = upstream(s, obj.entity_id)
    return [make_finding(
        s, check, "high" if js >= 2 * s.settings.drift_js or psi >= 2 * s.settings.drift_psi else "medium",
        obj.entity_type, obj.entity_id, "js_distance", js, s.settings.drift_js,
        f"Distribution drift on {subject}: {', '.join(columns)} (worst JS distance {js:.2f}, PSI {psi:.2f})",
        recommendation, evidence,
    )]


def _drift(s: Sweep, rows: list[Row], obj: PerObject | None) -> list[Finding]:
    assert obj is not None
    return drift_finding(s, "drift", rows, obj, "Check the upstream source for a change (new values, unit or schema change, "
                         "partial load) and whether consumers of the column are affected.")


def _coverage_params(s: Sweep) -> dict[str, Any]:
    return {"sensitive_schemas": ",".join(x.lower() for x in s.settings.sensitive_schemas),
            "classification_tag": s.settings.classification_tag}


def _coverage(s: Sweep, rows: list[Row], _: PerObject | None) -> list[Finding]:
    out = []
    for r in rows:
        tables, classified = int(r["tables"]), int(r["classified"])
        schema = f"{r['table_catalog']}.{r['table_schema']}"
        missing = sorted(t for t in (r["unclassified"] or []) if t)
        out.append(make_finding(
            s, "classification_coverage", "low", "schema", schema, "classified_pct", 100 * classified / tables, 100.0,
            f"{classified} of {tables} tables in sensitive schema {schema} carry a '{s.settings.classification_tag}' tag",
            "Informational: tag the remaining tables (and their PII columns) so access policies and audits cover them.",
            {"unclassified": missing[:50], "tables": tables}, informational=True,
        ))
    return out


CHECKS = [
    Check("stale_table", "data_quality", "health/data_quality/stale_tables", (LINEAGE, "system.lakeflow.jobs"),
          _stale_params, _stale,
          description="tables not written for longer than their usual interval (unless every writer is paused)"),
    Check("failing_monitor", "data_quality", "health/data_quality/failing_monitors",
          ("system.data_quality_monitoring.table_results",), _monitor_params, _monitors,
          description="latest data-quality monitor result Unhealthy"),
    Check("drift", "data_quality", "health/data_quality/drift", (), drift_params, _drift, per_object="drift_metrics",
          objects=drift_objects("table"), description="column drift from Lakehouse Monitoring drift metrics"),
    Check("classification_coverage", "data_quality", "health/data_quality/classification_coverage",
          ("system.information_schema.tables", "system.information_schema.table_tags"), _coverage_params, _coverage,
          informational=True, description="classification tags in sensitive schemas (informational)"),
]
