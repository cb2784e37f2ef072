"""Production mode as a user runs it, on this machine: `lakepilot workspace serve --tls` is the workspace,
a service principal the credentials, and `lakepilot sweep` in Databricks mode (SQL through the Statement
Execution API, the token from `/oidc/v1/token`) prints the same findings as the local engine on the same
lakehouse. A wrong secret exits non-zero naming the auth failure."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from include.simulator.generate import generate_workspace

CLIENT_ID, SECRET = "lakepilot-ci-sp", "ci-sp-secret-2f6d1e"
AS_OF = "2026-05-12"


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("prod") / "lakehouse"
    generate_workspace(root, days=10, scale="small", seed=3, end=date(2026, 5, 12))
    return root


@pytest.fixture(scope="module")
def served(workspace: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, Path]]:
    home = tmp_path_factory.mktemp("serve-home")
    ca = home / "out" / "ca.pem"
    env = {**os.environ, "LAKEPILOT_HOME": str(home), "LAKEPILOT_EMULATOR_CLIENT_ID": CLIENT_ID,
           "LAKEPILOT_EMULATOR_CLIENT_SECRET": SECRET}
    proc = subprocess.Popen([sys.executable, "-m", "cli.main", "workspace", "serve", "--port", "0", "--lakehouse", str(workspace),
                             "--no-scheduler", "--tls", "--tls-ca-out", str(ca)],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()  # type: ignore[union-attr]
        assert line, proc.stderr.read()  # type: ignore[union-attr]
        ready = json.loads(line)
        assert ready["url"].startswith("https://") and ready["tls_ca"] == str(ca) and ca.is_file()
        yield int(ready["port"]), ca
    finally:
        proc.send_signal(signal.SIGTERM)
        _, stderr = proc.communicate(timeout=30)
        assert SECRET not in stderr


def _sweep(env_extra: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIRFLOW_CONN_")}
    env.update(env_extra, COLUMNS="400")  # one banner line, unwrapped
    return subprocess.run([sys.executable, "-m", "cli.main", "sweep", "--domain", "all", "--json", "--no-store",
                           "--as-of", AS_OF, *args], env=env, capture_output=True, text=True, timeout=600)


def _findings(stdout: str) -> list[tuple[str, str, str]]:
    return sorted((f["domain"], f["check"], f["entity_id"]) for f in map(json.loads, stdout.splitlines()))


def _production_env(port: int, ca: Path, workspace: Path, secret: str) -> dict[str, str]:
    connection = {"conn_type": "databricks", "host": f"127.0.0.1:{port}", "login": CLIENT_ID, "password": secret,
                  "extra": {"service_principal_oauth": True, "http_path": "/sql/1.0/warehouses/local"}}
    return {"LAKEPILOT_WAREHOUSE": "databricks", "AIRFLOW_CONN_DATABRICKS_DEFAULT": json.dumps(connection),
            "REQUESTS_CA_BUNDLE": str(ca), "SSL_CERT_FILE": str(ca),
            # what only the operators know comes from a settings file on a real workspace, never a manifest
            "LAKEPILOT_HEALTH_SETTINGS": str(workspace / "_lakepilot" / "health_settings.json")}


def test_a_service_principal_sweep_over_tls_finds_what_local_mode_finds(served, workspace: Path, tmp_path: Path) -> None:
    port, ca = served
    production = _sweep({**_production_env(port, ca, workspace, SECRET), "LAKEPILOT_HOME": str(tmp_path / "prod-home")})
    assert production.returncode == 0, production.stderr[-3000:]
    assert "Statement Execution API" in production.stderr and f"127.0.0.1:{port}" in production.stderr  # the mode is shown
    local = _sweep({"LAKEPILOT_HOME": str(tmp_path / "local-home")}, "--lakehouse", str(workspace))
    assert local.returncode == 0, local.stderr[-3000:]
    found = _findings(production.stdout)
    assert len(found) >= 10 and {d for d, _, _ in found} == {"cost", "security", "performance", "reliability", "data_quality", "mlops"}
    assert found == _findings(local.stdout)
    assert SECRET not in production.stderr + production.stdout


def test_a_wrong_secret_exits_non_zero_naming_the_auth_failure(served, workspace: Path, tmp_path: Path) -> None:
    port, ca = served
    result = _sweep({**_production_env(port, ca, workspace, "wrong-secret"), "LAKEPILOT_HOME": str(tmp_path / "home")})
    assert result.returncode == 2 and result.stdout == ""
    assert "refused the credentials of connection 'databricks_default'" in result.stderr and "401" in result.stderr
    assert "wrong-secret" not in result.stderr
