"""Interactive clusters, SQL warehouses, serving endpoints and monitors of the simulated account."""

from __future__ import annotations

import numpy as np

from include.simulator import vocab
from include.simulator.ids import DAY, cluster_id, hex_id
from include.simulator.manifest import ClusterInfo, EndpointInfo, MonitoredTable, WarehouseInfo
from include.simulator.world import ClusterPlan, EndpointPlan, WarehousePlan, World

_CLUSTER_NAMES = ("shared-analytics", "data-eng-interactive", "ml-dev", "bi-adhoc", "finance-notebooks", "platform-ops")
_WAREHOUSE_NAMES = ("bi-warehouse", "adhoc-sql", "dbt-prod")
_ENDPOINTS = (
    ("churn-scoring", "CUSTOM_MODEL", None), ("fraud-detector", "CUSTOM_MODEL", None),
    ("recs-ranking", "CUSTOM_MODEL", None), ("support-chat", "FOUNDATION_MODEL", "llm/v1/chat"),
    ("demand-forecast", "CUSTOM_MODEL", None), ("doc-embeddings", "FOUNDATION_MODEL", "llm/v1/embeddings"),
    ("ltv-predictor", "CUSTOM_MODEL", None), ("propensity-model", "CUSTOM_MODEL", None),
)


def _clusters(world: World, rng: np.random.Generator) -> None:
    for ws, plan in enumerate(world.workspaces):
        users = world.users_of(ws)
        for k in range(world.scale.all_purpose_per_workspace):
            created = world.start_us - int(rng.integers(15, 300)) * DAY + int(rng.integers(8 * 3600, 18 * 3600)) * 1_000_000
            node = vocab.CPU_NODES[plan.info.cloud][int(rng.integers(0, 3))]
            owner = users[int(rng.integers(len(users)))]
            team = next(t for t in vocab.TEAMS if t.name == owner.team)
            name = _CLUSTER_NAMES[k % len(_CLUSTER_NAMES)] + (f"-{k // len(_CLUSTER_NAMES) + 1}" if k >= len(_CLUSTER_NAMES) else "")
            info = ClusterInfo(
                workspace_id=plan.info.workspace_id, cluster_id=cluster_id(rng, created), cluster_name=name,
                owner=owner.email, source="UI" if rng.random() < 0.7 else "API", node_type=node.node_type,
                workers=int(rng.integers(1, 5)), auto_termination_minutes=int(rng.choice([30, 60, 120])),
                tags={"team": team.name, "cost_center": team.cost_center},
            )
            world.clusters.append(
                ClusterPlan(
                    info=info, ws=ws, node=node, start_hour=float(rng.uniform(7.0, 9.5)),
                    hours=float(rng.uniform(6.0, 10.0)), weekend_prob=0.25, cpu=float(rng.uniform(28, 60)),
                    mem=float(rng.uniform(35, 70)), created_us=created,
                )
            )


def _warehouses(world: World, rng: np.random.Generator) -> None:
    for ws, plan in enumerate(world.workspaces):
        for k in range(world.scale.warehouses_per_workspace):
            serverless = rng.random() < 0.4
            max_clusters = int(rng.integers(2, 5))
            info = WarehouseInfo(
                workspace_id=plan.info.workspace_id, warehouse_id=hex_id(rng, 16),
                name=f"{plan.catalog}-{_WAREHOUSE_NAMES[k % len(_WAREHOUSE_NAMES)]}",
                size=str(rng.choice(["X_SMALL", "SMALL", "MEDIUM"])),
                warehouse_type="SERVERLESS" if serverless else "PRO", min_clusters=1, max_clusters=max_clusters,
            )
            world.warehouses.append(
                WarehousePlan(
                    info=info, ws=ws, sku_family="sql_serverless" if serverless else "sql_pro",
                    queries_per_day=world.scale.queries_per_warehouse_day * float(rng.uniform(0.7, 1.3)),
                    exec_median_ms=float(rng.uniform(700, 3500)),
                    tags={"team": plan.team.name, "cost_center": plan.team.cost_center},
                    created_us=world.start_us - int(rng.integers(30, 400)) * DAY,
                )
            )


def _endpoints(world: World, rng: np.random.Generator) -> None:
    for k in range(world.scale.endpoints):
        base, entity_type, task = _ENDPOINTS[k % len(_ENDPOINTS)]
        name = base if k < len(_ENDPOINTS) else f"{base}-{k // len(_ENDPOINTS) + 1}"
        ws = k % len(world.workspaces)
        plan = world.workspaces[ws]
        llm = entity_type == "FOUNDATION_MODEL"
        table = f"{plan.catalog}.serving.{name.replace('-', '_')}_payload"
        info = EndpointInfo(
            workspace_id=plan.info.workspace_id, endpoint_name=name, endpoint_id=hex_id(rng, 32),
            served_entity_id=hex_id(rng, 32),
            entity_name=("system.ai.databricks-meta-llama-3-3-70b-instruct" if task == "llm/v1/chat"
                         else "system.ai.databricks-gte-large-en" if llm else f"{plan.catalog}.models.{name.replace('-', '_')}"),
            inference_table=table, entity_type=entity_type,
        )
        requesters = [s.app_id for s in world.sps_of(ws)] + [u.email for u in world.users_of(ws)[:3]]
        world.endpoints.append(
            EndpointPlan(
                info=info, ws=ws, task=task,
                requests_per_day=world.scale.requests_per_endpoint_day * float(rng.uniform(0.7, 1.4)),
                latency_median_ms=float(rng.uniform(700, 1800) if llm else rng.uniform(25, 140)),
                error_rate=float(rng.uniform(0.001, 0.004)), dbu_per_hour=float(rng.choice([4.0, 8.0, 16.0])),
                tags={"team": "ml", "cost_center": "CC-3300"},
                created_us=world.start_us - int(rng.integers(20, 200)) * DAY, requesters=requesters,
            )
        )


def _monitors(world: World, rng: np.random.Generator) -> None:
    """Data-quality monitors on some written tables; profiles (drift) on some of those and on payloads."""
    written = sorted(t.full_name for t in world.tables.values() if t.writer_job and t.layer != "bronze")
    for full in written:
        if rng.random() >= 0.45:
            continue
        table = world.tables[full]
        catalog = full.split(".")[0]
        drift = f"{catalog}.monitoring.{full.split('.')[2]}_drift_metrics" if rng.random() < 0.6 else None
        world.monitored.append(
            MonitoredTable(
                table_full_name=full, drift_metrics_table=drift,
                workspace_id=world.workspaces[table.ws].info.workspace_id,
            )
        )
    for endpoint in world.endpoints:
        if endpoint.info.entity_type != "CUSTOM_MODEL":
            continue
        payload = endpoint.info.inference_table
        assert payload is not None
        catalog = payload.split(".")[0]
        world.monitored.append(
            MonitoredTable(
                table_full_name=payload, kind="inference", endpoint_name=endpoint.info.endpoint_name,
                drift_metrics_table=f"{catalog}.monitoring.{payload.split('.')[2]}_drift_metrics",
                workspace_id=endpoint.info.workspace_id,
            )
        )


def add_compute(world: World, rng: np.random.Generator) -> None:
    """Interactive clusters, warehouses, endpoints and monitors."""
    _clusters(world, rng)
    _warehouses(world, rng)
    _endpoints(world, rng)
    _monitors(world, rng)
