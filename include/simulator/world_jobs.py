"""Scheduled jobs of the simulated account and the Unity Catalog tables they write and read."""

from __future__ import annotations

import numpy as np

from include.simulator import vocab
from include.simulator.ids import DAY, HOUR, MIN, numeric_id
from include.simulator.manifest import ClusterSpec, JobSpec, TaskSpec
from include.simulator.world import DataTable, JobPlan, World

# One workspace's job mix, repeated to reach the scale's job count: (workload, cadence).
_PATTERN: list[tuple[str, str]] = [
    ("ingest", "hourly"), ("etl", "daily"), ("aggregate", "daily"), ("etl", "every4h"),
    ("training", "daily"), ("etl", "daily"), ("ingest", "hourly"), ("export", "daily"),
    ("scoring", "daily"), ("aggregate", "daily"),
]
_PERIOD = {"hourly": HOUR, "every4h": 4 * HOUR, "daily": DAY}
_DURATION_S = {
    "ingest": (240, 840), "etl": (900, 3000), "aggregate": (600, 2100), "training": (1800, 5400),
    "scoring": (600, 1500), "export": (300, 900),
}
_TASKS = {
    "ingest": ["land", "validate", "append_bronze"],
    "etl": ["extract", "transform", "merge_silver"],
    "aggregate": ["build_aggregates", "publish"],
    "training": ["prepare_features", "train", "evaluate", "register_model"],
    "scoring": ["load_model", "score", "write_scores"],
    "export": ["export"],
}
_COLUMNS = {
    "bronze": ["event_id", "payload", "source_file", "ingested_at"],
    "silver": ["id", "customer_id", "amount", "status", "region", "updated_at"],
    "gold": ["day", "region", "total_amount", "row_count", "avg_amount"],
    "sensitive": ["customer_id", "email", "phone", "date_of_birth", "address", "updated_at"],
}
_PII = ["email", "phone", "date_of_birth", "address"]
_SENSITIVE_SUBJECTS = {"customers": "pii", "payments": "pii", "payroll": "hr", "ledger": "finance_restricted", "leads": "pii"}


def _quartz(cadence: str, offset_us: int) -> str:
    minute = int(offset_us // MIN) % 60
    hour = int(offset_us // HOUR) % 24
    if cadence == "hourly":
        return f"0 {minute} * * * ?"
    if cadence == "every4h":
        return f"0 {minute} {hour % 4}/4 * * ?"
    return f"0 {minute} {hour} * * ?"


def _job_name(workload: str, cadence: str, subject: str) -> str:
    if workload == "ingest":
        return f"{cadence}_{subject}_ingest"
    if workload == "etl":
        return f"daily_{subject}_etl" if cadence == "daily" else f"{subject}_refresh_4h"
    return {
        "aggregate": f"{subject}_daily_aggregate",
        "training": f"{subject}_model_training",
        "scoring": f"{subject}_batch_scoring",
        "export": f"{subject}_export_daily",
    }[workload]


def _add_table(world: World, rng: np.random.Generator, full: str, ws: int, layer: str, owner: str, team: str) -> DataTable:
    sensitive = full.split(".")[1] in vocab.SENSITIVE_SCHEMAS
    columns = _COLUMNS["sensitive" if sensitive else layer]
    table = DataTable(
        full_name=full, ws=ws, layer=layer, owner=owner, team=team,
        created_us=world.start_us - int(rng.integers(20, 500)) * DAY, columns=list(columns),
        sensitive=sensitive, pii_columns=[c for c in columns if c in _PII],
    )
    world.tables[full] = table
    return table


def _outputs(world: World, rng: np.random.Generator, ws: int, workload: str, cadence: str, subject: str,
             owner: str, team: str, first_etl: bool) -> list[str]:
    catalog = world.workspaces[ws].catalog
    if workload == "ingest":
        names = [(f"{catalog}.bronze.{subject}_raw", "bronze")]
    elif workload == "etl":
        # Every workspace keeps at least one table of personal data (its first daily ETL's output).
        schema = _SENSITIVE_SUBJECTS.get(subject, "pii" if first_etl else "silver")
        suffix = "" if cadence == "daily" else "_snapshot"
        names = [(f"{catalog}.{schema}.{subject}{suffix}", "silver")]
    elif workload == "aggregate":
        names = [(f"{catalog}.gold.{subject}_daily", "gold")]
    elif workload == "scoring":
        names = [(f"{catalog}.gold.{subject}_scores", "gold")]
    else:
        names = []
    out = []
    for full, layer in names:
        if full in world.tables:
            continue
        table = _add_table(world, rng, full, ws, layer, owner, team)
        out.append(table.full_name)
    return out


def _assign_reads(world: World, rng: np.random.Generator) -> None:
    """Each job reads tables produced upstream in its workspace (bronze → silver → gold)."""
    wants = {"etl": ("bronze",), "aggregate": ("silver",), "scoring": ("silver",),
             "training": ("silver", "gold"), "export": ("gold", "silver")}
    for job in world.jobs:
        layers = wants.get(job.spec.workload)
        if not layers:
            continue
        candidates = [
            t.full_name for t in world.tables.values()
            if t.ws == job.ws and t.layer in layers and t.full_name not in job.spec.writes
        ]
        if not candidates:
            continue
        k = min(len(candidates), int(rng.integers(1, 3)))
        job.spec.reads = sorted(rng.choice(candidates, size=k, replace=False).tolist())


def add_jobs_and_tables(world: World, rng: np.random.Generator) -> None:
    """Create the scheduled jobs of every workspace and the tables they write."""
    scale = world.scale
    for ws, plan in enumerate(world.workspaces):
        cloud = plan.info.cloud
        users = world.users_of(ws)
        sps = world.sps_of(ws)
        subjects = [s for t in [plan.team, *vocab.TEAMS] for s in t.subjects]
        used_names: set[str] = set()
        for k in range(scale.jobs_per_workspace):
            workload, cadence = _PATTERN[k % len(_PATTERN)]
            subject = subjects[k % len(subjects)]
            name = _job_name(workload, cadence, subject)
            n = 2
            while name in used_names:
                name, n = f"{_job_name(workload, cadence, subject)}_{n}", n + 1
            used_names.add(name)
            team = next((t for t in vocab.TEAMS if subject in t.subjects), plan.team)
            owner = users[int(rng.integers(len(users)))].email
            run_as = sps[int(rng.integers(len(sps)))].app_id if rng.random() < 0.7 else owner
            training = workload == "training"
            node = vocab.GPU_NODE[cloud] if training else vocab.CPU_NODES[cloud][int(rng.integers(0, 4))]
            workers = int(rng.integers(1, 4)) if training else int(rng.integers(2, 7))
            period = _PERIOD[cadence]
            minute = int(rng.integers(0, 60)) * MIN
            offset = {"hourly": minute, "every4h": int(rng.integers(0, 4)) * HOUR + minute,
                      "daily": int(rng.integers(0, 7)) * HOUR + minute}[cadence]
            lo, hi = _DURATION_S[workload]
            duration = float(rng.uniform(lo, hi))
            if cadence == "hourly":
                duration = min(duration, 900.0)
            tags = {"team": team.name, "cost_center": team.cost_center, "env": "prod"}
            if training:
                tags["workload"] = "ml-training"
            spark_conf = {"spark.sql.shuffle.partitions": str(int(rng.choice([64, 200, 400]))),
                          "spark.databricks.delta.optimizeWrite.enabled": "true"}
            task_keys = _TASKS[workload]
            tasks = [TaskSpec(task_key=t, depends_on=[task_keys[i - 1]] if i else [],
                              notebook_path=f"/Repos/{team.name}/{subject}/{t}") for i, t in enumerate(task_keys)]
            transient = (not training) and rng.random() < 0.25
            sla = int(duration * rng.uniform(2.2, 3.0) / 60) + 1 if cadence == "daily" and rng.random() < 0.35 else None
            spec = JobSpec(
                workspace_id=plan.info.workspace_id, job_id=numeric_id(rng, 15), name=name, owner=owner,
                run_as=run_as, team=team.name, quartz_cron=_quartz(cadence, offset), tasks=tasks,
                cluster=ClusterSpec(node_type_id=node.node_type, num_workers=workers, spark_conf=spark_conf),
                typical_duration_s=int(duration), sla_minutes=sla, tags=tags,
                failure_behaviour=("capacity" if rng.random() < 0.3 else "transient") if transient else "none",
                failure_rate=round(float(rng.uniform(0.005, 0.02)), 4) if transient else 0.0,
                timeout_seconds=int(duration * rng.uniform(6, 9)) if rng.random() < 0.5 else None,
                workload=workload,
            )
            sources = []
            if workload == "ingest":
                sources = [f"s3://acme-landing-{plan.catalog}/{subject}/" if cloud == "AWS"
                           else f"abfss://landing@acme{plan.catalog}.dfs.core.windows.net/{subject}/"]
            job = JobPlan(
                spec=spec, ws=ws, cadence=cadence, period_us=period, offset_us=offset, duration_s=duration,
                nodes=workers + 1, node=node, sku_family="jobs", source_paths=sources, training=training,
                created_us=world.start_us - int(rng.integers(10, 400)) * DAY,
            )
            spec.writes = _outputs(world, rng, ws, workload, cadence, subject, owner, team.name, k == 1)
            for full in spec.writes:
                world.tables[full].writer_job = spec.job_id
            world.jobs.append(job)
    _assign_reads(world, rng)
    # A few sensitive tables lack a classification tag: the coverage gap governance reports on.
    sensitive = sorted(t.full_name for t in world.tables.values() if t.sensitive)
    for full in sensitive:
        world.tables[full].classified = rng.random() >= 0.3
