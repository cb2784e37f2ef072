"""The emulator's own records of jobs and runs (stored as JSON documents in SQLite).

These are internal; `views.py` renders them in the Jobs API's shape.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from include.emulator.failures import ClusterShape, Outcome

TERMINAL_LIFE_CYCLES = frozenset({"TERMINATED", "SKIPPED", "INTERNAL_ERROR"})
RunType = Literal["JOB_RUN", "SUBMIT_RUN", "WORKFLOW_RUN"]


class StateRec(BaseModel):
    """Life-cycle and result of a run, repair or task run, with its termination details."""

    life_cycle: str = "PENDING"
    result: str | None = None
    message: str = ""
    user_cancelled: bool = False
    code: str | None = None
    type: str | None = None

    @property
    def terminal(self) -> bool:
        return self.life_cycle in TERMINAL_LIFE_CYCLES


class Job(BaseModel):
    """A job: Databricks settings plus how it behaves in the emulator."""

    job_id: int
    settings: dict[str, Any]
    created_ms: int
    creator: str
    run_as: str
    workspace_id: str
    source: Literal["manifest", "api", "submit"] = "api"
    behaviour: str = "none"
    failure_rate: float = 0.0
    typical_duration_s: int = 600
    team: str = "analytics"
    reads: list[str] = Field(default_factory=list)
    baseline: ClusterShape = Field(default_factory=ClusterShape)
    runs_started: int = 0
    deleted: bool = False
    acl: list[dict[str, Any]] = Field(default_factory=list)

    @property
    def name(self) -> str:
        return str(self.settings.get("name") or "Untitled")


class TaskRun(BaseModel):
    """One attempt of one task."""

    run_id: int
    task_key: str
    attempt: int = 0
    wave: int  # id of the ORIGINAL item (the run id) or of the repair that created it
    depends_on: list[str] = Field(default_factory=list)
    run_if: str = "ALL_SUCCESS"
    spec: dict[str, Any] = Field(default_factory=dict)
    cluster_key: str | None = None
    state: StateRec = Field(default_factory=StateRec)
    start_ms: int = 0
    exec_start_ms: int = 0
    planned_end_ms: int = 0
    end_ms: int = 0
    outcome: Outcome | None = None

    @property
    def succeeded(self) -> bool:
        return self.state.result == "SUCCESS"


class Wave(BaseModel):
    """The original execution of a run, or one repair of it (a repair_history item)."""

    id: int
    type: Literal["ORIGINAL", "REPAIR"] = "ORIGINAL"
    created_ms: int
    start_ms: int = 0
    setup_end_ms: int = 0
    end_ms: int = 0
    state: StateRec = Field(default_factory=StateRec)
    task_run_ids: list[int] = Field(default_factory=list)
    job_parameters: dict[str, str] = Field(default_factory=dict)
    clusters: dict[str, dict[str, Any]] = Field(default_factory=dict)  # cluster key -> spec at wave start
    cluster_ids: dict[str, str] = Field(default_factory=dict)  # cluster key -> cluster id


class Run(BaseModel):
    """A job run (run-now, schedule) or a one-time run (runs/submit)."""

    run_id: int
    job_id: int
    workspace_id: str
    run_type: RunType = "JOB_RUN"
    trigger: str = "ONE_TIME"
    run_name: str
    number_in_job: int
    creator: str
    created_ms: int
    queued: bool = False
    queue_end_ms: int = 0
    state: StateRec = Field(default_factory=StateRec)
    end_ms: int = 0
    job_parameters: dict[str, str] = Field(default_factory=dict)
    parameter_defs: list[dict[str, Any]] = Field(default_factory=list)
    overriding: dict[str, Any] = Field(default_factory=dict)
    idempotency_token: str | None = None
    job_clusters: list[dict[str, Any]] = Field(default_factory=list)
    tasks: list[TaskRun] = Field(default_factory=list)
    waves: list[Wave] = Field(default_factory=list)
    affected: bool = False
    failing_task: str | None = None
    deleted: bool = False

    @property
    def active(self) -> bool:
        return not self.state.terminal

    def latest_attempts(self) -> dict[str, TaskRun]:
        latest: dict[str, TaskRun] = {}
        for task in self.tasks:
            if task.task_key not in latest or task.attempt > latest[task.task_key].attempt:
                latest[task.task_key] = task
        return latest

    def task(self, task_run_id: int) -> TaskRun | None:
        return next((t for t in self.tasks if t.run_id == task_run_id), None)
