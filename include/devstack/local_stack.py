"""The whole local product as one group of processes.

Order: simulated workspace (generated if absent) → Jobs API emulator → loopback SMTP sink →
Airflow (api-server, scheduler, dag-processor, triggerer) with connections preset for local
mode. `make run` and the end-to-end tests both use this; only ports and homes differ.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from include.airflow_api import AirflowClient
from include.config import ENV_HOME, state_dir
from include.devstack.airflow_env import (
    AirflowConfig,
    emulator_connection,
    service_principal_connection,
    smtp_connection,
)
from include.devstack.airflow_stack import start_airflow
from include.devstack.procs import ManagedProcess, ProcessGroup, port_is_free, wait_http
from include.emulator.client import EmulatorClient

log = logging.getLogger(__name__)

DEFAULT_EMULATOR_TOKEN = "dapi-lakepilot-local"  # noqa: S105 - a documented local-only default
_SP_CLIENT_ID = "lakepilot-local-sp"
_ENV_SP_SECRET = "LAKEPILOT_EMULATOR_CLIENT_SECRET"  # noqa: S105 - the name of an env var
# Run in a child: prints "cached" when the model was on disk already, "trained" otherwise.
_WARM_ROUTER = (
    "from agents.orchestrator.router.classifier import data_digest, get_model, questions\n"
    "from agents.orchestrator.router.model_cache import cache_dir, cache_key, enabled\n"
    "hit = enabled() and (cache_dir() / f'model-{cache_key(data_digest(questions(\"train\")))}.joblib').is_file()\n"
    "get_model()\n"
    "print('cached' if hit else 'trained')\n"
)


@dataclass
class LocalStackConfig:
    """Ports, homes and switches of one local stack."""

    home: Path = field(default_factory=state_dir)
    airflow_port: int = field(default_factory=lambda: int(os.environ.get("LAKEPILOT_AIRFLOW_PORT", "8080")))
    emulator_port: int = field(default_factory=lambda: int(os.environ.get("LAKEPILOT_EMULATOR_PORT", "8765")))
    smtp_port: int = field(default_factory=lambda: int(os.environ.get("LAKEPILOT_SMTP_PORT", "8025")))
    emulator_token: str = field(default_factory=lambda: os.environ.get("LAKEPILOT_EMULATOR_TOKEN", DEFAULT_EMULATOR_TOKEN))
    emulator_speed: float = field(default_factory=lambda: float(os.environ.get("LAKEPILOT_EMULATOR_SPEED", "60")))
    emulator_scheduler: bool = True  # trigger jobs on their cron schedules (off for deterministic tests)
    scale: str = "small"
    days: int = 45
    seed: int = 7
    database_url: str | None = None
    users: dict[str, str] = field(default_factory=lambda: {"admin": "admin"})
    passwords: dict[str, str] = field(default_factory=dict)
    extra_env: dict[str, str] = field(default_factory=dict)
    run_user: str | None = None
    # `lakepilot up`: DAGs start unpaused, so every pipeline runs on its own (tests keep them paused).
    unpause_dags: bool = False
    # How fast the emulator's cron clock runs (60: an hour of schedules per minute, for a demo).
    schedule_speed: float = 1.0
    # `lakepilot up` in demo mode: each kind of failing job runs once as soon as Airflow is up
    # (include/devstack/demo.py), so repairs and notices show within minutes.
    demo_failures: bool = False
    # Production mode on this machine: the emulator serves TLS, `databricks_default` is a service
    # principal, and every task reads and writes through the SQL Statement Execution API
    # (LAKEPILOT_WAREHOUSE=databricks) instead of the local engine and Delta store.
    production: bool = False

    @property
    def lakehouse(self) -> Path:
        return self.home / "lakehouse"

    @property
    def airflow_home(self) -> Path:
        return self.home / "airflow"


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "cli.main", *args]


def _wait_port(port: int, proc: ManagedProcess, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{proc.name} exited early; log:\n{proc.tail()}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise TimeoutError(f"{proc.name} did not listen on port {port} within {timeout:.0f}s")


class LocalStack:
    """Start and stop the local product; `client()` talks to its Airflow."""

    def __init__(self, config: LocalStackConfig | None = None) -> None:
        self.config = config or LocalStackConfig()
        self.group = ProcessGroup()
        c = self.config
        self.service_env = {
            # Locally every mail lands in the loopback sink: on-call (remediation escalations, critical findings,
            # failed tasks) gets a visible address unless one is configured, as in docker-compose.yaml.
            "LAKEPILOT_ONCALL_EMAIL": "oncall@example.com",
            **os.environ,
            ENV_HOME: str(c.home),
            "LAKEPILOT_LAKEHOUSE": str(c.lakehouse),
            "LAKEPILOT_EMULATOR_TOKEN": c.emulator_token,
            **self._production_env(),
            **c.extra_env,
        }
        databricks = (service_principal_connection(c.emulator_port, _SP_CLIENT_ID, self.service_env[_ENV_SP_SECRET])
                      if c.production else emulator_connection(c.emulator_port, c.emulator_token))
        self.airflow = AirflowConfig(
            home=c.airflow_home,
            port=c.airflow_port,
            database_url=c.database_url,
            users=c.users,
            passwords=c.passwords,
            connections={
                "databricks_default": databricks,
                "smtp_default": smtp_connection(c.smtp_port),
            },
            extra_env={k: v for k, v in self.service_env.items()
                       if k.startswith("LAKEPILOT_") or k in ("REQUESTS_CA_BUNDLE", "SSL_CERT_FILE")},
            dags_paused_at_creation=not c.unpause_dags,
        )

    @property
    def ca_file(self) -> Path:
        """The emulator's CA certificate (production mode), written when it starts."""
        return self.config.home / "emulator" / "ca.pem"

    def _production_env(self) -> dict[str, str]:
        c = self.config
        if not c.production:
            return {}
        from include.health.workspace_settings import LAKEHOUSE_FILE

        return {"LAKEPILOT_WAREHOUSE": "databricks", "LAKEPILOT_EMULATOR_CLIENT_ID": _SP_CLIENT_ID,
                _ENV_SP_SECRET: os.environ.get(_ENV_SP_SECRET) or secrets.token_urlsafe(24),
                "REQUESTS_CA_BUNDLE": str(self.ca_file), "SSL_CERT_FILE": str(self.ca_file),
                # what only the operators know comes from a settings file in production, not the manifest
                "LAKEPILOT_HEALTH_SETTINGS": str(c.lakehouse / LAKEHOUSE_FILE)}

    def check_ports(self) -> None:
        c = self.config
        for name, port, var in (
            ("Airflow", c.airflow_port, "LAKEPILOT_AIRFLOW_PORT"),
            ("Jobs API emulator", c.emulator_port, "LAKEPILOT_EMULATOR_PORT"),
            ("SMTP sink", c.smtp_port, "LAKEPILOT_SMTP_PORT"),
        ):
            if not port_is_free(port):
                raise RuntimeError(f"port {port} for the {name} is in use; free it or set {var}")

    def ensure_workspace(self, progress: Callable[[str], None] = lambda _: None) -> bool:
        """Generate the simulated workspace unless one (or exported tables) is present."""
        from include.simulator.manifest import MANIFEST_FILE

        c = self.config
        if (c.lakehouse / MANIFEST_FILE).is_file() or (c.lakehouse / "system").is_dir():
            from include.health.workspace_settings import LAKEHOUSE_FILE
            from include.lakehouse.about import ABOUT_FILE
            from include.simulator.manifest import load_manifest, write_about_file, write_health_settings

            manifest = load_manifest(c.lakehouse)
            if manifest is not None and not (c.lakehouse / ABOUT_FILE).is_file():
                write_about_file(c.lakehouse, manifest)  # a workspace generated before description files
            if manifest is not None and not (c.lakehouse / LAKEHOUSE_FILE).is_file():
                write_health_settings(c.lakehouse, manifest)  # a workspace generated before settings files
            elif manifest is not None:  # generated before names were settings: add them, keep the operator's edits
                from include.health.workspace_settings import read_settings_file, write_settings_file

                current = read_settings_file(c.lakehouse / LAKEHOUSE_FILE)
                if "workspace_names" not in current:
                    names = {w.workspace_id: w.name for w in manifest.workspaces}
                    write_settings_file(c.lakehouse, {**current, "workspace_names": names})
            return False
        progress(f"generating the simulated workspace ({c.scale}, {c.days} days, seed {c.seed})")
        from include.simulator.generate import generate_workspace

        generate_workspace(c.lakehouse, days=c.days, scale=c.scale, seed=c.seed)
        return True

    def start(self, progress: Callable[[str], None] = lambda _: None) -> None:
        """Bring everything up; on any failure, stop what was started and re-raise."""
        c = self.config
        try:
            self.check_ports()
            self.ensure_workspace(progress)
            progress("preparing the question router (the first start trains it: a few minutes on 2 cores)")
            progress(self.warm_router())
            logs = c.home / "logs"
            progress(f"starting the Jobs API emulator on 127.0.0.1:{c.emulator_port}")
            tls = ["--tls", "--tls-ca-out", str(self.ca_file)] if c.production else []
            if c.production:
                self.ca_file.unlink(missing_ok=True)  # a CA from an earlier start must not be trusted by mistake
            emulator = self.group.add(
                ManagedProcess(
                    "jobs-api-emulator",
                    _cli("workspace", "serve", "--port", str(c.emulator_port), "--lakehouse", str(c.lakehouse),
                         "--speed", str(c.emulator_speed), "--schedule-speed", str(c.schedule_speed),
                         "--scheduler" if c.emulator_scheduler else "--no-scheduler", *tls),
                    self.service_env,
                    logs / "emulator.log",
                )
            )
            if c.production:
                deadline = time.monotonic() + 60
                while not self.ca_file.is_file() and time.monotonic() < deadline and emulator.poll() is None:
                    time.sleep(0.2)
            wait_http(f"{'https' if c.production else 'http'}://127.0.0.1:{c.emulator_port}/_emulator/health", timeout=60,
                      proc=emulator, ok=lambda r: r.status_code == 200, verify=str(self.ca_file) if c.production else True)
            progress(f"starting the loopback SMTP sink on 127.0.0.1:{c.smtp_port}")
            smtp = self.group.add(
                ManagedProcess("smtp-sink", _cli("mail", "serve", "--port", str(c.smtp_port)), self.service_env,
                               logs / "smtp.log")
            )
            _wait_port(c.smtp_port, smtp)
            progress(f"starting Airflow on {self.airflow.base_url} (first start migrates its database)")
            start_airflow(self.airflow, self.group, user=c.run_user)
            if c.demo_failures:
                progress(self.run_failing_jobs())
        except BaseException:
            self.stop()
            raise

    def run_failing_jobs(self) -> str:
        """Demo: start one run of each kind of failing job now; what was started, for the progress line."""
        from include.devstack.demo import run_failing_jobs
        from include.simulator.manifest import load_manifest

        manifest = load_manifest(self.config.lakehouse)
        if manifest is None:
            return "demo: no simulated workspace, no jobs to run"
        scheme = "https" if self.config.production else "http"
        client = EmulatorClient(f"{scheme}://127.0.0.1:{self.config.emulator_port}", self.config.emulator_token,
                                verify=str(self.ca_file) if self.config.production else True)
        try:
            started = run_failing_jobs(client, manifest)
        except Exception as exc:  # noqa: BLE001 - a demo nicety never stops the product from starting
            log.warning("demo: the failing jobs could not be started: %s", exc)
            return f"demo: the failing jobs could not be started ({exc}); they still run on their schedules"
        names = ", ".join(f"{job.name} ({job.failure_behaviour})" for job, _ in started)
        return (f"demo: ran each kind of failing job once ({names}); remediation picks them up within minutes"
                if started else "demo: the workspace has no failing jobs")

    def warm_router(self) -> str:
        """Train (or load) the router model into the shared cache, so no first question waits for it.

        Returns what happened, for the banner: loaded from the cache, or trained (and how long it took).
        """
        import subprocess

        started = time.monotonic()
        done = subprocess.run(  # noqa: S603 - fixed argv; a child keeps scikit-learn out of this process
            [sys.executable, "-c", _WARM_ROUTER], env=self.service_env, check=False, timeout=1800,
            capture_output=True, text=True,
        )
        if done.returncode != 0:
            last = (done.stderr.strip().splitlines() or ["(no output)"])[-1]
            raise RuntimeError(f"the question router could not be prepared: {last}")
        seconds = time.monotonic() - started
        cached = done.stdout.strip().endswith("cached")
        return (f"question router loaded from the cache ({seconds:.0f} s)" if cached else
                f"question router trained in {seconds:.0f} s (cached for the next start)")

    def client(self, user: str = "admin") -> AirflowClient:
        return AirflowClient(self.airflow.base_url, user, self.airflow.passwords[user])

    def dead_services(self) -> list[str]:
        return [p.name for p in self.group.dead()]

    def stop(self) -> None:
        self.group.stop()
