"""The FastAPI app Airflow's api-server mounts at `/lakepilot`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles

from lakepilot_airflow.ui import api, metrics_route, pages
from lakepilot_airflow.ui.auth import LoginRequired, api_user, login_url

STATIC = Path(__file__).resolve().parent / "static"
URL_PREFIX = "/lakepilot"


def create_app() -> FastAPI:
    """LakePilot's pages, JSON API, metrics and (authenticated) OpenAPI schema."""
    app = FastAPI(
        title="LakePilot",
        summary="Health findings, daily reports, remediation ledger, approvals and the ask box of LakePilot.",
        version="1",
        # Airflow's own docs pages load Swagger from a CDN; ours stay offline and behind login.
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
    )
    app.include_router(pages.router)
    app.include_router(api.router)
    app.include_router(metrics_route.router)
    # Stylesheet only: no data, and the login page it may be needed around is Airflow's.
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/openapi.json", include_in_schema=False, dependencies=[Depends(api_user)])
    def openapi() -> JSONResponse:
        return JSONResponse(app.openapi())

    @app.exception_handler(LoginRequired)
    async def to_login(request: Request, exc: LoginRequired) -> Any:
        return RedirectResponse(login_url(exc.next_url), status_code=303)

    return app
