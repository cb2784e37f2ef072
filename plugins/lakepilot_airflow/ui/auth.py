"""Who may see LakePilot's pages: exactly who may use the Airflow UI.

Every page and API route depends on Airflow's own `get_user` (Bearer JWT, or the UI's `_token`
cookie, so pages opened from the Airflow UI are signed in). Pages send an anonymous visitor to
Airflow's login page; the JSON API answers 401. `/metrics` also accepts a static scrape token
(`LAKEPILOT_METRICS_TOKEN`), because Prometheus cannot log in to get an expiring JWT.
"""

from __future__ import annotations

import hmac
import os
from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

ENV_METRICS_TOKEN = "LAKEPILOT_METRICS_TOKEN"  # noqa: S105 - the variable's name, not a secret
SCRAPER = "metrics-scraper"

_bearer = HTTPBearer(auto_error=False, description="An Airflow JWT from POST /auth/token (or the UI's _token cookie).")


BearerDep = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]


class LoginRequired(Exception):
    """A page was asked for without a valid Airflow session."""

    def __init__(self, next_url: str) -> None:
        super().__init__(next_url)
        self.next_url = next_url


async def _airflow_user(request: Request, bearer: HTTPAuthorizationCredentials | None) -> Any:
    from airflow.api_fastapi.core_api.security import get_user

    return await get_user(request, None, bearer)


async def api_user(request: Request, bearer: BearerDep) -> Any:
    """The signed-in Airflow user, or 401/403 exactly as Airflow's own API answers."""
    return await _airflow_user(request, bearer)


async def page_user(request: Request, bearer: BearerDep) -> Any:
    """The signed-in Airflow user; anonymous or expired sessions are sent to Airflow's login."""
    try:
        return await _airflow_user(request, bearer)
    except HTTPException as exc:
        if exc.status_code in (status.HTTP_401_UNAUTHORIZED, status.HTTP_403_FORBIDDEN):
            raise LoginRequired(str(request.url)) from exc
        raise


async def metrics_client(request: Request, bearer: BearerDep) -> Any:
    """The static scrape token, or any signed-in Airflow user."""
    expected = os.environ.get(ENV_METRICS_TOKEN, "")
    if expected and bearer is not None and hmac.compare_digest(bearer.credentials.encode(), expected.encode()):
        return SCRAPER
    return await _airflow_user(request, bearer)


def login_url(next_url: str) -> str:
    """Airflow's login page, returning to `next_url` afterwards."""
    from airflow.api_fastapi.app import get_auth_manager

    return get_auth_manager().get_url_login(next_url=next_url)


def user_name(user: Any) -> str:
    """A display name for the Airflow user (or the scraper)."""
    if isinstance(user, str):
        return user
    for attr in ("get_name", "get_id"):
        getter = getattr(user, attr, None)
        if callable(getter):
            value = getter()
            if value:
                return str(value)
    return "unknown"


def same_origin(request: Request) -> None:
    """Refuse a cookie-authenticated POST that does not come from this site (CSRF defence in depth).

    Airflow's `_token` cookie is SameSite=Lax, so browsers already withhold it from cross-site
    POSTs; on top of that a cookie-authenticated POST must carry an Origin (or Referer) naming
    this host. Requests with an explicit Bearer token cannot be forged by another site.
    """
    if request.headers.get("authorization", "").lower().startswith("bearer "):
        return
    source = request.headers.get("origin") or request.headers.get("referer") or ""
    if not source or source == "null" or urlsplit(source).netloc != request.headers.get("host", request.url.netloc):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "cross-site or origin-less form post refused")
