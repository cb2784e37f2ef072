"""Plan the injected incidents of every domain (the ground truth a sweep should find).

Each `_plan_<domain>` picks entities nobody else uses, decides the incident's start and size
from the seed, records the effect for the generators and the `Incident` for the truth file.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import numpy as np

from include.simulator import vocab
from include.simulator.ids import DAY, SEC, from_us, stream
from include.simulator.manifest import Incident
from include.simulator.plan import (
    ClusterEffect,
    CostSpike,
    EndpointEffect,
    JobEffect,
    Plan,
    SecurityEvent,
    TableEffect,
    WarehouseEffect,
    days,
    hours,
)
from include.simulator.schedule import SETUP_S, expected_daily_dbu, scheduled_times
from include.simulator.world import ClusterPlan, EndpointPlan, JobPlan, WarehousePlan, World

T = TypeVar("T")


class PlanningError(ValueError):
    """The workspace is too small to hold every incident kind with distinct entities."""


def _pick(rng: np.random.Generator, plan: Plan, items: Sequence[T], key: Callable[[T], str], what: str) -> T:
    free = [i for i in items if key(i) not in plan.used]
    if not free:
        raise PlanningError(f"no free {what} left for an incident; use a larger scale")
    chosen = free[int(rng.integers(len(free)))]
    plan.used.add(key(chosen))
    return chosen


def _incident(world: World, domain: str, kind: str, entity_type: str, entity_id: str, t0: int,
              ws: int | None, t1: int | None = None, **details: Any) -> Incident:
    return Incident(
        domain=domain, kind=kind, entity_type=entity_type, entity_id=entity_id,
        window_start=from_us(max(t0, world.start_us)), window_end=from_us(t1 if t1 is not None else world.end_us),
        workspace_id=None if ws is None else world.workspaces[ws].info.workspace_id,
        details={k: (round(v, 4) if isinstance(v, float) else v) for k, v in details.items()},
    )


def _runs(world: World, job: JobPlan) -> np.ndarray:
    return scheduled_times(job, world.start_us, world.end_us)


def _plan_reliability(world: World, plan: Plan, rng: np.random.Generator, k: int) -> None:
    end = world.end_us
    plain = [j for j in world.jobs if not j.training]
    for _ in range(k):
        job = _pick(rng, plan, plain, lambda j: j.job_id, "job (failure streak)")
        n_fail = int(rng.integers(3, 7))
        t0 = int(_runs(world, job)[-n_fail])
        behaviour = str(rng.choice(["permission", "syntax", "missing_table", "oom"]))
        plan.jobs[job.job_id] = JobEffect("failure_streak", t0, fail_all=True, behaviour=behaviour)
        job.spec.failure_behaviour, job.spec.failure_rate = behaviour, 1.0  # type: ignore[assignment]
        plan.add(_incident(world, "reliability", "failure_streak", "job", job.job_id, t0, job.ws,
                           behaviour=behaviour, failed_runs=n_fail))
    hourly = [j for j in plain if j.cadence == "hourly"]
    for _ in range(k):
        job = _pick(rng, plan, hourly, lambda j: j.job_id, "hourly job (failure-rate increase)")
        t0 = end - hours(rng.uniform(20, 40))
        prob = float(rng.uniform(0.4, 0.65))
        behaviour = str(rng.choice(["transient", "capacity"]))
        plan.jobs[job.job_id] = JobEffect("failure_rate_increase", t0, fail_prob=prob, behaviour=behaviour)
        job.spec.failure_behaviour, job.spec.failure_rate = behaviour, round(prob, 3)  # type: ignore[assignment]
        plan.add(_incident(world, "reliability", "failure_rate_increase", "job", job.job_id, t0, job.ws,
                           failure_probability=prob, behaviour=behaviour))
    daily = [j for j in plain if j.cadence == "daily"]
    for _ in range(k):
        job = _pick(rng, plan, daily, lambda j: j.job_id, "daily job (SLA breach)")
        ramp_start = end - days(rng.uniform(8, 12))
        gain, margin = float(rng.uniform(0.7, 1.0)), float(rng.uniform(1.12, 1.2))
        overhead = sum(SETUP_S) / 2 + 15
        final = overhead + job.duration_s * (1 + gain)
        sla_minutes = int(round(final / margin / 60))
        frac = ((sla_minutes * 60 - overhead) / job.duration_s - 1) / gain
        t_cross = ramp_start + int(frac * (end - ramp_start))
        runs = _runs(world, job)
        first_breach = int(runs[runs >= t_cross][0]) if (runs >= t_cross).any() else int(runs[-1])
        plan.jobs[job.job_id] = JobEffect("sla_breach", first_breach, ramp_start=ramp_start, ramp_gain=gain, noise=0.02)
        job.spec.sla_minutes, job.spec.timeout_seconds = sla_minutes, None
        plan.add(_incident(world, "reliability", "sla_breach", "job", job.job_id, first_breach, job.ws,
                           sla_minutes=sla_minutes, growth=gain))


def _plan_mlops(world: World, plan: Plan, rng: np.random.Generator, k: int) -> None:
    end = world.end_us
    training = [j for j in world.jobs if j.training]
    for _ in range(k):
        job = _pick(rng, plan, training, lambda j: j.job_id, "training job")
        n_fail = int(rng.integers(1, 3))
        t0 = int(_runs(world, job)[-n_fail])
        plan.jobs[job.job_id] = JobEffect("training_failure", t0, fail_all=True, behaviour="oom")
        job.spec.failure_behaviour, job.spec.failure_rate = "oom", 1.0
        plan.add(_incident(world, "mlops", "training_failure", "job", job.job_id, t0, job.ws, failed_runs=n_fail))
    endpoints = world.endpoints
    name: Callable[[EndpointPlan], str] = lambda e: e.info.endpoint_name  # noqa: E731
    inference = {m.endpoint_name for m in world.monitored if m.kind == "inference"}
    # Drift first: it needs an endpoint with a monitored payload table.
    for _ in range(k):
        ep = _pick(rng, plan, [e for e in endpoints if name(e) in inference], name, "monitored endpoint")
        monitor = next(m for m in world.monitored if m.endpoint_name == name(ep))
        t0 = end - days(rng.uniform(1.05, 3))
        plan.tables[monitor.table_full_name] = TableEffect("prediction_drift", t0, monitor.table_full_name,
                                                           ["prediction"], float(rng.uniform(0.3, 0.6)))
        plan.add(_incident(world, "mlops", "prediction_drift", "endpoint", name(ep), t0, ep.ws,
                           table=monitor.table_full_name))
    for _ in range(k):
        ep = _pick(rng, plan, endpoints, name, "endpoint (latency)")
        t0, mult = end - hours(rng.uniform(16, 60)), float(rng.uniform(3, 6))
        plan.endpoints[name(ep)] = EndpointEffect("latency_degradation", t0, latency_mult=mult)
        plan.add(_incident(world, "mlops", "latency_degradation", "endpoint", name(ep), t0, ep.ws, latency_multiplier=mult))
    for _ in range(k):
        ep = _pick(rng, plan, endpoints, name, "endpoint (errors)")
        t0, rate = end - hours(rng.uniform(16, 60)), float(rng.uniform(0.08, 0.3))
        plan.endpoints[name(ep)] = EndpointEffect("error_rate_spike", t0, error_rate=rate)
        plan.add(_incident(world, "mlops", "error_rate_spike", "endpoint", name(ep), t0, ep.ws, error_rate=rate))
    for _ in range(k):
        ep = _pick(rng, plan, endpoints, name, "endpoint (traffic)")
        t0 = end - hours(rng.uniform(26, 60))
        # Surges are sized so that even a weekend window (traffic x0.75) clears a 3x threshold.
        mult = float(rng.uniform(5, 8)) if rng.random() < 0.5 else float(rng.uniform(0.05, 0.15))
        plan.endpoints[name(ep)] = EndpointEffect("traffic_anomaly", t0, traffic_mult=mult)
        plan.add(_incident(world, "mlops", "traffic_anomaly", "endpoint", name(ep), t0, ep.ws, traffic_multiplier=mult))


def _plan_data_quality(world: World, plan: Plan, rng: np.random.Generator, k: int) -> None:
    end = world.end_us
    writers = [j for j in world.jobs if j.spec.writes and not j.training]
    for _ in range(k):
        job = _pick(rng, plan, writers, lambda j: j.job_id, "writing job (stale table)")
        pause = {"daily": days(rng.uniform(2.2, 4)), "every4h": hours(rng.uniform(14, 40)),
                 "hourly": hours(rng.uniform(8, 36))}[job.cadence]
        t0 = end - pause
        plan.jobs[job.job_id] = JobEffect("stale_table", t0, paused=True)
        job.spec.paused = True
        for table in job.spec.writes:
            plan.used.add(table)
            plan.add(_incident(world, "data_quality", "stale_table", "table", table, t0, job.ws, writer_job=job.job_id))
    tables = [m for m in world.monitored if m.kind == "table"]
    key = lambda m: m.table_full_name  # noqa: E731
    for _ in range(k):
        m = _pick(rng, plan, [t for t in tables if t.drift_metrics_table], key, "profiled table (drift)")
        t0 = end - days(rng.uniform(1.05, 3))
        cols = [c for c in world.tables[m.table_full_name].columns
                if not c.endswith("id") and c not in ("updated_at", "ingested_at", "day", "source_file")]
        chosen = sorted(rng.choice(cols, size=min(len(cols), int(rng.integers(1, 3))), replace=False).tolist())
        plan.tables[m.table_full_name] = TableEffect("drift", t0, m.table_full_name, chosen, float(rng.uniform(0.3, 0.6)))
        plan.add(_incident(world, "data_quality", "drift", "table", m.table_full_name, t0, world.tables[m.table_full_name].ws,
                           columns=",".join(chosen)))
    for _ in range(k):
        m = _pick(rng, plan, tables, key, "monitored table (failing monitor)")
        t0 = end - hours(rng.uniform(8, 60))
        plan.tables[m.table_full_name] = TableEffect("failing_monitor", t0, m.table_full_name, severity=float(rng.uniform(0.05, 0.3)))
        plan.add(_incident(world, "data_quality", "failing_monitor", "table", m.table_full_name, t0,
                           world.tables[m.table_full_name].ws, check="completeness"))


def _plan_performance(world: World, plan: Plan, rng: np.random.Generator, k: int) -> None:
    end = world.end_us
    shares: dict[str, float] = {}
    for ws in range(len(world.workspaces)):
        total = sum(expected_daily_dbu(j) for j in world.jobs if j.ws == ws) or 1.0
        shares.update({j.job_id: expected_daily_dbu(j) / total for j in world.jobs if j.ws == ws})
    cands = [j for j in world.jobs if not j.spec.sla_minutes and not j.training and shares[j.job_id] < 0.3]
    for _ in range(k):
        job = _pick(rng, plan, cands, lambda j: j.job_id, "job (duration regression)")
        t0, mult = end - hours(rng.uniform(26, 70)), float(rng.uniform(2.0, 3.0))
        plan.jobs[job.job_id] = JobEffect("duration_regression", t0, duration_mult=mult)
        plan.add(_incident(world, "performance", "duration_regression", "job", job.job_id, t0, job.ws, multiplier=mult))
    wid: Callable[[WarehousePlan], str] = lambda w: w.info.warehouse_id  # noqa: E731
    for _ in range(k):
        wh = _pick(rng, plan, world.warehouses, wid, "warehouse (slow queries)")
        t0, mult = end - hours(rng.uniform(16, 60)), float(rng.uniform(3, 6))
        plan.warehouses[wid(wh)] = WarehouseEffect("slow_queries", t0, exec_mult=mult)
        plan.add(_incident(world, "performance", "slow_queries", "warehouse", wid(wh), t0, wh.ws, multiplier=mult))
    for _ in range(k):
        wh = _pick(rng, plan, world.warehouses, wid, "warehouse (queueing)")
        t0 = end - hours(rng.uniform(16, 60))
        share = float(rng.uniform(0.35, 0.6))
        plan.warehouses[wid(wh)] = WarehouseEffect("warehouse_queueing", t0, queue_share=share, queue_s=(20.0, 240.0), max_clusters=1)
        plan.add(_incident(world, "performance", "warehouse_queueing", "warehouse", wid(wh), t0, wh.ws, queued_share=share))
    cid: Callable[[ClusterPlan], str] = lambda c: c.info.cluster_id  # noqa: E731
    for _ in range(k):
        cl = _pick(rng, plan, world.clusters, cid, "cluster (under-utilised)")
        t0 = end - days(rng.uniform(2, 5))
        # A big shared cluster whose workload moved elsewhere: same size (and spend), far less work.
        cl.info.workers = int(rng.integers(8, 13))
        plan.clusters[cid(cl)] = ClusterEffect("cluster_underutilised", t0, cpu=float(rng.uniform(6, 12)),
                                               mem=float(rng.uniform(10, 20)))
        plan.add(_incident(world, "performance", "cluster_underutilised", "cluster", cid(cl), t0, cl.ws))
    for _ in range(k):
        cl = _pick(rng, plan, world.clusters, cid, "cluster (over-utilised)")
        t0 = end - days(rng.uniform(2, 5))
        plan.clusters[cid(cl)] = ClusterEffect("cluster_overutilised", t0, cpu=float(rng.uniform(88, 96)),
                                               mem=float(rng.uniform(91, 97)))
        plan.add(_incident(world, "performance", "cluster_overutilised", "cluster", cid(cl), t0, cl.ws))


def _plan_cost(world: World, plan: Plan, rng: np.random.Generator, k: int) -> None:
    end = world.end_us
    cid: Callable[[ClusterPlan], str] = lambda c: c.info.cluster_id  # noqa: E731
    for _ in range(k):
        cl = _pick(rng, plan, world.clusters, cid, "cluster (idle)")
        t0 = max(world.start_us + DAY, end - days(rng.uniform(8, 12)))
        plan.clusters[cid(cl)] = ClusterEffect("idle_cluster", t0, cpu=float(rng.uniform(0.3, 2.0)),
                                               mem=float(rng.uniform(12, 22)), always_on=True)
        plan.add(_incident(world, "cost", "idle_cluster", "cluster", cid(cl), t0, cl.ws))
    def daily_usd(j: JobPlan) -> float:
        return expected_daily_dbu(j) * vocab.list_price(j.sku_family, world.workspaces[j.ws].info.cloud)

    # Untagged spend worth charging back: jobs spending a few dollars a day or more.
    by_cost = sorted((j for j in world.jobs if not j.training), key=daily_usd, reverse=True)
    top = [j for j in by_cost if daily_usd(j) >= 3.0] or by_cost[: k + 1]
    for _ in range(k):
        job = _pick(rng, plan, top, lambda j: j.job_id, "job (untagged spend)")
        t0 = end - days(rng.uniform(2, 5))
        plan.jobs[job.job_id] = JobEffect("untagged_spend", t0, untagged=True)
        plan.add(_incident(world, "cost", "untagged_spend", "job", job.job_id, t0, job.ws))
    n_ws = len(world.workspaces)
    order = [int(i) for i in rng.permutation(n_ws)]
    for i in range(k):
        ws = order[i % n_ws]
        plan.budget_overrun[world.workspaces[ws].info.workspace_id] = float(rng.uniform(0.6, 0.85))
    spike_ws = [w for w in order if world.workspaces[w].info.workspace_id not in plan.budget_overrun] or order
    for i in range(k):
        ws = spike_ws[i % len(spike_ws)]
        t0, ratio = end - hours(rng.uniform(14, 60)), float(rng.uniform(3, 6))
        whs = [w for w in world.warehouses if w.ws == ws and w.info.warehouse_id not in plan.used]
        jobs = [j for j in world.jobs if j.ws == ws and j.job_id not in plan.used]
        if whs and (not jobs or rng.random() < 0.5):
            wh = _pick(rng, plan, whs, lambda w: w.info.warehouse_id, "warehouse (spend spike)")
            spike = CostSpike(ws, wh.sku_family, "warehouse", wh.info.warehouse_id, t0, ratio)
        else:
            job = _pick(rng, plan, jobs, lambda j: j.job_id, "job (spend spike)")
            spike = CostSpike(ws, job.sku_family, "job", job.job_id, t0, ratio)
        plan.spikes.append(spike)
    # Budget incidents and spike truth entries are recorded by the billing generator, which
    # knows the measured spend they are defined against.


def _plan_security(world: World, plan: Plan, rng: np.random.Generator, k: int) -> None:
    end = world.end_us
    known_ips = {ip for u in world.users for ip in u.ips} | {s.ip for s in world.sps}
    humans = [u for u in world.users if not u.is_admin]
    admins = [u for u in world.users if u.is_admin]
    email = lambda u: u.email  # noqa: E731
    for i in range(k):
        ip = f"185.220.{100 + i}.{int(rng.integers(2, 250))}"
        ws = int(rng.integers(len(world.workspaces)))
        t0 = end - hours(rng.uniform(2, 23))
        t1 = t0 + hours(rng.uniform(10, 45) / 60)
        users = world.users_of(ws)
        picked = rng.choice(len(users), size=min(len(users), int(rng.integers(3, 8))), replace=False)
        targets = [users[i].email for i in picked]
        targets += ["admin@acme-retail.com", "root@acme-retail.com"]
        count = int(rng.integers(40, 200))
        plan.security.append(SecurityEvent("failed_login_burst", t0, t1, ws, ip=ip, count=count, targets=targets))
        plan.add(_incident(world, "security", "failed_login_burst", "ip", ip, t0, ws, t1, failed_logins=count))
    for _ in range(k):
        user = _pick(rng, plan, humans, email, "user (new IP)")
        ip = f"{int(rng.integers(31, 95))}.{int(rng.integers(1, 255))}.{int(rng.integers(1, 255))}.{int(rng.integers(2, 255))}"
        while ip in known_ips:
            ip = ip + "0"
        t0 = end - hours(rng.uniform(2, 22))
        t1 = t0 + hours(rng.uniform(20, 90) / 60)
        plan.security.append(SecurityEvent("new_ip_login", t0, t1, user.ws, user=user.email, ip=ip, count=int(rng.integers(5, 20))))
        plan.add(_incident(world, "security", "new_ip_login", "user", user.email, t0, user.ws, t1, source_ip=ip))
    for _ in range(k):
        user = _pick(rng, plan, admins, email, "admin (after hours)")
        day0 = end - DAY
        hour = float(rng.uniform(0.5, 5.0)) if rng.random() < 0.6 else float(rng.uniform(20.5, 23.3))
        t0 = day0 + hours(hour)
        t1 = t0 + hours(0.5)
        plan.security.append(SecurityEvent("after_hours_privileged", t0, t1, user.ws, user=user.email, count=int(rng.integers(2, 7))))
        plan.add(_incident(world, "security", "after_hours_privileged", "user", user.email, t0, user.ws, t1))
    for _ in range(k):
        user = _pick(rng, plan, humans, email, "user (read volume)")
        t0 = end - hours(rng.uniform(4, 20))
        t1 = t0 + hours(rng.uniform(1, 3))
        count = int(max(400, 15 * user.reads_per_day))
        plan.security.append(SecurityEvent("unusual_read_volume", t0, t1, user.ws, user=user.email, count=count))
        plan.add(_incident(world, "security", "unusual_read_volume", "user", user.email, t0, user.ws, t1, reads=count))


def plan_incidents(world: World) -> Plan:
    """Every injected incident of the world, with its effects, from the world's seed."""
    plan = Plan()
    k = world.scale.incidents_per_kind
    rng = stream(world.seed, "incidents")
    for planner in (_plan_reliability, _plan_mlops, _plan_data_quality, _plan_performance, _plan_cost, _plan_security):
        planner(world, plan, rng, k)
    return plan


__all__ = ["PlanningError", "SEC", "plan_incidents"]
