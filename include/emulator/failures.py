"""Whether a task attempt fails, and how: seeded, so the same job and attempt always behave alike.

Behaviours (see `include.simulator.manifest.FailureBehaviour`):

* `transient`  - network resets / read timeouts: the first attempt of an affected run fails, any
  repair or retry attempt succeeds.
* `oom`        - out of memory until the cluster has "enough" memory compared with the baseline
  cluster recorded when the behaviour was set (see `oom_fix`).
* `permission`, `syntax`, `missing_table` - fail on every attempt until the behaviour is cleared
  (the emulator's stand-in for someone granting access or fixing the code).
* `capacity`   - the job cluster cannot be launched (cloud capacity); attempt 1 succeeds 80% of
  the time (seeded), later attempts always, and so does any attempt on another node type.

A run is *affected* with probability `failure_rate` (seeded by job and run number); a rate of 0
with a failing behaviour means every run is affected.
"""

from __future__ import annotations

import hashlib
from typing import Any, Literal

from pydantic import BaseModel, Field

from include.emulator.failure_messages import VARIANTS, ErrorContext, Variant
from include.emulator.node_types import node_memory_gb, parse_memory_gb

NODE_MEMORY_FACTOR = 1.5  # a node type with >= 1.5x the memory of the baseline node
WORKER_FACTOR = 2.0  # >= 2x the baseline workers (executor OOM only)
CONF_FACTOR = 1.5  # a memory setting raised to >= 1.5x its baseline (or default) value
SHUFFLE_FACTOR = 2.0  # spark.sql.shuffle.partitions >= 2x baseline (default 200), or "auto"
CAPACITY_REPEAT_P = 0.2  # chance the first retry of a capacity failure hits capacity again
DEFAULT_SHUFFLE_PARTITIONS = 200
DEFAULT_MAX_RESULT_GB = 4.0

EXECUTOR_MEMORY_KEYS = ("spark.executor.memory", "spark.executor.memoryOverhead")
DRIVER_MEMORY_KEYS = ("spark.driver.memory", "spark.driver.maxResultSize")
RUNTIME_CONF_KEYS = ("spark.sql.shuffle.partitions",)  # settable by the notebook from job parameters


class ClusterShape(BaseModel):
    """The memory-relevant part of a cluster spec."""

    node_type_id: str | None = None
    driver_node_type_id: str | None = None
    num_workers: int = 0
    spark_conf: dict[str, str] = Field(default_factory=dict)

    @classmethod
    def from_spec(cls, spec: dict[str, Any] | None) -> ClusterShape:
        spec = spec or {}
        workers = spec.get("num_workers")
        autoscale = spec.get("autoscale") or {}
        if autoscale.get("max_workers") is not None:
            workers = autoscale["max_workers"]
        try:
            count = int(workers or 0)
        except (TypeError, ValueError):
            count = 0
        conf = {str(k): str(v) for k, v in (spec.get("spark_conf") or {}).items()}
        return cls(
            node_type_id=spec.get("node_type_id"),
            driver_node_type_id=spec.get("driver_node_type_id"),
            num_workers=count,
            spark_conf=conf,
        )

    @property
    def driver_node(self) -> str | None:
        return self.driver_node_type_id or self.node_type_id


class Outcome(BaseModel):
    """What one task attempt does."""

    succeeded: bool
    behaviour: str
    variant: str | None = None
    phase: Literal["setup", "execution"] = "execution"
    fail_fraction: float = 1.0
    code: str = "SUCCESS"
    type: str = "SUCCESS"
    task_message: str = ""
    error: str | None = None
    error_trace: str | None = None
    note: str = ""


def unit(*parts: object) -> float:
    """A reproducible number in [0, 1) from the parts."""
    digest = hashlib.sha256("|".join(map(str, parts)).encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def numbers(*parts: object, count: int = 8) -> list[int]:
    digest = hashlib.sha256("|".join(map(str, parts)).encode()).digest()
    return [int.from_bytes(digest[i * 4 : i * 4 + 4], "big") for i in range(count)]


def run_affected(seed: int, job_id: int, number_in_job: int, behaviour: str, failure_rate: float) -> bool:
    """Whether a run of a job with a failing behaviour hits the failure at all."""
    if behaviour == "none":
        return False
    rate = failure_rate if failure_rate > 0 else 1.0
    return unit(seed, "affected", job_id, number_in_job) < rate


def variant_for(seed: int, job_id: int, behaviour: str) -> Variant:
    options = VARIANTS[behaviour]
    return options[int(unit(seed, "variant", job_id, behaviour) * len(options))]


def _conf_raised(key: str, current: ClusterShape, baseline: ClusterShape, default_gb: float | None) -> bool:
    now = parse_memory_gb(current.spark_conf.get(key))
    if now is None:
        return False
    before = parse_memory_gb(baseline.spark_conf.get(key)) or default_gb
    return before is None or now >= CONF_FACTOR * before


def _shuffle_raised(current: ClusterShape, baseline: ClusterShape, params: dict[str, str]) -> bool:
    value = params.get("spark.sql.shuffle.partitions") or current.spark_conf.get("spark.sql.shuffle.partitions")
    if value is None:
        return False
    if str(value).strip().lower() == "auto":
        return True
    try:
        before = int(baseline.spark_conf.get("spark.sql.shuffle.partitions", DEFAULT_SHUFFLE_PARTITIONS))
        return int(value) >= SHUFFLE_FACTOR * before
    except ValueError:
        return False


def oom_fix(variant: str, current: ClusterShape, baseline: ClusterShape, params: dict[str, str]) -> str | None:
    """Why `current` has enough memory compared with `baseline` (None while it has not).

    Executor OOM: a worker node type with >= 1.5x the memory, >= 2x the workers (autoscale max
    counts), `spark.executor.memory`/`memoryOverhead` raised >= 1.5x (unset = half the worker's
    memory / a tenth of that), or `spark.sql.shuffle.partitions` >= 2x (unset = 200; "auto" counts;
    also taken from the run's job parameters). Driver OOM: a driver node type with >= 1.5x the
    memory, or `spark.driver.memory` (unset = half the driver's memory) / `spark.driver.maxResultSize`
    (unset = 4g) raised >= 1.5x.
    """
    if variant == "driver_heap":
        before, now = node_memory_gb(baseline.driver_node), node_memory_gb(current.driver_node)
        if before and now and now >= NODE_MEMORY_FACTOR * before:
            return f"driver node {current.driver_node} has {now:g} GB vs {before:g} GB"
        default_driver = before / 2 if before else None
        if _conf_raised("spark.driver.memory", current, baseline, default_driver):
            return "spark.driver.memory raised"
        if _conf_raised("spark.driver.maxResultSize", current, baseline, DEFAULT_MAX_RESULT_GB):
            return "spark.driver.maxResultSize raised"
        return None
    before, now = node_memory_gb(baseline.node_type_id), node_memory_gb(current.node_type_id)
    if before and now and now >= NODE_MEMORY_FACTOR * before:
        return f"worker node {current.node_type_id} has {now:g} GB vs {before:g} GB"
    if current.num_workers >= max(WORKER_FACTOR * baseline.num_workers, 2):
        return f"{current.num_workers} workers vs {baseline.num_workers}"
    default_exec = before / 2 if before else None
    if _conf_raised("spark.executor.memory", current, baseline, default_exec):
        return "spark.executor.memory raised"
    if _conf_raised("spark.executor.memoryOverhead", current, baseline, default_exec / 10 if default_exec else None):
        return "spark.executor.memoryOverhead raised"
    if _shuffle_raised(current, baseline, params):
        return "spark.sql.shuffle.partitions raised"
    return None


def _failure(behaviour: str, variant: Variant, ctx: ErrorContext, fraction: float) -> Outcome:
    return Outcome(
        succeeded=False,
        behaviour=behaviour,
        variant=variant.name,
        phase="setup" if behaviour == "capacity" else "execution",
        fail_fraction=fraction,
        code=variant.code,
        type=variant.type,
        task_message=variant.task_message(ctx),
        error=variant.error(ctx),
        error_trace=variant.trace(ctx),
    )


def decide(
    behaviour: str,
    *,
    affected: bool,
    seed: int,
    job_id: int,
    run_id: int,
    attempt: int,
    current: ClusterShape,
    baseline: ClusterShape,
    params: dict[str, str],
    ctx: ErrorContext,
) -> Outcome:
    """The outcome of one task attempt (the task chosen to fail, in an affected run)."""
    if not affected or behaviour == "none":
        return Outcome(succeeded=True, behaviour="none")
    variant = variant_for(seed, job_id, behaviour)
    jitter = unit(seed, "when", job_id, run_id, attempt)
    if behaviour == "transient":
        if attempt > 0:
            return Outcome(succeeded=True, behaviour=behaviour, note="transient failure cleared on retry")
        return _failure(behaviour, variant, ctx, 0.3 + 0.4 * jitter)
    if behaviour == "oom":
        reason = oom_fix(variant.name, current, baseline, params)
        if reason:
            return Outcome(succeeded=True, behaviour=behaviour, note=f"enough memory: {reason}")
        return _failure(behaviour, variant, ctx, 0.6 + 0.3 * jitter)
    if behaviour == "capacity":
        other_pool = current.node_type_id != baseline.node_type_id
        repeat = attempt == 1 and unit(seed, "capacity", job_id, run_id) < CAPACITY_REPEAT_P
        if other_pool or (attempt > 0 and not repeat):
            return Outcome(succeeded=True, behaviour=behaviour, note="cluster launched")
        return _failure(behaviour, variant, ctx, 0.0)
    return _failure(behaviour, variant, ctx, 0.05 + 0.15 * jitter)
