"""Child processes that are started together and always stopped together."""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import requests

log = logging.getLogger(__name__)


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that is free on `host` right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        return sock.connect_ex((host, port)) != 0


def wait_http(url: str, *, timeout: float = 120.0,
              ok: Callable[[requests.Response], bool] = lambda r: r.status_code < 500,
              proc: ManagedProcess | None = None, verify: str | bool = True) -> None:
    """Poll `url` until it answers (or `proc` dies, or `timeout` passes)."""
    deadline = time.monotonic() + timeout
    last: str = "no answer"
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"{proc.name} exited with code {proc.returncode} before {url} answered; see {proc.log_path}")
        try:
            response = requests.get(url, timeout=3, verify=verify)
            if ok(response):
                return
            last = f"HTTP {response.status_code}"
        except requests.RequestException as exc:
            last = type(exc).__name__
        time.sleep(0.5)
    raise TimeoutError(f"{url} did not become ready within {timeout:.0f}s ({last})")


@dataclass
class ManagedProcess:
    """A child in its own process group, logging to a file; stop() ends the whole group."""

    name: str
    argv: Sequence[str]
    env: Mapping[str, str]
    log_path: Path
    cwd: Path | None = None
    user: str | None = None
    # Restarted by its ProcessGroup when it exits on its own, like `restart: always` in compose or
    # systemd's Restart=: Airflow's scheduler exits on a metadata-DB error it cannot retry (seen
    # here: SQLite "database is locked" under load), and nothing would schedule until a restart.
    restart: bool = False
    restarts: int = 0
    _popen: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    def start(self) -> ManagedProcess:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        logfile = open(self.log_path, "ab")  # noqa: SIM115 - owned by the child for its lifetime
        self._popen = subprocess.Popen(  # noqa: S603 - argv is built by LakePilot, not user text
            list(self.argv),
            env=dict(self.env),
            cwd=self.cwd,
            stdout=logfile,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            user=self.user,
        )
        logfile.close()
        log.info("started %s (pid %s), log %s", self.name, self._popen.pid, self.log_path)
        return self

    @property
    def pid(self) -> int | None:
        return self._popen.pid if self._popen else None

    @property
    def returncode(self) -> int | None:
        return self._popen.returncode if self._popen else None

    def poll(self) -> int | None:
        return self._popen.poll() if self._popen else 0

    def terminate(self) -> None:
        """Ask the group to stop (SIGTERM); `reap` waits for it."""
        if self._popen and self._popen.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self._popen.pid, signal.SIGTERM)

    def reap(self, deadline: float) -> None:
        """Wait for the leader until `deadline` (monotonic), SIGKILL it if still there, and end its group."""
        if not self._popen:
            return
        try:
            self._popen.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self._popen.pid, signal.SIGKILL)
            self._popen.wait(timeout=5)
        # Children of the group (e.g. task processes) may outlive the leader: end them too.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self._popen.pid, signal.SIGKILL)

    def tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except FileNotFoundError:
            return ""


STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def _interrupt(signum: int, _frame: object) -> None:
    raise KeyboardInterrupt(signal.Signals(signum).name)


def stop_on_signals() -> None:
    """Ctrl-C, `kill` (SIGTERM: systemd, docker stop) and a closed terminal (SIGHUP) all end a foreground
    stack the same way: KeyboardInterrupt, so its `finally` stops every service. Installed even when the
    parent left SIGINT ignored (a background job of a script): otherwise only SIGKILL would end it, and its
    services would outlive it."""
    for sig in STOP_SIGNALS:
        signal.signal(sig, _interrupt)


def ignore_stop_signals() -> None:
    """While the services are being stopped (bounded by STOP_TIMEOUT_S), a second Ctrl-C must not abort it."""
    for sig in STOP_SIGNALS:
        signal.signal(sig, signal.SIG_IGN)


MAX_RESTARTS = 5
STOP_TIMEOUT_S = 20.0  # how long the services of a group get, together, to stop after SIGTERM
SUPERVISE_INTERVAL_S = 1.0


class ProcessGroup:
    """Processes started in order and stopped in reverse order, also on errors.

    Processes added with `restart=True` are watched: one that exits while the group runs is
    started again (up to MAX_RESTARTS times each, logged as a warning naming its exit code and log).
    """

    def __init__(self) -> None:
        self.procs: list[ManagedProcess] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._watcher: threading.Thread | None = None

    def add(self, proc: ManagedProcess) -> ManagedProcess:
        with self._lock:
            self.procs.append(proc.start())
        if proc.restart and self._watcher is None:
            self._watcher = threading.Thread(target=self._supervise, name="lakepilot-supervisor", daemon=True)
            self._watcher.start()
        return proc

    def _supervise(self) -> None:
        while not self._stopping.wait(SUPERVISE_INTERVAL_S):
            with self._lock:
                if self._stopping.is_set():
                    return
                for proc in self.procs:
                    if not proc.restart or proc.poll() is None or proc.restarts >= MAX_RESTARTS:
                        continue
                    proc.restarts += 1
                    log.warning("%s exited with code %s; restarting it (%d of %d), log %s",
                                proc.name, proc.returncode, proc.restarts, MAX_RESTARTS, proc.log_path)
                    proc.start()

    def stop(self) -> None:
        self._stopping.set()
        if self._watcher is not None:
            self._watcher.join(timeout=30)
        # All at once: asked one by one, six services took up to 2.5 minutes to stop on a busy machine, long
        # enough for an impatient second Ctrl-C to kill `lakepilot up` and leave the last ones running.
        with self._lock:
            for proc in reversed(self.procs):
                proc.terminate()
            deadline = time.monotonic() + STOP_TIMEOUT_S
            for proc in reversed(self.procs):
                proc.reap(deadline)
            self.procs.clear()

    def dead(self) -> list[ManagedProcess]:
        """Processes that exited and will not be started again (restartable ones past MAX_RESTARTS)."""
        return [p for p in self.procs
                if p.poll() is not None and (not p.restart or p.restarts >= MAX_RESTARTS)]

    def __enter__(self) -> ProcessGroup:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
