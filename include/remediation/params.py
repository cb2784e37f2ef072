"""The only cluster/job changes a remediation may make, and how each is checked.

`ParamsChange` is a closed model: node type one step up a known ladder, more workers (at most
double, capped), a longer timeout (capped), and a short allow-list of memory-related Spark
settings that may only grow within bounds. Anything else - another Spark key, a different node
family, fewer workers, a value that does not parse - is rejected with a reason. Suggestions from
an LLM go through `check_suggestion`, never straight into a change.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, get_args

import yaml
from pydantic import BaseModel, ConfigDict, Field

from include.remediation.models import ClusterSettings
from include.untrusted.redaction import REDACTED, mentions_secret, redact

LADDERS_FILE = Path(__file__).resolve().parent / "data" / "node_ladders.yaml"

SparkConfKey = Literal[
    "spark.executor.memory",
    "spark.executor.memoryOverhead",
    "spark.driver.memory",
    "spark.driver.maxResultSize",
    "spark.memory.fraction",
    "spark.sql.shuffle.partitions",
]
SPARK_CONF_KEYS: tuple[str, ...] = get_args(SparkConfKey)
_MEMORY_KEYS = {
    "spark.executor.memory",
    "spark.executor.memoryOverhead",
    "spark.driver.memory",
    "spark.driver.maxResultSize",
}
_MEMORY_VALUE = re.compile(r"^(\d{1,6})([mMgG])$")

MAX_MEMORY_GB = 512
DEFAULT_SHUFFLE_PARTITIONS = 200


class ParamsLimits(BaseModel):
    """Caps on how far one remediation may grow a cluster (part of the policy)."""

    max_workers: int = Field(default=64, ge=1)
    max_timeout_seconds: int = Field(default=86_400, ge=60)
    timeout_factor: float = Field(default=2.0, gt=1.0, le=4.0)
    max_shuffle_partitions: int = Field(default=20_000, ge=1)


class ParamsChange(BaseModel):
    """An allow-listed change to the job's cluster / run settings (empty = nothing to change)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    node_type_id: str | None = None
    driver_node_type_id: str | None = None
    num_workers: int | None = Field(default=None, ge=1)
    timeout_seconds: int | None = Field(default=None, ge=60)
    spark_conf: dict[SparkConfKey, str] = Field(default_factory=dict)

    def is_empty(self) -> bool:
        return not self.model_dump(exclude_defaults=True)

    def as_record(self) -> dict[str, Any]:
        """The change as stored on the decision (only what changes)."""
        return self.model_dump(exclude_defaults=True)

    def apply_to_cluster(self, spec: dict[str, Any]) -> dict[str, Any]:
        """A copy of a Jobs API `new_cluster` spec with this change applied (for `jobs/update`)."""
        out = dict(spec)
        if self.node_type_id:
            out["node_type_id"] = self.node_type_id
        if self.driver_node_type_id:
            out["driver_node_type_id"] = self.driver_node_type_id
        if self.num_workers is not None:
            if isinstance(out.get("autoscale"), dict):
                out["autoscale"] = {**out["autoscale"], "max_workers": self.num_workers}
            else:
                out["num_workers"] = self.num_workers
        if self.spark_conf:
            out["spark_conf"] = {**(out.get("spark_conf") or {}), **self.spark_conf}
        return out

    def describe(self, current: ClusterSettings | None, timeout_seconds: int | None = None) -> str:
        parts = []
        if self.node_type_id:
            parts.append(f"node type {current.node_type_id if current else '?'} -> {self.node_type_id}")
        if self.driver_node_type_id:
            parts.append(f"driver node type -> {self.driver_node_type_id}")
        if self.num_workers is not None:
            parts.append(f"workers {_workers(current)} -> {self.num_workers}")
        if self.timeout_seconds is not None:
            parts.append(f"timeout {timeout_seconds or 'none'}s -> {self.timeout_seconds}s")
        parts.extend(f"{k}={v}" for k, v in sorted(self.spark_conf.items()))
        return ", ".join(parts) or "no change"


class Rejection(BaseModel):
    """One suggested change that was refused, and why."""

    key: str
    value: str
    reason: str


@lru_cache(maxsize=1)
def _ladders() -> tuple[list[tuple[re.Pattern[str], list[str]]], list[list[str]]]:
    data = yaml.safe_load(LADDERS_FILE.read_text(encoding="utf-8"))
    families = [(re.compile(f["regex"]), [str(s) for s in f["sizes"]]) for f in data["families"]]
    return families, [list(x) for x in data["explicit"]]


def next_node_type(node_type_id: str | None) -> str | None:
    """The node type one step up its ladder, or None (unknown type, or already the largest)."""
    if not node_type_id:
        return None
    families, explicit = _ladders()
    for ladder in explicit:
        if node_type_id in ladder:
            i = ladder.index(node_type_id)
            return ladder[i + 1] if i + 1 < len(ladder) else None
    for regex, sizes in families:
        match = regex.match(node_type_id)
        if match and match.group("size") in sizes:
            i = sizes.index(match.group("size"))
            if i + 1 >= len(sizes):
                return None
            start, end = match.span("size")
            return node_type_id[:start] + sizes[i + 1] + node_type_id[end:]
    return None


def _workers(current: ClusterSettings | None) -> int | None:
    if current is None:
        return None
    return current.autoscale_max_workers if current.autoscale_max_workers is not None else current.num_workers


def _memory_gb(value: str) -> float | None:
    match = _MEMORY_VALUE.match(value.strip())
    if not match:
        return None
    number = int(match.group(1))
    return number if match.group(2).lower() == "g" else number / 1024


def _check_conf(key: str, value: str, current: ClusterSettings | None, limits: ParamsLimits) -> str | None:
    """Why this Spark setting is refused, or None when it is allowed."""
    if key not in SPARK_CONF_KEYS:
        return "not an allow-listed Spark setting"
    existing = (current.spark_conf if current else {}).get(key)
    if key in _MEMORY_KEYS:
        new_gb = _memory_gb(value)
        if new_gb is None:
            return "memory must be written like 8g or 4096m"
        if new_gb > MAX_MEMORY_GB:
            return f"above the {MAX_MEMORY_GB}g cap"
        old_gb = _memory_gb(existing) if existing else None
        if old_gb is not None and new_gb <= old_gb:
            return f"must grow (currently {existing})"
        return None
    if key == "spark.memory.fraction":
        try:
            fraction = float(value)
        except ValueError:
            return "must be a number between 0.3 and 0.9"
        return None if 0.3 <= fraction <= 0.9 else "must be between 0.3 and 0.9"
    # spark.sql.shuffle.partitions
    if not value.isdigit():
        return "must be a whole number"
    partitions = int(value)
    old = int(existing) if existing and existing.isdigit() else DEFAULT_SHUFFLE_PARTITIONS
    if partitions <= old:
        return f"must grow (currently {old})"
    if partitions > min(old * 8, limits.max_shuffle_partitions):
        return f"at most {min(old * 8, limits.max_shuffle_partitions)}"
    return None


def check_suggestion(
    suggestion: dict[str, Any] | None,
    current: ClusterSettings | None,
    timeout_seconds: int | None,
    limits: ParamsLimits | None = None,
) -> tuple[ParamsChange, list[Rejection]]:
    """Keep the allow-listed, in-bounds parts of a suggested change; refuse the rest with reasons.

    Accepts flat keys (`{"num_workers": 8, "spark.executor.memory": "8g"}`) or a nested
    `spark_conf` mapping. Node types must be exactly one step up their ladder.
    """
    limits = limits or ParamsLimits()
    accepted: dict[str, Any] = {}
    conf: dict[str, str] = {}
    rejected: list[Rejection] = []
    flat: list[tuple[str, Any]] = []
    for key, value in (suggestion or {}).items():
        if key == "spark_conf" and isinstance(value, dict):
            flat.extend((str(k), v) for k, v in value.items())
        else:
            flat.append((str(key), value))

    def refuse(key: str, value: Any, reason: str) -> None:
        # Refused values are recorded for the humans reading the decision; never verbatim secrets.
        shown = REDACTED if mentions_secret(key) else redact(str(value))
        rejected.append(Rejection(key=redact(key)[:80], value=shown[:80], reason=reason))

    for key, value in flat:
        if isinstance(value, (dict, list)):
            refuse(key, value, "value must be a single string or number")
            continue
        text = str(value).strip()
        if key in ("node_type_id", "driver_node_type_id"):
            base = current.node_type_id if current else None
            if key == "driver_node_type_id" and current and current.driver_node_type_id:
                base = current.driver_node_type_id
            allowed = next_node_type(base)
            if allowed is None:
                refuse(key, text, f"no known larger node type than {base or 'the current one'}")
            elif text != allowed:
                refuse(key, text, f"only one step up the ladder is allowed ({base} -> {allowed})")
            else:
                accepted[key] = text
        elif key == "num_workers":
            workers = _workers(current)
            if not text.isdigit():
                refuse(key, text, "must be a whole number")
            elif workers is None:
                refuse(key, text, "the current worker count is unknown")
            elif int(text) <= workers:
                refuse(key, text, f"must grow (currently {workers})")
            elif int(text) > min(max(workers * 2, workers + 2), limits.max_workers):
                refuse(key, text, f"at most {min(max(workers * 2, workers + 2), limits.max_workers)} workers")
            else:
                accepted[key] = int(text)
        elif key == "timeout_seconds":
            cap = limits.max_timeout_seconds
            if timeout_seconds:
                cap = min(cap, int(timeout_seconds * limits.timeout_factor))
            if not text.isdigit():
                refuse(key, text, "must be a whole number of seconds")
            elif timeout_seconds and int(text) <= timeout_seconds:
                refuse(key, text, f"must grow (currently {timeout_seconds}s)")
            elif int(text) > cap or int(text) < 60:
                refuse(key, text, f"must be between 60 and {cap} seconds")
            else:
                accepted[key] = int(text)
        elif key.startswith("spark."):
            reason = _check_conf(key, text, current, limits)
            if reason:
                refuse(key, text, reason)
            else:
                conf[key] = text
        else:
            refuse(key, text, "not an allow-listed change")
    return ParamsChange(**accepted, spark_conf=conf), rejected


def default_change(
    kind: str,
    current: ClusterSettings | None,
    timeout_seconds: int | None,
    limits: ParamsLimits | None = None,
) -> ParamsChange:
    """The deterministic change for a resource or run-timeout failure (empty when none is possible).

    Memory/disk: one node size up (driver too, when it has its own type); when the type is on no
    ladder, double the workers (memory) - disk has no other lever. Run timeout: the timeout
    times `timeout_factor`, capped.
    """
    limits = limits or ParamsLimits()
    if kind == "run_timeout":
        if not timeout_seconds:
            return ParamsChange()
        grown = min(int(timeout_seconds * limits.timeout_factor), limits.max_timeout_seconds)
        return ParamsChange(timeout_seconds=grown) if grown > timeout_seconds else ParamsChange()
    if kind not in ("memory", "disk") or current is None:
        return ParamsChange()
    suggestion: dict[str, Any] = {}
    if nxt := next_node_type(current.node_type_id):
        suggestion["node_type_id"] = nxt
        if current.driver_node_type_id and (driver := next_node_type(current.driver_node_type_id)):
            suggestion["driver_node_type_id"] = driver
    elif kind == "memory" and (workers := _workers(current)):
        suggestion["num_workers"] = min(workers * 2, limits.max_workers)
    change, _ = check_suggestion(suggestion, current, timeout_seconds, limits)
    return change
