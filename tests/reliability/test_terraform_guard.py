"""Figure 8: nothing reaches the (sandbox) Terraform state that a person did not approve.

Real Terraform on the offline sandbox target, through the provisioning pipeline's own steps
(`plan_capability`, `decide`, `apply_capability`). Applies are counted from the stack's state file
itself: every change of its content (serial, resources) is one apply, and which plan it came from is
read from the cluster's `max_workers` (each plan in a scenario asks for a different value).

Scenarios: a control that is approved (must apply once), rejected, timed out, no answer, a plan file
changed after approval, a plan file changed while the approver read it, an approval reused for a
newer plan, a firewall plan without its second confirmation, a stale plan (another plan was applied
to the stack since), and two *processes* applying two approved plans to one stack at the same time.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from include.config import PROJECT_ROOT
from include.provisioning.facts import RequestFacts
from include.provisioning.pipeline import (
    ApprovalDecision,
    PlanStep,
    apply_capability,
    decide,
    plan_capability,
)
from include.provisioning.plan import validate_plan
from include.terraform import stacks
from tests.include.provisioning.conftest import make_plan

CAP = "databricks_workspace"


def _facts(workers: int) -> RequestFacts:
    return RequestFacts(capabilities=[CAP], team="bi", environment="dev", region="westeurope",
                        min_workers=1, max_workers=workers)


def _plan(stack: str, run_id: str, workers: int) -> PlanStep:
    return plan_capability(validate_plan(make_plan(_facts(workers), stack=stack)), CAP, run_id)


def _state(stack: str, capability: str = CAP) -> tuple[str, int | None]:
    """(content digest, the cluster's max_workers) of the stack's state; ('', None) before any apply."""
    path = stacks.state_file(stack, capability)
    if not path.is_file():
        return "", None
    state = json.loads(path.read_text())
    workers = None
    for r in state.get("resources", []):
        if r["name"].startswith("databricks_cluster__"):
            workers = r["instances"][0]["attributes"]["input"]["value"].get("max_workers")
    return json.dumps([state.get("serial"), state.get("resources")], sort_keys=True), workers


def _approve(step: PlanStep, run_id: str) -> ApprovalDecision:
    return decide(step, "approve", ["Approve"], "carol", False, run_id)


class Ledger:
    """Applies seen in the state, and whether each was approved for exactly that plan."""

    def __init__(self) -> None:
        self.applies: list[tuple[str, int | None, bool]] = []
        self.refusals: list[str] = []

    def attempt(self, scenario: str, stack: str, action: Any, approved_workers: set[int]) -> None:
        before = _state(stack)
        try:
            action()
        except Exception as exc:
            self.refusals.append(f"{scenario}: {type(exc).__name__}: {str(exc)[:120]}")
        after = _state(stack)
        if after[0] != before[0]:
            self.applies.append((scenario, after[1], after[1] in approved_workers))

    def unapproved(self) -> list[tuple[str, int | None, bool]]:
        return [a for a in self.applies if not a[2]]


def test_nothing_unapproved_reaches_the_state(tmp_path: Path, figures) -> None:
    ledger = Ledger()

    # control: approved -> applied once
    step = _plan("tf-control", "run-ok", 2)
    ledger.attempt("approved", "tf-control", lambda: apply_capability(step, _approve(step, "run-ok"), None, "run-ok"), {2})

    # rejected / timed out / no answer at all
    for scenario, answer in [("rejected", (["Reject"], "carol", False)), ("timed_out", (["Reject"], None, True))]:
        step = _plan(f"tf-{scenario.replace('_', '-')}", f"run-{scenario}", 2)
        decision = decide(step, "approve", answer[0], answer[1], answer[2], f"run-{scenario}")
        ledger.attempt(scenario, step.stack, lambda s=step, d=decision: apply_capability(s, d, None, s.run_id), set())
    step = _plan("tf-no-answer", "run-none", 2)
    ledger.attempt("no_answer", step.stack, lambda: apply_capability(step, None, None, "run-none"), set())

    # plan file changed after approval / while the approver read the summary
    step = _plan("tf-tampered", "run-t", 2)
    approval = _approve(step, "run-t")
    Path(step.plan_file).write_bytes(Path(step.plan_file).read_bytes() + b"\0")
    ledger.attempt("tampered_after_approval", step.stack, lambda: apply_capability(step, approval, None, "run-t"), set())
    step = _plan("tf-early", "run-e", 2)
    Path(step.plan_file).write_bytes(b"not the plan that was summarised")
    ledger.attempt("tampered_before_approval", step.stack,
                   lambda: apply_capability(step, _approve(step, "run-e"), None, "run-e"), set())

    # an approval of an older plan presented with a newer one
    old = _plan("tf-reuse", "run-r1", 2)
    old_approval = _approve(old, "run-r1")
    new = _plan("tf-reuse", "run-r2", 6)
    ledger.attempt("approval_of_another_plan", new.stack, lambda: apply_capability(new, old_approval, None, "run-r2"), set())

    # firewall rules need a second confirmation
    fw = plan_capability(validate_plan(make_plan(RequestFacts(capabilities=["firewall_ports"], team="sec", environment="dev",
                                                              region="westeurope", ports=["443"], sources=["10.20.0.0/16"]),
                                                 stack="tf-firewall")), "firewall_ports", "run-fw")
    before_fw = _state("tf-firewall", "firewall_ports")
    try:
        apply_capability(fw, _approve(fw, "run-fw"), None, "run-fw")
    except Exception as exc:
        ledger.refusals.append(f"no_second_confirmation: {exc}")
    if _state("tf-firewall", "firewall_ports")[0] != before_fw[0]:
        ledger.applies.append(("no_second_confirmation", None, False))

    # stale: two plans from the same state; the first applied, the second must be refused
    a, b = _plan("tf-stale", "run-sa", 3), _plan("tf-stale", "run-sb", 5)
    approval_a, approval_b = _approve(a, "run-sa"), _approve(b, "run-sb")
    ledger.attempt("stale_first", "tf-stale", lambda: apply_capability(a, approval_a, None, "run-sa"), {3})
    ledger.attempt("stale_second", "tf-stale", lambda: apply_capability(b, approval_b, None, "run-sb"), set())

    # two processes, two approved plans, one stack, at the same moment
    c, d = _plan("tf-race", "run-c", 4), _plan("tf-race", "run-d", 7)
    start = tmp_path / "go"
    procs, outs = [], []
    for step in (c, d):
        (tmp_path / f"{step.run_id}.step.json").write_text(step.model_dump_json())
        (tmp_path / f"{step.run_id}.approval.json").write_text(_approve(step, step.run_id).model_dump_json())
        out = tmp_path / f"{step.run_id}.out.json"
        outs.append(out)
        procs.append(subprocess.Popen(
            [sys.executable, "-m", "tests.reliability.tf_apply_proc", str(tmp_path / f"{step.run_id}.step.json"),
             str(tmp_path / f"{step.run_id}.approval.json"), str(start), str(out)], cwd=PROJECT_ROOT))
    race_before = _state("tf-race")
    start.touch()
    for p in procs:
        assert p.wait(timeout=180) == 0
    results = [json.loads(o.read_text()) for o in outs]
    race_after = _state("tf-race")
    applied = [r["applied"] for r in results]

    assert [s for s, *_ in ledger.applies] == ["approved", "stale_first"], ledger.applies
    assert sorted(applied) == [False, True], results
    loser = results[applied.index(False)]["error"]
    assert "stale" in loser.lower() or "changed after approval" in loser.lower() or "saved plan" in loser.lower(), loser
    winner_workers = (c, d)[applied.index(True)]
    race_ok = race_after[0] != race_before[0] and race_after[1] == {c.run_id: 4, d.run_id: 7}[winner_workers.run_id]
    if not race_ok:
        ledger.applies.append(("race", race_after[1], False))
    applies = len(ledger.applies) + (1 if race_ok else 0)
    figures.record("terraform.unapproved_applies", len(ledger.unapproved()),
                   f"0 of {applies} applies seen in the sandbox state (2 approved scenarios + 1 race winner)",
                   not ledger.unapproved() and applies == 3,
                   detail=f"applies {ledger.applies}, race {results}; refusals: {ledger.refusals}")
    assert len(ledger.refusals) == 8, ledger.refusals


@pytest.fixture(autouse=True)
def _terraform_home(lakepilot_home: Path) -> Path:
    """Stacks, runs and locks under this test's own state directory (LAKEPILOT_HOME)."""
    return lakepilot_home
