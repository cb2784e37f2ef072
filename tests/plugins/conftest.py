"""The LakePilot UI app under test with Airflow's real authentication (JWTs, `get_user`).

Airflow is configured into a temporary home before it is first imported; only the one table
token validation reads (`revoked_token`) is created, so no `airflow db migrate` is needed.
Pending approvals come from a scripted runtime here; tests/e2e reads them from a real Airflow.
"""

from __future__ import annotations

import os
import secrets
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT / "plugins") not in sys.path:
    # Airflow puts the plugins folder on sys.path; the plugin's modules import `lakepilot_airflow.*`.
    sys.path.insert(0, str(ROOT / "plugins"))


class Tokens:
    """Mint Airflow JWTs the way `POST /auth/token` does."""

    def __init__(self, manager: Any) -> None:
        self.manager = manager

    def for_user(self, username: str = "admin", role: str = "admin") -> str:
        from airflow.api_fastapi.auth.managers.simple.user import SimpleAuthManagerUser

        return self.manager.generate_jwt(SimpleAuthManagerUser(username=username, role=role))


@pytest.fixture(scope="session")
def airflow_tokens(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tokens]:
    home = tmp_path_factory.mktemp("airflow-home")
    env = {
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home / 'airflow.db'}",
        "AIRFLOW__API_AUTH__JWT_SECRET": secrets.token_urlsafe(64),
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": "admin:admin",
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
    }
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    from airflow import settings
    from airflow.api_fastapi.app import create_auth_manager
    from airflow.models.revoked_token import RevokedToken

    manager = create_auth_manager()
    manager.init()
    RevokedToken.__table__.create(settings.engine, checkfirst=True)
    try:
        yield Tokens(manager)
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        os.environ["AIRFLOW__API_AUTH__JWT_SECRET"] = env["AIRFLOW__API_AUTH__JWT_SECRET"]


@pytest.fixture
def scripted_runtime():
    """A runtime whose pending approvals are scripted; warehouse and everything else are real."""
    from lakepilot_airflow.ui.runtime import Runtime

    from include.ui.models import PendingApproval, SourceNote

    class ScriptedRuntime(Runtime):
        def __init__(self) -> None:
            super().__init__(cache_seconds=0)
            self.pending: list[PendingApproval] = []
            self.fail: str | None = None
            self.url: str | None = "https://adb-1234567890123456.7.azuredatabricks.net"
            self.users_seen: list[Any] = []

        def approvals(self, user=None):
            self.users_seen.append(user)
            if self.fail:
                return None, [SourceNote(level="error", text=self.fail)]
            return list(self.pending), []

        def workspace_url(self):
            return self.url

        def llm(self):
            return None

    return ScriptedRuntime()


@pytest.fixture
def app(airflow_tokens, scripted_runtime):
    from lakepilot_airflow.ui import metrics_route
    from lakepilot_airflow.ui.app import create_app
    from lakepilot_airflow.ui.runtime import get_runtime

    metrics_route.clear_cache()
    application = create_app()
    application.dependency_overrides[get_runtime] = lambda: scripted_runtime
    return application


@pytest.fixture
def anon(app):
    from fastapi.testclient import TestClient

    return TestClient(app, follow_redirects=False)


@pytest.fixture
def client(app, airflow_tokens):
    from fastapi.testclient import TestClient

    return TestClient(app, headers={"Authorization": f"Bearer {airflow_tokens.for_user()}"}, follow_redirects=False)


NOW = datetime.now(UTC).replace(microsecond=0)


def at(hours_ago: float) -> datetime:
    return NOW - timedelta(hours=hours_ago)
