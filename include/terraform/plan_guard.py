"""Apply exactly what was approved: plan hashes, approval records, and the per-stack apply lock.

The approval task records the sha256 of the plan file the human saw; the apply task recomputes
it and refuses a plan file that differs (`StalePlanError`). Applies on one stack are serialised
by a file lock (and Terraform's own state lock underneath); a second apply waits up to a bound
and then fails with the holder named, instead of queueing forever.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from filelock import FileLock, Timeout
from pydantic import BaseModel

log = logging.getLogger(__name__)


class StalePlanError(RuntimeError):
    """The plan file is not the one that was approved; it needs a new plan and a new approval."""


class StackBusyError(RuntimeError):
    """Another run holds the stack's apply lock."""


def sha256_file(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


class ApprovalRecord(BaseModel):
    """Who approved which plan file (by hash), and when."""

    run_id: str
    capability: str
    plan_hash: str
    approver: str | None
    approved_at: datetime
    kind: str = "approval"


def check_plan_unchanged(plan_file: str | Path, approved_hash: str | None) -> str:
    """Return the plan's hash if it equals `approved_hash`; otherwise raise `StalePlanError`."""
    path = Path(plan_file)
    if not approved_hash:
        raise StalePlanError(f"no approved plan hash recorded for {path}; the plan must be approved first")
    if not path.is_file():
        raise StalePlanError(f"the approved plan file {path} is missing; re-plan and approve again")
    actual = sha256_file(path)
    if actual != approved_hash:
        raise StalePlanError(
            f"plan file {path} changed after approval (approved sha256 {approved_hash[:12]}…, "
            f"now {actual[:12]}…); refusing to apply — clear the capability's task group to re-plan "
            "and approve again"
        )
    return actual


def write_record(path: str | Path, record: BaseModel) -> None:
    """Write a JSON record atomically (write a temp file, then rename)."""
    target = Path(path)
    tmp = target.with_suffix(target.suffix + ".tmp")
    tmp.write_text(record.model_dump_json(indent=2))
    os.replace(tmp, target)


@contextmanager
def stack_lock(lock_path: str | Path, holder: str, timeout_s: float = 600.0) -> Iterator[None]:
    """Hold the stack's apply lock; wait at most `timeout_s`, then raise `StackBusyError`.

    The holder's description is written beside the lock so the error can say who holds it.
    """
    path = Path(lock_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    info = path.with_suffix(".holder")
    lock = FileLock(str(path))
    try:
        try:
            lock.acquire(timeout=0)
        except Timeout:
            holder_now = info.read_text() if info.is_file() else "unknown"
            log.warning("stack lock %s is held by %s; waiting up to %.0fs", path.name, holder_now, timeout_s)
            lock.acquire(timeout=timeout_s)
    except Timeout as exc:
        holder_now = info.read_text() if info.is_file() else "unknown"
        raise StackBusyError(
            f"stack lock {path.name} is held by {holder_now}; waited {timeout_s:.0f}s"
        ) from exc
    try:
        info.write_text(json.dumps({"holder": holder, "host": socket.gethostname(), "pid": os.getpid()}))
        log.info("acquired stack lock %s for %s", path, holder)
        yield
    finally:
        info.unlink(missing_ok=True)
        lock.release()
