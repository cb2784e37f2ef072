"""The simulated account as entities: workspaces, people, compute, endpoints, tables and jobs.

`build_world(seed, scale, start_us, end_us)` decides everything that exists and how it
normally behaves; the incident plan then changes some of it, and the table generators turn
both into system-table rows. Nothing here writes data.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from include.simulator import vocab
from include.simulator.ids import DAY, hex_id, numeric_id, stream, uuid_str
from include.simulator.manifest import (
    ClusterInfo,
    EndpointInfo,
    JobSpec,
    MonitoredTable,
    WarehouseInfo,
    Workspace,
)
from include.simulator.scales import ScaleProfile


@dataclass
class WorkspacePlan:
    info: Workspace
    region: vocab.Region
    catalog: str
    team: vocab.Team


@dataclass
class User:
    email: str
    user_id: str
    ws: int
    team: str
    ips: list[str]
    is_admin: bool
    reads_per_day: float
    analyst: bool


@dataclass
class ServicePrincipal:
    app_id: str
    name: str
    ws: int
    ip: str
    team: str


@dataclass
class DataTable:
    full_name: str
    ws: int
    layer: str
    owner: str
    team: str
    created_us: int
    columns: list[str]
    sensitive: bool
    classified: bool = True
    writer_job: str | None = None
    pii_columns: list[str] = field(default_factory=list)


@dataclass
class JobPlan:
    spec: JobSpec
    ws: int
    cadence: str  # hourly | every4h | daily
    period_us: int
    offset_us: int
    duration_s: float
    nodes: int
    node: vocab.NodeType
    sku_family: str
    source_paths: list[str]
    training: bool
    created_us: int

    @property
    def job_id(self) -> str:
        return self.spec.job_id


@dataclass
class ClusterPlan:
    info: ClusterInfo
    ws: int
    node: vocab.NodeType
    start_hour: float
    hours: float
    weekend_prob: float
    cpu: float
    mem: float
    created_us: int


@dataclass
class WarehousePlan:
    info: WarehouseInfo
    ws: int
    sku_family: str
    queries_per_day: float
    exec_median_ms: float
    tags: dict[str, str]
    created_us: int


@dataclass
class EndpointPlan:
    info: EndpointInfo
    ws: int
    task: str | None
    requests_per_day: float
    latency_median_ms: float
    error_rate: float
    dbu_per_hour: float
    tags: dict[str, str]
    created_us: int
    requesters: list[str] = field(default_factory=list)


@dataclass
class World:
    seed: int
    scale: ScaleProfile
    account_id: str
    metastore_id: str
    start_us: int
    end_us: int
    workspaces: list[WorkspacePlan]
    users: list[User]
    sps: list[ServicePrincipal]
    office_ips: list[str]
    tables: dict[str, DataTable] = field(default_factory=dict)
    jobs: list[JobPlan] = field(default_factory=list)
    clusters: list[ClusterPlan] = field(default_factory=list)
    warehouses: list[WarehousePlan] = field(default_factory=list)
    endpoints: list[EndpointPlan] = field(default_factory=list)
    monitored: list[MonitoredTable] = field(default_factory=list)

    @property
    def days(self) -> int:
        return int((self.end_us - self.start_us) // DAY)

    def users_of(self, ws: int) -> list[User]:
        return [u for u in self.users if u.ws == ws]

    def sps_of(self, ws: int) -> list[ServicePrincipal]:
        return [s for s in self.sps if s.ws == ws]

    def job(self, job_id: str) -> JobPlan:
        return next(j for j in self.jobs if j.job_id == job_id)


def _ip(rng: np.random.Generator, prefix: str) -> str:
    return f"{prefix}.{int(rng.integers(1, 255))}"


def _workspaces(rng: np.random.Generator, scale: ScaleProfile) -> list[WorkspacePlan]:
    plans = []
    for i in range(scale.workspaces):
        name, catalog = vocab.WORKSPACE_NAMES[i]
        region = vocab.REGIONS[i % len(vocab.REGIONS)]
        ws_id = numeric_id(rng, 16)
        host = (
            f"adb-{ws_id}.{int(rng.integers(1, 20))}.azuredatabricks.net"
            if region.cloud == "AZURE"
            else f"dbc-{hex_id(rng, 8)}-{hex_id(rng, 4)}.cloud.databricks.com"
        )
        info = Workspace(workspace_id=ws_id, name=name, cloud=region.cloud, region=region.region, host=host)
        plans.append(WorkspacePlan(info=info, region=region, catalog=catalog, team=vocab.TEAMS[i % len(vocab.TEAMS)]))
    return plans


def _people(
    rng: np.random.Generator, scale: ScaleProfile, workspaces: list[WorkspacePlan]
) -> tuple[list[User], list[ServicePrincipal], list[str]]:
    office_ips = [_ip(rng, p) for p in ("198.51.100", "198.51.100", "203.0.113", "203.0.113", "192.0.2")]
    users: list[User] = []
    seen: set[str] = set()
    for ws, plan in enumerate(workspaces):
        for k in range(scale.users_per_workspace):
            first = vocab.FIRST_NAMES[int(rng.integers(len(vocab.FIRST_NAMES)))]
            last = vocab.LAST_NAMES[int(rng.integers(len(vocab.LAST_NAMES)))]
            local = f"{first}.{last}"
            n = 2
            while local in seen:
                local, n = f"{first}.{last}{n}", n + 1
            seen.add(local)
            team = plan.team.name if rng.random() < 0.65 else vocab.TEAMS[int(rng.integers(len(vocab.TEAMS)))].name
            ips = list(dict.fromkeys([office_ips[int(rng.integers(len(office_ips)))], _ip(rng, f"100.{64 + ws}.{k}")]))
            users.append(
                User(
                    email=f"{local}@{vocab.EMAIL_DOMAIN}", user_id=numeric_id(rng, 15), ws=ws, team=team,
                    ips=ips, is_admin=k < 2, reads_per_day=float(rng.uniform(12, 60)), analyst=rng.random() < 0.6,
                )
            )
    sps: list[ServicePrincipal] = []
    sp_names = ("airflow-prod", "dbt-runner", "ml-pipelines", "ingest-service", "reporting-bot")
    for ws, plan in enumerate(workspaces):
        for k in range(scale.service_principals_per_workspace):
            sps.append(
                ServicePrincipal(
                    app_id=uuid_str(rng), name=f"{sp_names[k % len(sp_names)]}-{plan.catalog}", ws=ws,
                    ip=f"10.{20 + ws}.{k}.{int(rng.integers(2, 250))}", team=plan.team.name,
                )
            )
    return users, sps, office_ips


def build_world(seed: int, scale: ScaleProfile, start_us: int, end_us: int) -> World:
    """Every entity of the simulated account and its normal behaviour, from the seed."""
    from include.simulator.world_compute import add_compute
    from include.simulator.world_jobs import add_jobs_and_tables

    rng = stream(seed, "world")
    workspaces = _workspaces(rng, scale)
    users, sps, office_ips = _people(rng, scale, workspaces)
    world = World(
        seed=seed, scale=scale, account_id=uuid_str(rng), metastore_id=uuid_str(rng),
        start_us=start_us, end_us=end_us, workspaces=workspaces, users=users, sps=sps, office_ips=office_ips,
    )
    add_jobs_and_tables(world, stream(seed, "world.jobs"))
    add_compute(world, stream(seed, "world.compute"))
    return world
