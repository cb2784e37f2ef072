"""Every incident in the truth file is visible in the generated tables.

Each kind has its own plain query, written independently of the health checks, that looks at
the incident's entity in the last day of data and sees the signal the truth claims.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable
from datetime import timedelta

import pytest

from include.lakehouse.warehouse import LocalWarehouse
from include.simulator.manifest import Incident, WorkspaceManifest

DAY = timedelta(days=1)
PRICED = """
SELECT u.usage_date AS day, SUM(CAST(u.usage_quantity AS DOUBLE) * CAST(lp.pricing.effective_list.`default` AS DOUBLE)) AS usd
FROM system.billing.usage u JOIN system.billing.list_prices lp
  ON u.sku_name = lp.sku_name AND u.cloud = lp.cloud AND u.usage_end_time >= lp.price_start_time
 AND (lp.price_end_time IS NULL OR u.usage_end_time < lp.price_end_time)
WHERE u.workspace_id = :ws {extra}
GROUP BY u.usage_date ORDER BY u.usage_date
"""
Checker = Callable[[LocalWarehouse, WorkspaceManifest, Incident], None]


def _daily(values: list[dict], key: str) -> list[float]:
    return [float(r[key]) for r in values]


def sku_spike(wh, m, i):
    ws, sku = i.entity_id.split("/", 1)
    days = _daily(wh.query(PRICED.format(extra="AND u.sku_name = :sku"), {"ws": ws, "sku": sku}).to_pylist(), "usd")
    assert days[-1] >= 2 * statistics.median(days[-8:-1])


def idle_cluster(wh, m, i):
    r = wh.query("SELECT COUNT(DISTINCT start_time) AS minutes, AVG(cpu_user_percent + cpu_system_percent) AS cpu "
                 "FROM system.compute.node_timeline WHERE cluster_id = :c AND start_time >= :s",
                 {"c": i.entity_id, "s": m.end - DAY}).to_pylist()[0]
    assert r["minutes"] >= 20 * 60 and r["cpu"] < 5


def untagged_spend(wh, m, i):
    # Runs that started before the tags were removed keep them; allow one run's length of overlap.
    rows = wh.query("SELECT CASE WHEN usage_start_time < :t0 THEN 'before' WHEN usage_start_time >= :t1 THEN 'after' "
                    "ELSE 'edge' END AS part, COUNT_IF(custom_tags['team'] IS NULL) AS untagged, COUNT(*) AS n "
                    "FROM system.billing.usage WHERE usage_metadata.job_id = :j GROUP BY 1",
                    {"j": i.entity_id, "t0": i.window_start, "t1": i.window_start + timedelta(hours=3)}).to_pylist()
    by = {r["part"]: r for r in rows}
    assert by["after"]["untagged"] == by["after"]["n"] > 0 and by["before"]["untagged"] == 0


def budget_overrun(wh, m, i):
    days = _daily(wh.query(PRICED.format(extra=""), {"ws": i.entity_id}).to_pylist(), "usd")
    last = (m.end - timedelta(microseconds=1)).date()
    mtd = sum(days[-last.day:])
    next_month = (last.replace(day=28) + timedelta(days=4)).replace(day=1)
    forecast = mtd + statistics.median(days[-7:]) * (next_month - m.end.date()).days
    assert forecast > m.monthly_budget_usd[i.entity_id]


def failed_login_burst(wh, m, i):
    rows = wh.query("SELECT response.status_code AS code, COUNT(*) AS n FROM system.access.audit "
                    "WHERE source_ip_address = :ip GROUP BY 1", {"ip": i.entity_id}).to_pylist()
    assert {r["code"]: r["n"] for r in rows} == {401: i.details["failed_logins"]} and i.details["failed_logins"] >= 40


def new_ip_login(wh, m, i):
    rows = wh.query("SELECT event_time >= :s AS recent, COUNT(*) AS n FROM system.access.audit WHERE user_identity.email = :u "
                    "AND source_ip_address = :ip AND action_name IN ('login', 'aadTokenLogin') AND response.status_code = 200 GROUP BY 1",
                    {"u": i.entity_id, "ip": i.details["source_ip"], "s": m.end - DAY}).to_pylist()
    assert [(r["recent"], r["n"] > 0) for r in rows] == [(True, True)]


def after_hours_privileged(wh, m, i):
    rows = wh.query("SELECT event_time FROM system.access.audit WHERE user_identity.email = :u AND event_time >= :s AND "
                    "action_name IN ('updatePermissions', 'changePermissions', 'addPrincipalToGroup', 'generateDbToken')",
                    {"u": i.entity_id, "s": m.end - DAY}).to_pylist()
    odd = [r for r in rows if r["event_time"].weekday() >= 5 or not 7 <= r["event_time"].hour < 19]
    assert len(odd) >= 2


def unusual_read_volume(wh, m, i):
    rows = wh.query("SELECT event_time >= :s AS recent, COUNT(*) AS n FROM system.access.audit WHERE user_identity.email = :u "
                    "AND service_name = 'unityCatalog' AND event_time >= :b GROUP BY 1",
                    {"u": i.entity_id, "s": m.end - DAY, "b": m.end - 15 * DAY}).to_pylist()
    by = {r["recent"]: r["n"] for r in rows}
    assert by[True] >= 5 * by.get(False, 0) / 14 and by[True] >= 200


RUNS = """
SELECT run_id, MIN(period_start_time) AS started, MAX(result_state) AS result, MAX(execution_duration_seconds) AS exec_s,
       timestampdiff(SECOND, MIN(period_start_time), MAX(period_end_time)) AS wall_s
FROM system.lakeflow.job_run_timeline WHERE job_id = :j GROUP BY run_id ORDER BY started
"""


def duration_regression(wh, m, i):
    runs = [r for r in wh.query(RUNS, {"j": i.entity_id}).to_pylist() if r["result"] == "SUCCEEDED"]
    recent = [r["exec_s"] for r in runs if r["started"] >= m.end - DAY]
    before = [r["exec_s"] for r in runs if m.end - 8 * DAY <= r["started"] < i.window_start]
    assert recent and statistics.median(recent) >= 1.5 * statistics.median(before)


def failure_streak(wh, m, i):
    results = [r["result"] for r in wh.query(RUNS, {"j": i.entity_id}).to_pylist()]
    n = int(i.details.get("failed_runs", 3))  # a derived streak of a daily job may be two runs long
    assert n >= 2 and results[-n:] and all(r in ("FAILED", "ERROR") for r in results[-n:])


def failure_rate_increase(wh, m, i):
    runs = wh.query(RUNS, {"j": i.entity_id}).to_pylist()
    recent = [r["result"] != "SUCCEEDED" for r in runs if r["started"] >= m.end - DAY]
    before = [r["result"] != "SUCCEEDED" for r in runs if r["started"] < i.window_start]
    assert sum(recent) / len(recent) >= 0.25 and sum(recent) / len(recent) - sum(before) / len(before) >= 0.2


def sla_breach(wh, m, i):
    job = next(j for j in m.jobs if j.job_id == i.entity_id)
    last = wh.query(RUNS, {"j": i.entity_id}).to_pylist()[-1]
    rule = wh.query("SELECT health_rules FROM system.lakeflow.jobs WHERE job_id = :j ORDER BY change_time DESC LIMIT 1",
                    {"j": i.entity_id}).to_pylist()[0]["health_rules"]
    assert rule[0]["value"] == job.sla_minutes * 60 < last["wall_s"]


def _warehouse_days(wh, m, warehouse: str, expr: str) -> list[float]:
    rows = wh.query(f"SELECT CAST(start_time AS DATE) AS d, {expr} AS v FROM system.query.history "
                    "WHERE compute.warehouse_id = :w GROUP BY 1 ORDER BY 1", {"w": warehouse}).to_pylist()
    return [float(r["v"]) for r in rows]


def slow_queries(wh, m, i):
    days = _warehouse_days(wh, m, i.entity_id, "percentile(CAST(execution_duration_ms AS DOUBLE), 0.95)")
    assert days[-1] >= 2 * statistics.median(days[-8:-1])


def warehouse_queueing(wh, m, i):
    days = _warehouse_days(wh, m, i.entity_id, "AVG(CASE WHEN waiting_at_capacity_duration_ms >= 20000 THEN 1.0 ELSE 0.0 END)")
    assert days[-1] >= 0.1 and statistics.median(days[:-1]) < 0.01


def _cluster_day(wh, m, cluster: str) -> dict:
    return wh.query("SELECT COUNT(DISTINCT start_time) / 60.0 AS hours, AVG(cpu_user_percent + cpu_system_percent) AS cpu, "
                    "AVG(mem_used_percent) AS mem FROM system.compute.node_timeline WHERE cluster_id = :c AND start_time >= :s",
                    {"c": cluster, "s": m.end - DAY}).to_pylist()[0]


def cluster_underutilised(wh, m, i):
    r = _cluster_day(wh, m, i.entity_id)
    assert 2 <= r["hours"] < 12 and r["cpu"] < 15


def cluster_overutilised(wh, m, i):
    r = _cluster_day(wh, m, i.entity_id)
    assert r["hours"] >= 2 and (r["mem"] >= 90 or r["cpu"] >= 85)


def stale_table(wh, m, i):
    writes = [r["event_time"] for r in wh.query(
        "SELECT DISTINCT event_time FROM system.access.table_lineage WHERE target_table_full_name = :t ORDER BY 1",
        {"t": i.entity_id}).to_pylist()]
    gap = statistics.median(b - a for a, b in zip(writes, writes[1:], strict=False))
    assert m.end - writes[-1] > gap * 1.5 + timedelta(hours=2)


def failing_monitor(wh, m, i):
    r = wh.query("SELECT status FROM system.data_quality_monitoring.table_results "
                 "WHERE concat_ws('.', catalog_name, schema_name, table_name) = :t ORDER BY event_time DESC LIMIT 1",
                 {"t": i.entity_id}).to_pylist()
    assert r == [{"status": "Unhealthy"}]


def _drift(wh, m, table: str, columns: list[str]) -> None:
    rows = wh.query(f"SELECT column_name, js_distance FROM {table} WHERE `window`.start >= :s", {"s": m.end - DAY}).to_pylist()
    drifted = {r["column_name"] for r in rows if r["js_distance"] >= 0.2}
    assert drifted == set(columns)


def drift(wh, m, i):
    monitor = next(x for x in m.monitored_tables if x.table_full_name == i.entity_id)
    _drift(wh, m, monitor.drift_metrics_table, str(i.details["columns"]).split(","))


def prediction_drift(wh, m, i):
    monitor = next(x for x in m.monitored_tables if x.endpoint_name == i.entity_id)
    _drift(wh, m, monitor.drift_metrics_table, ["prediction"])


def training_failure(wh, m, i):
    assert next(j for j in m.jobs if j.job_id == i.entity_id).tags["workload"] == "ml-training"
    assert wh.query(RUNS, {"j": i.entity_id}).to_pylist()[-1]["result"] == "FAILED"


def _endpoint_days(wh, m, endpoint: str, expr: str) -> list[float]:
    table = next(e.inference_table for e in m.endpoints if e.endpoint_name == endpoint)
    rows = wh.query(f"SELECT `date` AS d, {expr} AS v FROM {table} GROUP BY 1 ORDER BY 1").to_pylist()
    return [float(r["v"]) for r in rows]


def latency_degradation(wh, m, i):
    days = _endpoint_days(wh, m, i.entity_id, "percentile(CASE WHEN status_code = 200 THEN CAST(execution_time_ms AS DOUBLE) END, 0.95)")
    assert days[-1] >= 2 * statistics.median(days[-8:-1])


def error_rate_spike(wh, m, i):
    days = _endpoint_days(wh, m, i.entity_id, "AVG(CASE WHEN status_code >= 500 THEN 1.0 ELSE 0.0 END)")
    assert days[-1] >= 0.05 and statistics.median(days[:-3]) < 0.01


def traffic_anomaly(wh, m, i):
    days = _endpoint_days(wh, m, i.entity_id, "COUNT(*)")
    x = days[-1] / statistics.median(days[-8:-1])
    assert x >= 3 or x <= 1 / 3


CHECKERS: dict[str, Checker] = {f.__name__: f for f in (
    sku_spike, idle_cluster, untagged_spend, budget_overrun, failed_login_burst, new_ip_login, after_hours_privileged,
    unusual_read_volume, duration_regression, failure_streak, failure_rate_increase, sla_breach, slow_queries,
    warehouse_queueing, cluster_underutilised, cluster_overutilised, stale_table, failing_monitor, drift, prediction_drift,
    training_failure, latency_degradation, error_rate_spike, traffic_anomaly,
)}


def test_every_domain_has_at_least_three_incident_kinds(small) -> None:
    _, _, truth = small
    kinds: dict[str, set[str]] = {}
    for i in truth:
        kinds.setdefault(i.domain, set()).add(i.kind)
    assert set(kinds) == {"cost", "security", "performance", "reliability", "data_quality", "mlops"}
    assert all(len(k) >= 3 for k in kinds.values()), kinds
    assert {i.kind for i in truth} <= set(CHECKERS)


def test_incidents_overlap_the_last_day(small) -> None:
    _, manifest, truth = small
    for i in truth:
        assert i.window_end > manifest.end - DAY and i.window_start < manifest.end, i
        assert i.window_start >= manifest.start


@pytest.mark.parametrize("kind", sorted(CHECKERS))
def test_incident_is_visible_in_the_data(kind: str, small, small_wh) -> None:
    _, manifest, truth = small
    incidents = [i for i in truth if i.kind == kind]
    assert incidents, f"no {kind} incident generated"
    for incident in incidents:
        CHECKERS[kind](small_wh, manifest, incident)
