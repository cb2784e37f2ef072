"""Where each stack keeps its Terraform state and each run its rendered files and plans.

    <state_dir>/terraform/stacks/<stack>/<capability>/terraform.tfstate   one state per stack+capability
    <state_dir>/terraform/stacks/<stack>/.lakepilot-<capability>.lock     LakePilot's apply lock
    <state_dir>/terraform/runs/<run_id>/<capability>/                     rendered *.tf, plan, approval

Runs get their own working directories so two runs on one stack never overwrite each other's
files; they share the stack's state file, which Terraform locks, and LakePilot's lock keeps
their applies apart.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from include.config import state_dir

_SAFE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$")
ENV_TERRAFORM_HOME = "LAKEPILOT_TERRAFORM_HOME"


def _safe(value: str, what: str) -> str:
    if not _SAFE.match(value) or ".." in value:
        raise ValueError(f"{what} {value!r} may only contain letters, digits, '.', '_' and '-' (max 128)")
    return value


def terraform_home() -> Path:
    """Root of all stacks and run directories (`LAKEPILOT_TERRAFORM_HOME` or `<state>/terraform`)."""
    value = os.environ.get(ENV_TERRAFORM_HOME)
    return Path(value).expanduser().resolve() if value else state_dir() / "terraform"


def safe_run_id(run_id: str) -> str:
    """An Airflow run id as a directory name (`:` and `+` in timestamps become `_`)."""
    return _safe(re.sub(r"[^A-Za-z0-9_.-]", "_", run_id)[:128], "run id")


def state_file(stack: str, capability: str) -> Path:
    return terraform_home() / "stacks" / _safe(stack, "stack") / _safe(capability, "capability") / "terraform.tfstate"


def lock_file(stack: str, capability: str) -> Path:
    return terraform_home() / "stacks" / _safe(stack, "stack") / f".lakepilot-{_safe(capability, 'capability')}.lock"


def run_dir(run_id: str, capability: str) -> Path:
    return terraform_home() / "runs" / safe_run_id(run_id) / _safe(capability, "capability")


PLAN_FILE = "plan.tfplan"
SUMMARY_FILE = "plan-summary.json"
APPROVAL_FILE = "approval.json"
