"""How a run moves through its states over time: pure functions over a `Run` record.

Every transition is stamped with the time it *should* have happened (cluster ready, task done),
not the time `advance` happened to be called, so results do not depend on how often it runs.
A run is a sequence of waves (the original execution, then each repair); tasks of the current
wave start when their dependencies' latest attempts are done.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from include.emulator.failures import Outcome
from include.emulator.job_settings import order
from include.emulator.models import Run, StateRec, TaskRun, Wave

DecideFn = Callable[[Run, TaskRun, Wave], Outcome]
ExecMsFn = Callable[[Run, TaskRun], int]
_UPSTREAM_OK = {"SUCCESS"}


@dataclass
class Finished:
    """A terminal transition that the timelines must record."""

    kind: Literal["task", "wave"]
    run: Run
    task: TaskRun | None = None
    wave: Wave | None = None


def start_wave(run: Run, wave: Wave, now_ms: int, setup_ms: int) -> None:
    """The wave's clusters are requested now; tasks can start once they are up."""
    wave.start_ms = now_ms
    wave.setup_end_ms = now_ms + setup_ms
    wave.state = StateRec(life_cycle="PENDING")
    run.state = StateRec(life_cycle="PENDING")
    run.end_ms = 0
    for task in wave_tasks(run, wave):
        task.state = StateRec(life_cycle="PENDING" if not task.depends_on else "BLOCKED")


def wave_tasks(run: Run, wave: Wave) -> list[TaskRun]:
    ids = set(wave.task_run_ids)
    return [t for t in run.tasks if t.run_id in ids]


def _ready_time(run: Run, task: TaskRun, wave: Wave) -> int | None:
    """When all dependencies' latest attempts ended (None while any is still going)."""
    latest = run.latest_attempts()
    ends = [wave.setup_end_ms]
    for dep in task.depends_on:
        upstream = latest.get(dep)
        if upstream is None:
            continue
        if not upstream.state.terminal:
            return None
        ends.append(upstream.end_ms)
    return max(ends)


def _upstream_failure(run: Run, task: TaskRun) -> str | None:
    latest = run.latest_attempts()
    results = [latest[d].state.result for d in task.depends_on if d in latest]
    if task.run_if == "ALL_DONE":
        return None
    if any(r == "CANCELED" for r in results):
        return "UPSTREAM_CANCELED"
    if any(r not in _UPSTREAM_OK for r in results):
        return "UPSTREAM_FAILED"
    return None


def _start_task(run: Run, task: TaskRun, wave: Wave, ready: int, decide: DecideFn, exec_ms: ExecMsFn) -> None:
    outcome = decide(run, task, wave)
    task.outcome = outcome
    task.start_ms = wave.start_ms if not task.depends_on else ready
    task.exec_start_ms = ready
    if outcome.phase == "setup":
        task.planned_end_ms = ready
    else:
        duration = exec_ms(run, task)
        task.planned_end_ms = ready + max(1, int(duration * (1.0 if outcome.succeeded else outcome.fail_fraction)))
    task.state = StateRec(life_cycle="RUNNING")


def _finish_task(task: TaskRun) -> None:
    outcome = task.outcome
    assert outcome is not None
    task.end_ms = task.planned_end_ms
    if outcome.succeeded:
        task.state = StateRec(life_cycle="TERMINATED", result="SUCCESS", code="SUCCESS", type="SUCCESS")
    else:
        task.state = StateRec(
            life_cycle="TERMINATED", result="FAILED", message=outcome.task_message, code=outcome.code, type=outcome.type
        )


def _skip_task(task: TaskRun, at_ms: int, result: str) -> None:
    task.start_ms = task.start_ms or at_ms
    task.end_ms = at_ms
    message = "Upstream task(s) were cancelled." if result == "UPSTREAM_CANCELED" else "Upstream task(s) failed."
    task.state = StateRec(life_cycle="SKIPPED", result=result, message=message, code="SKIPPED", type="SUCCESS")


def run_result(run: Run) -> StateRec:
    """The run's terminal state from the latest attempt of every task."""
    latest = run.latest_attempts()
    keys = order([{"task_key": t.task_key, "depends_on": [{"task_key": d} for d in t.depends_on]} for t in latest.values()])
    tasks = [latest[k] for k in keys]
    if any(t.state.result == "CANCELED" for t in tasks):
        return StateRec(life_cycle="TERMINATED", result="CANCELED", message="Run cancelled.", user_cancelled=True,
                        code="USER_CANCELED", type="SUCCESS")
    failed = [t for t in tasks if t.state.result == "FAILED"]
    if not failed:
        return StateRec(life_cycle="TERMINATED", result="SUCCESS", code="SUCCESS", type="SUCCESS")
    first = failed[0]
    skipped = any(t.state.result == "UPSTREAM_FAILED" for t in tasks)
    message = f"Task {first.task_key} failed with message: {first.state.message.rstrip('.')}."
    if skipped:
        message += " This caused all downstream tasks to get skipped."
    return StateRec(life_cycle="TERMINATED", result="FAILED", message=message, code=first.state.code, type=first.state.type)


def advance(run: Run, now_ms: int, decide: DecideFn, exec_ms: ExecMsFn) -> tuple[list[Finished], bool]:
    """Move an active, dequeued run forward to `now_ms`.

    Returns the terminal transitions (for the timelines) and whether anything changed.
    """
    finished: list[Finished] = []
    touched = False
    if run.queued or not run.active or not run.waves:
        return finished, touched
    wave = run.waves[-1]
    tasks = wave_tasks(run, wave)
    by_key = {t.task_key: t for t in tasks}
    keys = [k for k in order([{"task_key": t.task_key, "depends_on": [{"task_key": d} for d in t.depends_on if d in by_key]} for t in tasks])]
    changed = True
    while changed:
        changed = False
        if wave.state.life_cycle == "PENDING" and now_ms >= wave.setup_end_ms:
            wave.state = StateRec(life_cycle="RUNNING")
            run.state = StateRec(life_cycle="RUNNING")
            changed = True
        for key in keys:
            task = by_key[key]
            if task.state.terminal:
                continue
            if task.outcome is None:
                ready = _ready_time(run, task, wave)
                if ready is None or ready > now_ms:
                    continue
                upstream = _upstream_failure(run, task)
                if upstream:
                    _skip_task(task, ready, upstream)
                    finished.append(Finished("task", run, task=task))
                else:
                    _start_task(run, task, wave, ready, decide, exec_ms)
                changed = True
            if task.outcome is not None and not task.state.terminal and now_ms >= task.planned_end_ms:
                _finish_task(task)
                finished.append(Finished("task", run, task=task))
                changed = True
        if all(t.state.terminal for t in tasks):
            end = max((t.end_ms for t in tasks), default=wave.setup_end_ms)
            state = run_result(run)
            wave.state, wave.end_ms = state, end
            run.state, run.end_ms = state.model_copy(), end
            finished.append(Finished("wave", run, wave=wave))
            break
        touched = touched or changed
    return finished, touched or bool(finished)


def cancel(run: Run, now_ms: int) -> list[Finished]:
    """Cancel every unfinished task of the current wave (or the queued run) now."""
    finished: list[Finished] = []
    if not run.active:
        return finished
    if not run.waves:
        return finished
    wave = run.waves[-1]
    wave.start_ms = wave.start_ms or now_ms
    for task in wave_tasks(run, wave):
        if task.state.terminal:
            continue
        task.start_ms = task.start_ms or now_ms
        task.end_ms = now_ms
        task.state = StateRec(life_cycle="TERMINATED", result="CANCELED", message="Run cancelled.",
                              user_cancelled=True, code="USER_CANCELED", type="SUCCESS")
        finished.append(Finished("task", run, task=task))
    run.queued = False
    state = StateRec(life_cycle="TERMINATED", result="CANCELED", message="Run cancelled.", user_cancelled=True,
                     code="USER_CANCELED", type="SUCCESS")
    wave.state, wave.end_ms = state, now_ms
    run.state, run.end_ms = state.model_copy(), now_ms
    finished.append(Finished("wave", run, wave=wave))
    return finished


def rerun_keys(run: Run, rerun_tasks: list[str] | None, all_failed: bool, dependents: bool) -> list[str]:
    """Task keys a repair re-runs: all not-successful ones, or the named ones (+ their dependents)."""
    latest = run.latest_attempts()
    if all_failed:
        keys = {k for k, t in latest.items() if not t.succeeded}
    else:
        keys = set(rerun_tasks or [])
    if dependents or all_failed:
        grew = True
        while grew:
            grew = False
            for key, task in latest.items():
                if key not in keys and set(task.depends_on) & keys and (dependents or not task.succeeded):
                    keys.add(key)
                    grew = True
    return [k for k in order([{"task_key": t.task_key, "depends_on": [{"task_key": d} for d in t.depends_on]} for t in latest.values()]) if k in keys]
