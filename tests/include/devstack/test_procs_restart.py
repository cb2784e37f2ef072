"""ProcessGroup restarts a component that exits on its own (real child processes), and nothing else."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest

import include.devstack.procs as procs
from include.devstack.procs import ManagedProcess, ProcessGroup


@pytest.fixture(autouse=True)
def _fast_supervisor(monkeypatch) -> None:
    monkeypatch.setattr(procs, "SUPERVISE_INTERVAL_S", 0.1)
    monkeypatch.setattr(procs, "MAX_RESTARTS", 3)


def _wait(predicate, timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def _proc(tmp_path: Path, name: str, code: str, restart: bool) -> ManagedProcess:
    return ManagedProcess(name=name, argv=[sys.executable, "-c", code], env=dict(os.environ),
                          log_path=tmp_path / f"{name}.log", restart=restart)


def test_a_crashing_component_is_restarted_up_to_the_limit_then_reported_dead(tmp_path: Path) -> None:
    with ProcessGroup() as group:
        crasher = group.add(_proc(tmp_path, "scheduler", "print('up', flush=True); raise SystemExit(1)", restart=True))
        assert _wait(lambda: group.dead() == [crasher])
        assert crasher.restarts == 3
        # every start wrote to the same log: the first run plus three restarts
        assert _wait(lambda: (tmp_path / "scheduler.log").read_text().count("up") == 4)


def test_a_restarted_component_keeps_running_and_is_not_reported_dead(tmp_path: Path) -> None:
    marker = tmp_path / "crashed-once"
    code = (f"import pathlib, time, sys\nm = pathlib.Path({str(marker)!r})\n"
            "if not m.exists():\n    m.write_text('x'); sys.exit(3)\ntime.sleep(60)")
    with ProcessGroup() as group:
        proc = group.add(_proc(tmp_path, "scheduler", code, restart=True))
        assert _wait(lambda: proc.restarts == 1 and proc.poll() is None)
        time.sleep(0.5)
        assert group.dead() == [] and proc.restarts == 1
    assert proc.poll() is not None  # stop() ended it and did not restart it


def test_a_process_without_restart_is_reported_dead_and_left_alone(tmp_path: Path) -> None:
    with ProcessGroup() as group:
        once = group.add(_proc(tmp_path, "emulator", "raise SystemExit(2)", restart=False))
        assert _wait(lambda: group.dead() == [once])
        time.sleep(0.5)
        assert once.restarts == 0 and once.returncode == 2


def test_stopping_asks_every_service_at_once(tmp_path: Path, monkeypatch) -> None:
    """Each child, asked to stop, waits until all three were asked before it exits: stopped one by one,
    the first would wait for the others and be killed at the deadline; asked at once, all exit cleanly."""
    monkeypatch.setattr(procs, "STOP_TIMEOUT_S", 5.0, raising=False)
    code = (
        "import pathlib, signal, sys, time\n"
        f"root = pathlib.Path({str(tmp_path)!r})\n"
        "def stop(*_):\n"
        "    (root / (sys.argv[1] + '.asked')).touch()\n"
        "    while len(list(root.glob('*.asked'))) < 3:\n"
        "        time.sleep(0.05)\n"
        "    sys.exit(0)\n"
        "signal.signal(signal.SIGTERM, stop)\n"
        "(root / (sys.argv[1] + '.up')).touch()\n"
        "while True:\n"
        "    time.sleep(0.1)\n"
    )
    children = [ManagedProcess(name=f"svc{i}", argv=[sys.executable, "-c", code, f"svc{i}"], env=dict(os.environ),
                               log_path=tmp_path / f"svc{i}.log") for i in range(3)]
    group = ProcessGroup()
    for child in children:
        group.add(child)
    assert _wait(lambda: len(list(tmp_path.glob("*.up"))) == 3)
    group.stop()
    assert [c.returncode for c in children] == [0, 0, 0], [c.tail() for c in children]


@pytest.mark.parametrize("sig", ["SIGINT", "SIGTERM", "SIGHUP"])
def test_ctrl_c_kill_or_a_closed_terminal_stop_the_services_even_when_sigint_was_ignored(tmp_path: Path, sig: str) -> None:
    """`lakepilot up` started from a script's background job inherits SIGINT ignored; `kill` sends SIGTERM.
    Either way its services must be stopped, not orphaned (a first-day run left an api-server behind)."""
    import signal
    import subprocess

    script = (
        "import os, signal, sys, time\n"
        "from pathlib import Path\n"
        "from include.devstack.procs import ManagedProcess, ProcessGroup, ignore_stop_signals, stop_on_signals\n"
        "signal.signal(signal.SIGINT, signal.SIG_IGN)  # as a background job of a non-interactive shell\n"
        "stop_on_signals()\n"
        f"root = Path({str(tmp_path)!r})\n"
        "group = ProcessGroup()\n"
        "child = group.add(ManagedProcess('svc', [sys.executable, '-c', 'import time; time.sleep(600)'],\n"
        "                                 dict(os.environ), root / 'svc.log'))\n"
        "(root / 'child.pid').write_text(str(child.pid))\n"
        "try:\n"
        "    while True:\n"
        "        time.sleep(0.1)\n"
        "except KeyboardInterrupt as stop:\n"
        "    print('stopping on', stop, flush=True)\n"
        "finally:\n"
        "    ignore_stop_signals()\n"
        "    group.stop()\n"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[3])}
    proc = subprocess.Popen([sys.executable, "-c", script], env=env, stdout=subprocess.PIPE, text=True)
    try:
        assert _wait(lambda: (tmp_path / "child.pid").is_file())
        child = int((tmp_path / "child.pid").read_text())
        proc.send_signal(getattr(signal, sig))
        out, _ = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 0 and f"stopping on {sig}" in out, out
    assert _wait(lambda: not Path(f"/proc/{child}").exists() or "Z" in Path(f"/proc/{child}/stat").read_text().split()[2])
