"""The simulated workspace's manifest: what exists in it, beyond the system tables.

`lakepilot workspace generate` writes it to `<lakehouse>/_workspace.json`; the Jobs API emulator
reads the jobs (with their cluster specs and failure behaviour) from it. The product never reads it:
what the health checks need (budgets, names, per-object tables) goes to the lakehouse's settings file
(`include/health/workspace_settings.py`), and the span the data covers to its description file
(`include/lakehouse/about.py`), both written here as an operator or an export would write them.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from include.lakehouse.about import LakehouseAbout, write_about

MANIFEST_FILE = "_workspace.json"
TRUTH_FILE = "_truth/incidents.json"

FailureBehaviour = Literal[
    "none",  # succeeds
    "transient",  # network/timeouts; succeeds on retry
    "oom",  # OutOfMemoryError until a larger node / more workers / more memory is set
    "permission",  # PERMISSION_DENIED; fails on every retry
    "syntax",  # ParseException / AnalysisException in code; fails on every retry
    "missing_table",  # [TABLE_OR_VIEW_NOT_FOUND]; fails on every retry
    "capacity",  # cloud capacity / CLOUD_PROVIDER_LAUNCH_FAILURE; usually succeeds later
]
Scale = Literal["small", "medium", "large"]


class Workspace(BaseModel):
    workspace_id: str
    name: str
    cloud: Literal["AWS", "AZURE", "GCP"]
    region: str
    host: str


class ClusterSpec(BaseModel):
    spark_version: str = "15.4.x-scala2.12"
    node_type_id: str
    num_workers: int
    spark_conf: dict[str, str] = Field(default_factory=dict)


class TaskSpec(BaseModel):
    task_key: str
    depends_on: list[str] = Field(default_factory=list)
    notebook_path: str


class JobSpec(BaseModel):
    workspace_id: str
    job_id: str
    name: str
    owner: str
    run_as: str
    team: str
    quartz_cron: str
    timezone: str = "UTC"
    tasks: list[TaskSpec]
    cluster: ClusterSpec
    typical_duration_s: int
    sla_minutes: int | None = None
    tags: dict[str, str] = Field(default_factory=dict)
    failure_behaviour: FailureBehaviour = "none"
    failure_rate: float = 0.0
    timeout_seconds: int | None = None
    paused: bool = False
    workload: Literal["ingest", "etl", "aggregate", "training", "scoring", "export"] = "etl"
    reads: list[str] = Field(default_factory=list, description="tables the job reads (full names)")
    writes: list[str] = Field(default_factory=list, description="tables the job writes (full names)")


class ClusterInfo(BaseModel):
    workspace_id: str
    cluster_id: str
    cluster_name: str
    owner: str
    source: Literal["UI", "API", "JOB"]
    node_type: str
    workers: int
    auto_termination_minutes: int = 60
    tags: dict[str, str] = Field(default_factory=dict)


class WarehouseInfo(BaseModel):
    workspace_id: str
    warehouse_id: str
    name: str
    size: str
    warehouse_type: Literal["CLASSIC", "PRO", "SERVERLESS"] = "PRO"
    min_clusters: int = 1
    max_clusters: int = 1


class EndpointInfo(BaseModel):
    workspace_id: str
    endpoint_name: str
    endpoint_id: str
    served_entity_id: str
    entity_name: str
    inference_table: str | None = None
    entity_type: str = "CUSTOM_MODEL"


class MonitoredTable(BaseModel):
    table_full_name: str
    drift_metrics_table: str | None = None
    workspace_id: str | None = None
    kind: Literal["table", "inference"] = Field(
        "table", description="`inference`: the monitored table is a serving endpoint's payload table"
    )
    endpoint_name: str | None = None


class WorkspaceManifest(BaseModel):
    """Everything a consumer needs to know about a generated workspace.

    The data covers `[start, end)`: `end` is exclusive, midnight UTC after the `--end` date.
    """

    account_id: str
    seed: int
    scale: Scale
    start: datetime
    end: datetime
    generated_at: datetime
    workspaces: list[Workspace]
    jobs: list[JobSpec]
    clusters: list[ClusterInfo] = Field(default_factory=list)
    warehouses: list[WarehouseInfo] = Field(default_factory=list)
    endpoints: list[EndpointInfo] = Field(default_factory=list)
    monitored_tables: list[MonitoredTable] = Field(default_factory=list)
    monthly_budget_usd: dict[str, float] = Field(
        default_factory=dict, description="workspace_id -> monthly budget in USD"
    )
    row_counts: dict[str, int] = Field(default_factory=dict)

    def save(self, root: Path) -> Path:
        path = Path(root) / MANIFEST_FILE
        path.write_text(self.model_dump_json(indent=2), encoding="utf-8")
        return path


def health_settings_for(manifest: WorkspaceManifest) -> dict[str, object]:
    """The health settings an operator of this workspace would write: names, budgets, monitored and inference tables."""
    return {
        "monthly_budget_usd": dict(sorted(manifest.monthly_budget_usd.items())),
        "workspace_names": {w.workspace_id: w.name for w in manifest.workspaces},
        "inference_tables": {e.endpoint_name: e.inference_table for e in manifest.endpoints if e.inference_table},
        "drift_metrics_tables": {m.table_full_name: m.drift_metrics_table for m in manifest.monitored_tables
                                 if m.drift_metrics_table},
    }


def write_health_settings(root: Path, manifest: WorkspaceManifest) -> Path:
    """Write the workspace's settings file beside its tables (`include/health/workspace_settings.py`)."""
    from include.health.workspace_settings import write_settings_file

    return write_settings_file(Path(root), health_settings_for(manifest))


def about_for(manifest: WorkspaceManifest) -> LakehouseAbout:
    """How the product describes this workspace's lakehouse: simulated, and the span its data covers."""
    return LakehouseAbout(
        source="simulated", data_start=manifest.start, data_end=manifest.end, generated_at=manifest.generated_at,
        description=f"simulated workspace (seed {manifest.seed}, {manifest.scale}, "
                    f"{manifest.start:%Y-%m-%d}..{manifest.end:%Y-%m-%d})")


def write_about_file(root: Path, manifest: WorkspaceManifest) -> Path:
    """Write the lakehouse's description beside its tables (`include/lakehouse/about.py`)."""
    return write_about(Path(root), about_for(manifest))


def load_manifest(root: Path) -> WorkspaceManifest | None:
    """The manifest of the lakehouse at `root`, or None for exported real tables."""
    path = Path(root) / MANIFEST_FILE
    if not path.is_file():
        return None
    return WorkspaceManifest.model_validate(json.loads(path.read_text(encoding="utf-8")))


class Incident(BaseModel):
    """One injected incident: the ground truth a health check should find."""

    domain: Literal["cost", "security", "performance", "reliability", "data_quality", "mlops"]
    kind: str
    entity_type: str
    entity_id: str
    window_start: datetime
    window_end: datetime
    workspace_id: str | None = None
    details: dict[str, float | int | str] = Field(default_factory=dict)
