"""A small client for Airflow 3's public REST API (v2), as users and tests drive it.

Plain HTTP (no Airflow import): the CLI triggers DAGs and approvals through it, and the
end-to-end tests use only it. Bearer tokens from `POST /auth/token`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from typing import Any
from urllib.parse import quote

import requests

TERMINAL_RUN_STATES = {"success", "failed"}
# One retry policy for every call (see `AirflowClient.request`): transient answers are the
# api-server's 500 "Database error" (its metadata DB busy, e.g. SQLite under load), a gateway's
# 502/503/504, and a connection dropped or timed out before an answer.
TRANSIENT_ATTEMPTS = 5
TRANSIENT_BACKOFF_S = 2.0
TRANSIENT_STATUSES = frozenset({502, 503, 504})
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})


class AirflowApiError(RuntimeError):
    """The Airflow API answered with an error; carries the status code."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status

    @property
    def busy(self) -> bool:
        """The api-server's transient 500 "Database error": its metadata DB was busy (SQLite under load)."""
        return self.status == 500 and "Database error" in str(self)

    @property
    def transient(self) -> bool:
        """An answer that says nothing about the request itself: worth asking again."""
        return self.busy or self.status in TRANSIENT_STATUSES


def is_transient(exc: BaseException) -> bool:
    """Whether a failed call may be repeated: a transient answer, or no answer at all."""
    if isinstance(exc, AirflowApiError):
        return exc.transient
    return isinstance(exc, requests.ConnectionError | requests.Timeout)


class AirflowClient:
    """Authenticated calls to one Airflow api-server."""

    def __init__(self, base_url: str, username: str, password: str, timeout: float = 90.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.username = username
        self._password = password
        self.timeout = timeout
        self._session = requests.Session()
        self._token: str | None = None

    def __repr__(self) -> str:
        return f"AirflowClient({self.base_url!r}, user={self.username!r})"

    # -- plumbing ------------------------------------------------------------------------------
    def login(self) -> str:
        response = self._session.post(
            f"{self.base_url}/auth/token",
            json={"username": self.username, "password": self._password},
            timeout=self.timeout,
        )
        if response.status_code >= 300:
            raise AirflowApiError(f"login as {self.username} failed: HTTP {response.status_code}", response.status_code)
        self._token = response.json()["access_token"]
        return self._token

    def request(
        self, method: str, path: str, *, idempotent: bool | None = None,
        landed: Callable[[], Any | None] | None = None, **kwargs: Any,
    ) -> Any:
        """One API call under the client's one retry policy; raises AirflowApiError on an error answer.

        A transient failure (`is_transient`) is retried up to TRANSIENT_ATTEMPTS times with a linear
        backoff: an idempotent call (GET/HEAD/OPTIONS/PUT/DELETE, or `idempotent=True`) is simply sent
        again; another write only when `landed` is given — it is asked first whether the write took
        effect (it returns the result, which is then returned) or not (None: the write is sent
        again). A write without `landed` raises the transient error. The caller sees the final answer.
        """
        retry = (method.upper() in IDEMPOTENT_METHODS) if idempotent is None else idempotent
        for attempt in range(TRANSIENT_ATTEMPTS):
            try:
                return self._request_once(method, path, **kwargs)
            except (AirflowApiError, requests.RequestException) as exc:
                if not is_transient(exc) or attempt == TRANSIENT_ATTEMPTS - 1 or not (retry or landed):
                    raise
            time.sleep(TRANSIENT_BACKOFF_S * (attempt + 1))
            if landed is not None and not retry:
                done = self._landed(landed)
                if done is not None:
                    return done
        raise AssertionError("unreachable")  # pragma: no cover

    def _landed(self, landed: Callable[[], Any | None]) -> Any | None:
        """`landed()`, itself retried while the api-server is transiently unable to say."""
        for attempt in range(TRANSIENT_ATTEMPTS):
            try:
                return landed()
            except (AirflowApiError, requests.RequestException) as exc:
                if not is_transient(exc) or attempt == TRANSIENT_ATTEMPTS - 1:
                    raise
            time.sleep(TRANSIENT_BACKOFF_S * (attempt + 1))
        return None  # pragma: no cover

    def _request_once(self, method: str, path: str, **kwargs: Any) -> Any:
        if self._token is None:
            self.login()
        for attempt in range(2):
            response = self._session.request(
                method,
                f"{self.base_url}{path}",
                headers={"Authorization": f"Bearer {self._token}"},
                timeout=self.timeout,
                **kwargs,
            )
            if response.status_code == 401 and attempt == 0:
                self.login()
                continue
            break
        if response.status_code >= 400:
            raise AirflowApiError(
                f"{method} {path} → HTTP {response.status_code}: {response.text[:500]}", response.status_code
            )
        return response.json() if response.content else None

    # -- DAGs and runs -------------------------------------------------------------------------
    def unpause(self, dag_id: str) -> None:
        # Idempotent (sets a flag), so a transient failure is simply retried.
        self.request("PATCH", f"/api/v2/dags/{quote(dag_id)}", json={"is_paused": False}, idempotent=True)

    def trigger(
        self, dag_id: str, conf: dict[str, Any] | None = None, run_id: str | None = None,
        run_after: datetime | None = None,
    ) -> dict[str, Any]:
        """Start a manual run. `run_after` (aware) sets the run's time, which LakePilot's health and
        report DAGs evaluate "as of" when a manual run has no data interval (default: now).

        Creating a run is not idempotent: after a transient failure, a run created with a `run_id`
        is looked up (and returned if it exists) before the request is sent again; without a
        `run_id` the transient error is raised."""
        body: dict[str, Any] = {"logical_date": None, "conf": conf or {}}
        if run_id:
            body["dag_run_id"] = run_id
        if run_after is not None:
            if run_after.tzinfo is None:
                raise ValueError(f"run_after must be timezone-aware, got {run_after.isoformat()}")
            body["run_after"] = run_after.isoformat()
        path = f"/api/v2/dags/{quote(dag_id)}/dagRuns"
        run: dict[str, Any] = self.request(
            "POST", path, json=body, landed=(lambda: self._run_or_none(dag_id, run_id)) if run_id else None)
        return run

    def _run_or_none(self, dag_id: str, run_id: str) -> dict[str, Any] | None:
        try:
            return self.dag_run(dag_id, run_id)
        except AirflowApiError as exc:
            if exc.status == 404:
                return None
            raise

    def dag_run(self, dag_id: str, run_id: str) -> dict[str, Any]:
        run: dict[str, Any] = self.request("GET", f"/api/v2/dags/{quote(dag_id)}/dagRuns/{quote(run_id)}")
        return run

    def wait_run(self, dag_id: str, run_id: str, timeout: float = 300.0, poll: float = 1.0) -> dict[str, Any]:
        """Poll until the run is success/failed; raise TimeoutError naming its last state."""
        deadline = time.monotonic() + timeout
        state = "unknown"
        while time.monotonic() < deadline:
            run = self.dag_run(dag_id, run_id)
            state = run.get("state", "unknown")
            if state in TERMINAL_RUN_STATES:
                return run
            time.sleep(poll)
        raise TimeoutError(f"{dag_id}/{run_id} still {state} after {timeout:.0f}s")

    def task_instances(self, dag_id: str, run_id: str) -> list[dict[str, Any]]:
        data = self.request("GET", f"/api/v2/dags/{quote(dag_id)}/dagRuns/{quote(run_id)}/taskInstances")
        instances: list[dict[str, Any]] = data.get("task_instances", [])
        return instances

    def task_state(self, dag_id: str, run_id: str, task_id: str, map_index: int = -1) -> str | None:
        for ti in self.task_instances(dag_id, run_id):
            if ti["task_id"] == task_id and ti.get("map_index", -1) == map_index:
                return ti.get("state")
        return None

    def xcom(self, dag_id: str, run_id: str, task_id: str, key: str = "return_value", map_index: int = -1) -> Any:
        path = (
            f"/api/v2/dags/{quote(dag_id)}/dagRuns/{quote(run_id)}/taskInstances/{quote(task_id)}"
            f"/xcomEntries/{quote(key)}"
        )
        params = {"map_index": map_index, "deserialize": True, "stringify": False}
        return self.request("GET", path, params=params).get("value")

    def clear(self, dag_id: str, run_id: str, task_ids: list[str] | None = None) -> list[dict[str, Any]]:
        """Clear every task instance of a run (or only `task_ids`) so they run again; the run is reset."""
        body: dict[str, Any] = {"dry_run": False, "dag_run_id": run_id, "only_failed": False, "reset_dag_runs": True}
        if task_ids:
            body["task_ids"] = task_ids
        data = self.request("POST", f"/api/v2/dags/{quote(dag_id)}/clearTaskInstances", json=body, idempotent=True)
        cleared: list[dict[str, Any]] = (data or {}).get("task_instances", [])
        return cleared

    def create_pool(self, name: str, slots: int, description: str = "") -> dict[str, Any] | None:
        """Create a pool unless it exists (an existing one is left as configured; None). A busy answer to the
        POST is retried only after asking whether the pool landed: at a first start the metadata DB is busiest."""
        def landed() -> dict[str, Any] | None:
            try:
                found: dict[str, Any] = self.request("GET", f"/api/v2/pools/{name}")
                return found
            except AirflowApiError as exc:
                if exc.status == 404:
                    return None
                raise

        try:
            created: dict[str, Any] = self.request("POST", "/api/v2/pools", landed=landed,
                                                   json={"name": name, "slots": slots, "description": description})
            return created
        except AirflowApiError as exc:
            if exc.status == 409:
                return None
            raise

    def import_errors(self) -> list[dict[str, Any]]:
        errors: list[dict[str, Any]] = self.request("GET", "/api/v2/importErrors").get("import_errors", [])
        return errors

    def dags(self) -> list[dict[str, Any]]:
        data = self.request("GET", "/api/v2/dags", params={"limit": 100})
        dags: list[dict[str, Any]] = data.get("dags", [])
        return dags

    # -- human in the loop ---------------------------------------------------------------------
    def pending_approvals(self, dag_id: str = "~", run_id: str = "~") -> list[dict[str, Any]]:
        data = self.request(
            "GET",
            f"/api/v2/dags/{quote(dag_id)}/dagRuns/{quote(run_id)}/hitlDetails",
            params={"response_received": "false"},
        )
        details: list[dict[str, Any]] = data.get("hitl_details", [])
        return details

    def answer(
        self,
        dag_id: str,
        run_id: str,
        task_id: str,
        options: list[str],
        params_input: dict[str, Any] | None = None,
        map_index: int = -1,
    ) -> dict[str, Any]:
        """Answer an approval task. Not idempotent (a second answer is a 409): after a transient failure
        the task's details are read, and the answer is sent again only if none was received."""
        path = (
            f"/api/v2/dags/{quote(dag_id)}/dagRuns/{quote(run_id)}/taskInstances/{quote(task_id)}"
            f"/{map_index}/hitlDetails"
        )

        def landed() -> dict[str, Any] | None:
            detail = self.request("GET", path)
            return detail if detail.get("response_received") else None

        answered: dict[str, Any] = self.request(
            "PATCH", path, json={"chosen_options": options, "params_input": params_input or {}},
            landed=landed,
        )
        return answered

    def wait_awaiting_input(
        self, dag_id: str, run_id: str, task_id: str, timeout: float = 180.0, settle: float = 3.0
    ) -> None:
        """Wait until the task awaits input, then `settle` seconds more.

        Answering within ~1 s of the task entering `awaiting_input` races the scheduler and can
        fail the task (measured on Airflow 3.3); automated approvers must wait a little.
        """
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            state = self.task_state(dag_id, run_id, task_id)
            if state == "awaiting_input":
                time.sleep(settle)
                return
            if state in {"failed", "upstream_failed", "skipped", "success"}:
                raise RuntimeError(f"{task_id} ended as {state} before awaiting input")
            time.sleep(1.0)
        raise TimeoutError(f"{task_id} in {dag_id}/{run_id} never awaited input")
