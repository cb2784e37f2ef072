"""The one resolver of LakePilot's connections, for tasks, the CLI, the metrics recorder and mail.

Connections are Airflow's: `BaseHook.get_connection` reads them inside a task (metadata DB,
secrets backends, `AIRFLOW_CONN_*`) and, outside Airflow, from `AIRFLOW_CONN_<ID>` (JSON or URI,
parsed by Airflow's own `Connection`) and any external secrets backend configured. The CLI can
also take a Databricks config profile (`~/.databrickscfg`, `--profile NAME`) instead.

    databricks_default  Jobs API and SQL, one auth: PAT, service principal OAuth
                        (login = client id, password = secret, extra.service_principal_oauth),
                        Azure service principal, managed identity, federation (the provider's hook).
                        The SQL warehouse: extra.warehouse_id, or extra.http_path
                        `/sql/1.0/warehouses/<id>`; optional extra.catalog / extra.schema.
    lakepilot_llm       chat model (agents.llm.LLMConfig); absent: deterministic agents
    smtp_default        mail; absent: the local loopback sink

Airflow is imported only when it has something to say (inside Airflow, an `AIRFLOW_CONN_<ID>`
variable, or a configured secrets backend), so a CLI command with nothing configured stays fast.
"""

from __future__ import annotations

import configparser
import json
import logging
import os
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from airflow.providers.databricks.hooks.databricks import DatabricksHook

    from include.lakehouse.statement_api import DatabricksWarehouse

log = logging.getLogger(__name__)

DATABRICKS_CONN_ID = "databricks_default"
LLM_CONN_ID = "lakepilot_llm"
SMTP_CONN_ID = "smtp_default"
ENV_PROFILE = "LAKEPILOT_DATABRICKS_PROFILE"
_WAREHOUSE_PATH = re.compile(r"^/?sql/1\.0/(?:warehouses|endpoints)/([A-Za-z0-9_-]+)/?$")
_LOOPBACK = ("127.0.0.1", "localhost", "::1", "[::1]")


_LOGS_TO_STDERR: dict[str, Any] = {"level": None, "done": False}


def send_airflow_logs_to_stderr(level: int = logging.WARNING) -> None:
    """Outside Airflow (the CLI): Airflow's own log lines go to stderr at `level`, keeping stdout for data."""
    _LOGS_TO_STDERR["level"] = logging.getLevelName(level)


class _CurrentStderr:
    """Whatever `sys.stderr` is when a line is written (a test runner swaps and closes its captures)."""

    encoding = "utf-8"

    def write(self, text: str) -> int:
        return sys.stderr.write(text)

    def flush(self) -> None:
        sys.stderr.flush()

    def isatty(self) -> bool:
        return False


def _airflow_loaded() -> None:
    level = _LOGS_TO_STDERR["level"]
    if level is None or _LOGS_TO_STDERR["done"]:
        return
    # importing Airflow configures its logging to stdout, at INFO: send it to stderr at the CLI's level
    from airflow.sdk.log import configure_logging

    configure_logging(log_level=str(level), output=_CurrentStderr(), colored_console_log=False)
    logging.getLogger().setLevel(level)
    _LOGS_TO_STDERR["done"] = True


class ConnectionNotConfigured(ValueError):
    """A connection LakePilot needs is not defined (or lacks a field); the message says how to set it."""


def env_var(conn_id: str) -> str:
    return f"AIRFLOW_CONN_{conn_id.upper()}"


def _airflow_may_know(conn_id: str) -> bool:
    return ("airflow.sdk" in sys.modules or bool(os.environ.get(env_var(conn_id)))
            or bool(os.environ.get("AIRFLOW__SECRETS__BACKEND")))


def get_connection(conn_id: str) -> Any | None:
    """Airflow's connection `conn_id`, or None when it is not defined anywhere Airflow looks.

    A defined but malformed connection (bad JSON in `AIRFLOW_CONN_*`) raises, naming it.
    """
    if not _airflow_may_know(conn_id):
        return None
    from airflow.sdk import BaseHook
    from airflow.sdk.exceptions import AirflowNotFoundException

    _airflow_loaded()
    try:
        return BaseHook.get_connection(conn_id)
    except AirflowNotFoundException:
        if os.environ.get(env_var(conn_id), "").strip():  # Airflow skips a value it cannot parse
            raise ConnectionNotConfigured(
                f"{env_var(conn_id)} is set but Airflow cannot read it as a connection "
                "(a JSON object with conn_type, host, login, password, extra; or a URI)") from None
        return None
    except (ValueError, TypeError) as exc:
        raise ConnectionNotConfigured(f"connection {conn_id!r} ({env_var(conn_id)}) cannot be read: {exc}") from None


def _profile_connection(profile: str, conn_id: str) -> Any:
    """A Databricks connection built from a `~/.databrickscfg` profile (host + token, or client id/secret)."""
    from airflow.sdk import Connection

    _airflow_loaded()
    path = Path(os.environ.get("DATABRICKS_CONFIG_FILE") or Path.home() / ".databrickscfg")
    parser = configparser.ConfigParser()
    if not parser.read(path):
        raise ConnectionNotConfigured(f"Databricks config file {path} does not exist (asked for profile {profile!r})")
    if not parser.has_section(profile) and profile != "DEFAULT":
        raise ConnectionNotConfigured(f"profile {profile!r} is not in {path} (profiles: {', '.join(parser.sections()) or 'none'})")
    section = parser[profile]
    host = (section.get("host") or "").strip()
    if not host:
        raise ConnectionNotConfigured(f"profile {profile!r} in {path} has no host")
    extra: dict[str, Any] = {}
    for key in ("warehouse_id", "http_path", "catalog", "schema"):
        if section.get(key):
            extra[key] = section.get(key)
    if section.get("client_id") and section.get("client_secret"):
        login, password = section.get("client_id"), section.get("client_secret")
        extra["service_principal_oauth"] = True
    elif section.get("token"):
        login, password = None, section.get("token")
    else:
        raise ConnectionNotConfigured(f"profile {profile!r} in {path} has neither a token nor client_id/client_secret")
    return Connection(conn_id=conn_id, conn_type="databricks", host=host, login=login, password=password,
                      extra=json.dumps(extra))


def databricks_connection(conn_id: str = DATABRICKS_CONN_ID, *, profile: str | None = None) -> Any:
    """The Databricks connection (from a profile when one is named), or `ConnectionNotConfigured`."""
    profile = profile or os.environ.get(ENV_PROFILE)
    if profile:
        return _profile_connection(profile, conn_id)
    conn = get_connection(conn_id)
    if conn is None:
        raise ConnectionNotConfigured(
            f"no Databricks connection {conn_id!r}: define it in Airflow, set {env_var(conn_id)} (JSON: host, "
            "password = token, or login/password = service principal client id/secret with "
            "extra.service_principal_oauth), or pass --profile NAME for a ~/.databrickscfg profile")
    return conn


def databricks_hook(conn_id: str = DATABRICKS_CONN_ID, *, profile: str | None = None, conn: Any = None,
                    retry_limit: int = 3) -> DatabricksHook:
    """The provider's `DatabricksHook` (one auth for Jobs and SQL) on that connection."""
    from airflow.providers.databricks.hooks.databricks import DatabricksHook

    _airflow_loaded()
    hook = DatabricksHook(databricks_conn_id=conn_id, retry_limit=retry_limit, retry_delay=1.0)
    if conn is None and (profile or os.environ.get(ENV_PROFILE)):
        conn = databricks_connection(conn_id, profile=profile)
    if conn is not None:
        hook.__dict__["databricks_conn"] = conn  # the hook's cached_property, filled (profile-built connections)
    return hook


def service_principal_token(host: str, client_id: str, secret: str, conn_id: str = LLM_CONN_ID) -> str:
    """An OAuth M2M token for a Databricks service principal on `host`, fetched by the provider's hook
    (`https://{host}/oidc/v1/token`), for clients that are not the hook (a serving endpoint's OpenAI client)."""
    from airflow.sdk import Connection

    _airflow_loaded()
    conn = Connection(conn_id=conn_id, conn_type="databricks", host=host, login=client_id, password=secret,
                      extra=json.dumps({"service_principal_oauth": True}))
    return str(databricks_hook(conn_id, conn=conn)._get_token(raise_error=True))


def sql_warehouse_id(conn: Any) -> str:
    """The SQL warehouse a Databricks connection names: extra.warehouse_id, or the id in extra.http_path."""
    extra = conn.extra_dejson or {}
    if extra.get("warehouse_id"):
        return str(extra["warehouse_id"])
    http_path = str(extra.get("http_path") or "")
    match = _WAREHOUSE_PATH.match(http_path)
    if match:
        return match.group(1)
    if http_path:
        raise ConnectionNotConfigured(
            f"connection {conn.conn_id!r}: extra.http_path {http_path[:80]!r} is not a SQL warehouse path "
            "(/sql/1.0/warehouses/<id>); clusters are not supported, set extra.warehouse_id")
    raise ConnectionNotConfigured(
        f"connection {conn.conn_id!r} names no SQL warehouse: set extra.warehouse_id or "
        "extra.http_path = /sql/1.0/warehouses/<id>")


def databricks_warehouse(conn_id: str = DATABRICKS_CONN_ID, *, profile: str | None = None) -> DatabricksWarehouse:
    """The Databricks SQL warehouse of the connection, through the Statement Execution API."""
    from include.lakehouse.statement_api import DatabricksWarehouse

    conn = databricks_connection(conn_id, profile=profile)
    extra = conn.extra_dejson or {}
    return DatabricksWarehouse(databricks_hook(conn_id, conn=conn), sql_warehouse_id(conn),
                               catalog=extra.get("catalog"), schema=extra.get("schema"))


def is_loopback(host: str | None) -> bool:
    """Whether a connection host is this machine (the local emulator or sink)."""
    text = (host or "").strip().lower()
    text = re.sub(r"^[a-z]+://", "", text).split("/", 1)[0]
    name = text.rsplit(":", 1)[0] if text.count(":") == 1 else text
    return name in _LOOPBACK


def jobs_api_target(conn_id: str = DATABRICKS_CONN_ID) -> str | None:
    """'local emulator at host' or 'Databricks workspace host' for a defined connection, else None."""
    try:
        conn = get_connection(conn_id)
    except ConnectionNotConfigured as exc:
        return f"misconfigured ({exc})"
    if conn is None:
        return None
    host = (conn.extra_dejson or {}).get("host") or conn.host or "?"
    if is_loopback(host):
        port = f":{conn.port}" if conn.port and ":" not in str(host) else ""
        return f"local emulator at {host}{port}"
    return f"Databricks workspace {host}"


__all__ = [
    "DATABRICKS_CONN_ID", "LLM_CONN_ID", "SMTP_CONN_ID", "ConnectionNotConfigured", "databricks_connection",
    "databricks_hook", "databricks_warehouse", "env_var", "get_connection", "is_loopback", "jobs_api_target",
    "send_airflow_logs_to_stderr", "service_principal_token", "sql_warehouse_id",
]
