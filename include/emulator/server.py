"""The emulator's HTTP server: Starlette on uvicorn, in-process (tests, `lakepilot up`) or blocking (CLI).

Serves the Jobs API, the SQL Statement Execution API and SQL warehouses (include/emulator/sql_api.py),
and the OAuth M2M token endpoint (include/emulator/oauth.py), over HTTP or TLS (include/emulator/tls.py).

Auth: `Authorization: Bearer <token>` or Basic with the token as password (any user name), token
from `LAKEPILOT_EMULATOR_TOKEN` (default `dapi-lakepilot-local`), or a Bearer token the service
principal got from `/oidc/v1/token` (`LAKEPILOT_EMULATOR_CLIENT_ID` / `_SECRET`, defaults
`lakepilot-local-sp` / `lakepilot-local-sp-secret`). GET parameters come from the query
string or, as the async hook sends them, a JSON body. Every answer is JSON; bad input gets
Databricks' `{"error_code", "message"}` with its status code, never a 500.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hmac
import json
import logging
import os
import signal
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import uvicorn
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from include.config import lakehouse_root, state_dir
from include.emulator import control_api, sql_api
from include.emulator.engine import DEFAULT_TOKEN, ENV_TOKEN, EmulatorConfig
from include.emulator.errors import ApiError, endpoint_not_found, invalid_token, malformed, unauthenticated
from include.emulator.faults import OBSERVER_HEADER
from include.emulator.jobs_api import job_permissions, resolve
from include.emulator.oauth import (
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    ENV_CLIENT_ID,
    ENV_CLIENT_SECRET,
    OAuthError,
    TokenIssuer,
)
from include.emulator.params import Params, to_int
from include.emulator.service import Emulator
from include.emulator.sql_api import SqlService

if TYPE_CHECKING:
    from include.emulator.tls import TlsFiles

log = logging.getLogger(__name__)
_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]


def default_config(lakehouse: str | Path | None = None, **overrides: Any) -> EmulatorConfig:
    """Config from the environment: lakehouse root, `<state>/emulator/state.db`, token."""
    values: dict[str, Any] = {
        "lakehouse": lakehouse_root(lakehouse),
        "state_path": state_dir() / "emulator" / "state.db",
        "token": os.environ.get(ENV_TOKEN) or DEFAULT_TOKEN,
        "client_id": os.environ.get(ENV_CLIENT_ID) or DEFAULT_CLIENT_ID,
        "client_secret": os.environ.get(ENV_CLIENT_SECRET) or DEFAULT_CLIENT_SECRET,
    }
    values.update({k: v for k, v in overrides.items() if v is not None})
    return EmulatorConfig(**values)


def _check_auth(request: Request, token: str, issuer: TokenIssuer | None = None) -> None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value:
        given = value.strip()
    elif scheme.lower() == "basic" and value:
        try:
            given = base64.b64decode(value.strip(), validate=True).decode("utf-8").partition(":")[2]
        except (binascii.Error, UnicodeDecodeError):
            raise unauthenticated() from None
    else:
        raise unauthenticated()
    if hmac.compare_digest(given.encode(), token.encode()):
        return
    if issuer is None or not (scheme.lower() == "bearer" and issuer.valid(given)):
        raise invalid_token()


async def _params(request: Request) -> Params:
    values: dict[str, Any] = dict(request.query_params)
    raw = await request.body()
    if raw.strip():
        try:
            body = json.loads(raw)
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise malformed("failed to parse given JSON") from None
        if not isinstance(body, dict):
            raise malformed("expected a map")
        for key, value in body.items():
            values.setdefault(key, value)  # the query string wins, the body fills in (async hook GETs)
    return Params(values)


def _error(exc: ApiError) -> JSONResponse:
    return JSONResponse(exc.body(), status_code=exc.status)


def build_app(emulator: Emulator, sql: SqlService | None = None, issuer: TokenIssuer | None = None) -> Starlette:
    """The ASGI app serving the Jobs API, the SQL APIs, OAuth and the control API of `emulator`."""
    sql = sql or SqlService(emulator.config.lakehouse, chunk_rows=emulator.config.sql_chunk_rows)
    issuer = issuer or TokenIssuer(emulator.config.client_id, emulator.config.client_secret)

    async def api(request: Request) -> JSONResponse:
        path = request.path_params["path"].strip("/")
        try:
            _check_auth(request, emulator.config.token, issuer)
            version, _, endpoint = path.partition("/")
            params = await _params(request)
            if version == "2.0" and endpoint.startswith("sql/"):
                body = await run_in_threadpool(sql_api.handle, sql, request.method, endpoint, params)
                return JSONResponse(body)
            if version == "2.0" and endpoint.startswith("permissions/jobs/"):
                job_id = to_int("job_id", endpoint.rsplit("/", 1)[-1])
                body = await run_in_threadpool(job_permissions, emulator, job_id, params, request.method)
                return JSONResponse(body)
            handler = resolve(request.method, version, endpoint)
            if handler is None:
                raise endpoint_not_found(request.method, f"/{path}")
            # Test-only faults (off by default); a test's own observer calls are never faulted.
            observer = request.headers.get(OBSERVER_HEADER) == "1"
            if not observer and (fault := emulator.faults.inject(endpoint)) is not None:
                return JSONResponse(fault[1], status_code=fault[0])
            body = await run_in_threadpool(handler, emulator, params, version)
            if not observer:
                peer = (request.client.host, request.client.port) if request.client else None
                await emulator.faults.hold(request.method, endpoint, peer)
            return JSONResponse(body)
        except ApiError as exc:
            return _error(exc)

    async def token(request: Request) -> JSONResponse:
        try:
            body = issuer.issue(await request.body(), request.headers.get("authorization", ""))
        except OAuthError as exc:
            return JSONResponse(exc.body, status_code=exc.status)
        return JSONResponse(body)

    async def control(request: Request) -> JSONResponse:
        path = request.path_params["path"].strip("/")
        try:
            if not (request.method == "GET" and path == "health"):
                _check_auth(request, emulator.config.token)
            params = await _params(request)
            return JSONResponse(await run_in_threadpool(control_api.handle, emulator, request.method, path, params))
        except ApiError as exc:
            return _error(exc)

    async def root(request: Request) -> JSONResponse:
        return JSONResponse({"service": "LakePilot local Databricks workspace emulator",
                             "api": ["/api/2.2/jobs/...", "/api/2.0/sql/statements", "/api/2.0/sql/warehouses"],
                             "oauth": "/oidc/v1/token",
                             "control": "/_emulator/health", "docs": "docs/emulator.md"})

    async def not_found(request: Request, exc: Exception) -> JSONResponse:
        return _error(endpoint_not_found(request.method, request.url.path))

    async def server_error(request: Request, exc: Exception) -> JSONResponse:
        log.exception("emulator error on %s %s", request.method, request.url.path, exc_info=exc)
        return JSONResponse({"error_code": "INTERNAL_ERROR", "message": f"{type(exc).__name__}: {exc}"}, status_code=500)

    return Starlette(
        routes=[Route("/api/{path:path}", api, methods=_METHODS), Route("/_emulator/{path:path}", control, methods=_METHODS),
                Route("/oidc/v1/token", token, methods=["POST"]), Route("/", root, methods=["GET"])],
        exception_handlers={404: not_found, 405: not_found, 500: server_error, Exception: server_error},
    )


class _Server(uvicorn.Server):
    """uvicorn, except that SIGINT/SIGTERM only stop serving (uvicorn re-raises them after shutdown,
    and a re-raised SIGTERM would end the process before the timelines are flushed)."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        previous = {sig: signal.signal(sig, self.handle_exit) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)


def _bind(host: str, port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise OSError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


class EmulatorServer:
    """One emulator listening on `host:port` (port 0 = any free port)."""

    def __init__(self, config: EmulatorConfig, host: str = "127.0.0.1", port: int = 0, tls: TlsFiles | None = None) -> None:
        self.config = config
        self.host = host
        self.tls = tls
        self._sock = _bind(host, port)
        self.port = int(self._sock.getsockname()[1])
        shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host  # noqa: S104 - only a display name
        config.base_url = f"{'https' if tls else 'http'}://{shown}:{self.port}"
        self.emulator = Emulator.open(config)
        self.sql = SqlService(config.lakehouse, chunk_rows=config.sql_chunk_rows)
        self.issuer = TokenIssuer(config.client_id, config.client_secret)
        self._server = _Server(uvicorn.Config(build_app(self.emulator, self.sql, self.issuer), log_level="warning",
                                              access_log=False, lifespan="off", timeout_graceful_shutdown=5,
                                              ssl_certfile=str(tls.cert) if tls else None,
                                              ssl_keyfile=str(tls.key) if tls else None))
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return self.config.base_url

    def start(self, timeout: float = 30.0) -> int:
        """Serve in a background thread; returns the bound port once it accepts requests."""
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [self._sock]},
                                        name="emulator-http", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the emulator did not start on {self.host}:{self.port}")
            time.sleep(0.02)
        return self.port

    def serve_forever(self, on_ready: Callable[[int], None] | None = None) -> None:
        """Serve in this (main) thread until SIGINT/SIGTERM, then flush timelines and stop."""
        if on_ready is not None:
            watcher = threading.Thread(target=self._announce, args=(on_ready,), daemon=True)
            watcher.start()
        try:
            self._server.run(sockets=[self._sock])
        finally:
            self.sql.close()
            self.emulator.close()
            self._sock.close()

    def _announce(self, on_ready: Callable[[int], None]) -> None:
        while not self._server.started and not self._server.should_exit:
            time.sleep(0.02)
        if self._server.started:
            on_ready(self.port)

    def stop(self) -> None:
        """Stop serving, flush timelines, close the state file."""
        self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=15)
        self.sql.close()
        self.emulator.close()
        self._sock.close()

    def __enter__(self) -> EmulatorServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start_emulator(lakehouse: str | Path | None = None, *, host: str = "127.0.0.1", port: int = 0,
                   tls: TlsFiles | None = None, **overrides: Any) -> EmulatorServer:
    """Start an emulator in this process (background thread); `server.port` is the bound port."""
    server = EmulatorServer(default_config(lakehouse, **overrides), host=host, port=port, tls=tls)
    server.start()
    return server
