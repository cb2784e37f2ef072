"""The environment Airflow runs LakePilot in: home, folders, auth, connections, and LakePilot's own vars.

Used by `lakepilot up` (airflow standalone) and by the end-to-end tests (split components on a
throwaway metadata database). Connections are passed as `AIRFLOW_CONN_*` variables so going to
production changes connections only.
"""

from __future__ import annotations

import json
import os
import secrets
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from include.config import PROJECT_ROOT


@dataclass
class AirflowConfig:
    """Everything that differs between one Airflow deployment of LakePilot and another."""

    home: Path
    port: int = 8080
    host: str = "127.0.0.1"
    database_url: str | None = None  # default: SQLite in `home`
    executor: str = "LocalExecutor"
    parallelism: int = 4
    users: dict[str, str] = field(default_factory=lambda: {"admin": "admin"})  # user -> role
    passwords: dict[str, str] = field(default_factory=dict)  # user -> password (generated if absent)
    jwt_secret: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    dags_folder: Path = PROJECT_ROOT / "dags"
    plugins_folder: Path = PROJECT_ROOT / "plugins"
    connections: dict[str, dict[str, Any]] = field(default_factory=dict)
    extra_env: dict[str, str] = field(default_factory=dict)
    dags_paused_at_creation: bool = True

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def sqlite_path(self) -> Path:
        return self.home / "airflow.db"

    @property
    def sqlite_url(self) -> str:
        # A long busy timeout: api-server, scheduler, dag-processor, triggerer and task processes all
        # write to one SQLite file (the default 5 s made REST calls fail with "database is locked").
        return f"sqlite:///{self.sqlite_path}?timeout=60"

    @property
    def passwords_file(self) -> Path:
        return self.home / "simple_auth_manager_passwords.json.generated"

    def write_passwords(self) -> dict[str, str]:
        """Write the simple auth manager's password file, keeping passwords already set."""
        self.home.mkdir(parents=True, exist_ok=True)
        existing: dict[str, str] = {}
        if self.passwords_file.is_file():
            existing = json.loads(self.passwords_file.read_text() or "{}")
        merged = {user: self.passwords.get(user) or existing.get(user) or secrets.token_urlsafe(12) for user in self.users}
        self.passwords_file.write_text(json.dumps(merged))
        self.passwords = merged
        return merged

    def env(self) -> dict[str, str]:
        """Process environment for every Airflow component (and the CLI talking to it)."""
        env = dict(os.environ)
        venv_bin = str(Path(sys.executable).parent)
        env["PATH"] = venv_bin + os.pathsep + env.get("PATH", "")
        db = self.database_url or self.sqlite_url
        env.update(
            {
                "AIRFLOW_HOME": str(self.home),
                "AIRFLOW__CORE__DAGS_FOLDER": str(self.dags_folder),
                "AIRFLOW__CORE__PLUGINS_FOLDER": str(self.plugins_folder),
                "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
                "AIRFLOW__CORE__EXECUTOR": self.executor,
                "AIRFLOW__CORE__PARALLELISM": str(self.parallelism),
                "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": str(self.dags_paused_at_creation),
                "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": ",".join(f"{u}:{r}" for u, r in self.users.items()),
                "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(self.passwords_file),
                "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"{self.base_url}/execution/",
                "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": db,
                "AIRFLOW__API__HOST": self.host,
                "AIRFLOW__API__PORT": str(self.port),
                "AIRFLOW__API__BASE_URL": self.base_url,
                "AIRFLOW__API__WORKERS": "1",
                "AIRFLOW__API_AUTH__JWT_SECRET": self.jwt_secret,
                "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "5",
                # Re-parse a file at most every 30 s: LakePilot's DAG files change rarely, and a busy
                # dag-processor competes with the tasks on a small machine.
                "AIRFLOW__DAG_PROCESSOR__MIN_FILE_PROCESS_INTERVAL": "30",
                "AIRFLOW__SCHEDULER__SCHEDULER_HEARTBEAT_SEC": "2",
                "AIRFLOW__LOGGING__LOGGING_LEVEL": "INFO",
                "AIRFLOW__CORE__LAZY_LOAD_PLUGINS": "False",
                "PYTHONPATH": os.pathsep.join(filter(None, [str(PROJECT_ROOT), env.get("PYTHONPATH", "")])),
                "no_proxy": "*",
            }
        )
        for conn_id, conn in self.connections.items():
            env[f"AIRFLOW_CONN_{conn_id.upper()}"] = json.dumps(conn)
        env.update(self.extra_env)
        return env


def emulator_connection(port: int, token: str) -> dict[str, Any]:
    """`databricks_default` pointing the real DatabricksHook at the local Jobs API emulator."""
    return {"conn_type": "databricks", "host": "127.0.0.1", "port": port, "schema": "http", "password": token}


def service_principal_connection(port: int, client_id: str, secret: str) -> dict[str, Any]:
    """`databricks_default` as production has it: a service principal (OAuth M2M) on an HTTPS host, with a
    SQL warehouse; here the TLS emulator (the provider's token URL is https://{host}/oidc/v1/token)."""
    return {"conn_type": "databricks", "host": f"127.0.0.1:{port}", "login": client_id, "password": secret,
            "extra": {"service_principal_oauth": True, "http_path": "/sql/1.0/warehouses/local"}}


def smtp_connection(port: int) -> dict[str, Any]:
    """`smtp_default` pointing at the local loopback SMTP sink (no TLS, no auth: no login either)."""
    return {
        "conn_type": "smtp",
        "host": "127.0.0.1",
        "port": port,
        "extra": {"disable_tls": True, "disable_ssl": True, "from_email": "lakepilot@localhost", "timeout": 10},
    }
