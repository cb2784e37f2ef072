"""The incident plan: which entities misbehave, from when, and by how much.

The planner picks distinct entities for every incident kind (so one injected problem does not
masquerade as another), places each incident so that it overlaps the last day of the data (a
daily sweep at the end sees it) while its start and size vary with the seed, and records the
ground truth. Generators read the effects; they never decide incidents themselves.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from include.simulator.ids import DAY, HOUR, MIN
from include.simulator.manifest import Incident


@dataclass
class JobEffect:
    kind: str
    t0: int
    duration_mult: float = 1.0
    ramp_start: int | None = None  # SLA creep: linear growth from ramp_start to the end
    ramp_gain: float = 0.0
    fail_all: bool = False
    fail_prob: float = 0.0
    behaviour: str = "none"
    paused: bool = False
    untagged: bool = False
    noise: float | None = None


@dataclass
class ClusterEffect:
    kind: str
    t0: int
    cpu: float
    mem: float
    workers: int | None = None
    always_on: bool = False  # running around the clock (idle) instead of business hours
    every_day: bool = True


@dataclass
class WarehouseEffect:
    kind: str
    t0: int
    exec_mult: float = 1.0
    queue_share: float = 0.0
    queue_s: tuple[float, float] = (0.0, 0.0)
    max_clusters: int | None = None


@dataclass
class EndpointEffect:
    kind: str
    t0: int
    latency_mult: float = 1.0
    error_rate: float | None = None
    traffic_mult: float = 1.0


@dataclass
class SecurityEvent:
    kind: str
    t0: int
    t1: int
    ws: int
    user: str | None = None
    ip: str | None = None
    count: int = 0
    targets: list[str] = field(default_factory=list)


@dataclass
class TableEffect:
    kind: str  # failing_monitor | drift
    t0: int
    table: str
    columns: list[str] = field(default_factory=list)
    severity: float = 0.0


@dataclass
class CostSpike:
    ws: int
    sku_family: str
    workload: str  # "job" | "warehouse"
    workload_id: str
    t0: int
    ratio: float
    extra_dbu_per_hour: float = 0.0  # set by the billing generator from the measured baseline


@dataclass
class Plan:
    incidents: list[Incident] = field(default_factory=list)
    jobs: dict[str, JobEffect] = field(default_factory=dict)
    clusters: dict[str, ClusterEffect] = field(default_factory=dict)
    warehouses: dict[str, WarehouseEffect] = field(default_factory=dict)
    endpoints: dict[str, EndpointEffect] = field(default_factory=dict)
    security: list[SecurityEvent] = field(default_factory=list)
    tables: dict[str, TableEffect] = field(default_factory=dict)
    spikes: list[CostSpike] = field(default_factory=list)
    budget_overrun: dict[str, float] = field(default_factory=dict)  # workspace_id -> budget/forecast
    used: set[str] = field(default_factory=set)

    def add(self, incident: Incident) -> None:
        self.incidents.append(incident)

    def has(self, domain: str, entity_id: str) -> bool:
        return any(i.domain == domain and i.entity_id == entity_id for i in self.incidents)


def hours(value: float) -> int:
    """Microseconds in `value` hours (rounded to the minute, so times stay readable)."""
    return int(round(value * 60)) * MIN


def days(value: float) -> int:
    return hours(value * 24)


__all__ = [
    "DAY", "HOUR", "ClusterEffect", "CostSpike", "EndpointEffect", "JobEffect", "Plan",
    "SecurityEvent", "TableEffect", "WarehouseEffect", "days", "hours",
]
