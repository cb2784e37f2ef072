"""Only the approved plan file is applied; applies on one stack never overlap."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from include.terraform.plan_guard import (
    StackBusyError,
    StalePlanError,
    check_plan_unchanged,
    sha256_file,
    stack_lock,
)
from include.terraform.runner import TerraformError, TerraformRunner


def test_hash_check_accepts_the_same_file_and_refuses_changes(tmp_path: Path) -> None:
    plan = tmp_path / "plan.tfplan"
    plan.write_bytes(b"approved bytes")
    approved = sha256_file(plan)
    assert check_plan_unchanged(plan, approved) == approved
    plan.write_bytes(b"approved bytes plus more")
    with pytest.raises(StalePlanError, match="changed after approval"):
        check_plan_unchanged(plan, approved)
    with pytest.raises(StalePlanError, match="no approved plan hash"):
        check_plan_unchanged(plan, None)
    plan.unlink()
    with pytest.raises(StalePlanError, match="missing"):
        check_plan_unchanged(plan, approved)


def test_second_holder_waits_then_fails_naming_the_first(tmp_path: Path) -> None:
    lock = tmp_path / "stack" / ".lakepilot-x.lock"
    entered = threading.Event()
    release = threading.Event()

    def first() -> None:
        with stack_lock(lock, holder="run A"):
            entered.set()
            release.wait(10)

    thread = threading.Thread(target=first)
    thread.start()
    assert entered.wait(10)
    try:
        with pytest.raises(StackBusyError, match="run A"):
            with stack_lock(lock, holder="run B", timeout_s=0.3):
                pass
    finally:
        release.set()
        thread.join(10)
    with stack_lock(lock, holder="run B", timeout_s=1):  # free again once A is done
        assert "run B" in lock.with_suffix(".holder").read_text()
    assert not lock.with_suffix(".holder").exists()


def test_applies_on_one_stack_are_serialised_and_the_later_plan_is_refused_as_stale(tmp_path: Path) -> None:
    """Two runs plan against the same state; the lock orders their applies and Terraform refuses the
    plan that was made before the other apply changed the state (it needs a new plan and approval)."""
    state = tmp_path / "stack" / "terraform.tfstate"
    runners = []
    for run in ("a", "b"):
        workdir = tmp_path / run
        workdir.mkdir()
        (workdir / "main.tf").write_text(
            f'terraform {{\n  backend "local" {{\n    path = "{state}"\n  }}\n}}\n\n'
            f'resource "terraform_data" "azurerm_resource_group__main" {{\n  input = {{\n    name = "rg-{run}"\n  }}\n}}\n'
        )
        runner = TerraformRunner(workdir)
        runner.init()
        runner.plan(workdir / "plan.tfplan")
        runners.append(runner)
    order: list[str] = []
    errors: dict[str, Exception] = {}

    def apply(name: str, runner: TerraformRunner) -> None:
        try:
            with stack_lock(tmp_path / "stack" / ".lakepilot-rg.lock", holder=f"run {name}", timeout_s=30):
                order.append(f"start {name}")
                runner.apply(runner.workdir / "plan.tfplan")
                time.sleep(0.2)
                order.append(f"end {name}")
        except Exception as exc:
            errors[name] = exc

    threads = [threading.Thread(target=apply, args=(n, r)) for n, r in zip("ab", runners, strict=True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    # Never interleaved: every start is followed by its own end (or nothing, when refused).
    first = order[0].split()[1]
    assert order[:2] == [f"start {first}", f"end {first}"]
    second = "b" if first == "a" else "a"
    assert list(errors) == [second]
    assert isinstance(errors[second], TerraformError) and "stale" in str(errors[second]).lower()
    resources = runners[0].show_state()["values"]["root_module"]["resources"]
    assert [r["values"]["input"]["name"] for r in resources] == [f"rg-{first}"]
