"""Firewall rules with an expiry are closed when they expire, through the same approved path as any change.

Every apply keeps what it applied: `plan_capability` writes the capability's plan (`spec.json`) into the
run's directory and `apply_capability` copies it, once Terraform applied it, next to the stack's state as
`applied-spec.json` — the stack's last applied desired state. The `close_expired_firewall_rules` DAG reads
those files (`find_expired`), and for each stack whose applied firewall rules include one that expired on
or before the day, builds the same plan without those rules (`requester` `lakepilot-expiry`) and triggers
`provision_infrastructure` with it: plan, summary (the rule resources to destroy), a person's approval bound
to the plan's hash, the stack lock, the exact apply and the run record — nothing is removed without an
approval. A stack whose every rule expired keeps its security group with no rules (`closes_expired_rules`).
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from include.ops.models import ProvisioningRun
from include.ops.store import OpsStore
from include.provisioning.plan import ProvisioningPlan, ValidatedPlan, plan_json
from include.terraform import stacks

log = logging.getLogger(__name__)

SPEC_FILE = "spec.json"
APPLIED_SPEC = "applied-spec.json"
CAPABILITY = "firewall_ports"
REQUESTER = "lakepilot-expiry"
PENDING_FOR = timedelta(days=7)  # a closing run older than this that never finished no longer holds the stack


class AppliedSpec(BaseModel):
    """What one capability of a stack was last applied with."""

    run_id: str
    capability: str
    plan: ProvisioningPlan
    applied_at: datetime | None = None


class ExpiryClosing(BaseModel):
    """One stack's expired rules and the plan that closes them."""

    stack: str
    expired: list[str]
    expired_on: list[date]
    remaining: list[str]
    applied_by_run: str
    run_id: str = Field(description="the provision_infrastructure run id: one per stack and day")
    conf: dict[str, Any]


def write_spec(workdir: Path, validated: ValidatedPlan, capability: str, run_id: str) -> Path:
    """The capability's part of the plan, beside its Terraform plan in the run's directory."""
    plan = validated.plan.model_copy(update={"capabilities": [c for c in validated.plan.capabilities
                                                              if c.name == capability]})
    spec = AppliedSpec(run_id=run_id, capability=capability, plan=plan)
    path = Path(workdir) / SPEC_FILE
    path.write_text(spec.model_dump_json(indent=2))
    return path


def applied_spec_file(stack: str, capability: str) -> Path:
    return stacks.state_file(stack, capability).parent / APPLIED_SPEC


def record_applied(workdir: Path, stack: str, capability: str) -> Path | None:
    """After an apply: the run's spec becomes the stack's applied spec (atomically); None if the run had none."""
    source = Path(workdir) / SPEC_FILE
    if not source.is_file():
        return None
    spec = AppliedSpec.model_validate_json(source.read_text()).model_copy(update={"applied_at": datetime.now(UTC)})
    target = applied_spec_file(stack, capability)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".applied-", suffix=".json")
    with os.fdopen(fd, "w") as handle:
        handle.write(spec.model_dump_json(indent=2))
    os.replace(tmp, target)
    return target


def forget_applied(stack: str, capability: str) -> None:
    """After a destroy: the stack's capability holds nothing any more."""
    applied_spec_file(stack, capability).unlink(missing_ok=True)


def _closing(spec: AppliedSpec, today: date) -> ExpiryClosing | None:
    (cap,) = [c for c in spec.plan.capabilities if c.name == CAPABILITY]
    rules = list(cap.params.get("rules") or [])
    expired = [r for r in rules if r.get("expires_on") and date.fromisoformat(str(r["expires_on"])) <= today]
    if not expired:
        return None
    kept = [r for r in rules if r not in expired]
    params = {**cap.params, "rules": kept, "closes_expired_rules": not kept}
    names = [str(r["name"]) for r in expired]
    plan = spec.plan.model_copy(update={
        "capabilities": [cap.model_copy(update={"params": params})], "requester": REQUESTER, "session_id": None,
        "parsed_by": "plan_file",
        "request": (f"Close firewall rule(s) {', '.join(names)} of stack {spec.plan.stack}: expired on "
                    f"{', '.join(sorted({str(r['expires_on']) for r in expired}))} (applied by run {spec.run_id})"),
    })
    return ExpiryClosing(stack=spec.plan.stack, expired=names,
                         expired_on=sorted({date.fromisoformat(str(r["expires_on"])) for r in expired}),
                         remaining=[str(r["name"]) for r in kept], applied_by_run=spec.run_id,
                         run_id=f"expiry__{spec.plan.stack}__{today.isoformat()}", conf=plan_json(plan))


def awaiting(store: OpsStore, now: datetime | None = None) -> set[str]:
    """Stacks with a closing run still waiting for its approval (recorded `planning`, under a week old)."""
    now = now or datetime.now(UTC)
    rows = store.read(ProvisioningRun, {"requester": REQUESTER, "outcome": "planning"})
    return {r.stack for r in rows if now - r.created_at < PENDING_FOR}


def find_expired(today: date, *, skip: set[str] | frozenset[str] = frozenset()) -> list[ExpiryClosing]:
    """Every stack whose applied firewall rules include one expired on or before `today`, with its closing plan.

    Stacks in `skip` (a closing run already waits for its approval: `awaiting`) are left out, so approvers
    are not asked twice for the same removal. A spec that cannot be read is logged and skipped (it never
    blocks the other stacks).
    """
    root = stacks.terraform_home() / "stacks"
    found: list[ExpiryClosing] = []
    for path in sorted(root.glob(f"*/{CAPABILITY}/{APPLIED_SPEC}")) if root.is_dir() else []:
        try:
            spec = AppliedSpec.model_validate_json(path.read_text())
            closing = _closing(spec, today)
        except (OSError, ValueError, json.JSONDecodeError) as exc:
            log.warning("cannot read the applied firewall spec %s: %s", path, exc)
            continue
        if closing is not None and closing.stack in skip:
            log.info("stack %s: a closing run already waits for its approval; not asked again", closing.stack)
        elif closing is not None:
            log.info("stack %s: rule(s) %s expired; closing them", closing.stack, ", ".join(closing.expired))
            found.append(closing)
    return found
