"""A small client for the emulator's control API (`/_emulator/...`), for tests and demos.

Jobs API calls belong to Airflow's `DatabricksHook`; this client only adds what Databricks has no
API for (failure behaviours, the clock, timeline flushes) plus a wait helper over `runs/get`.
"""

from __future__ import annotations

import os
import time
from typing import Any

import requests

from include.emulator.engine import DEFAULT_TOKEN, ENV_TOKEN
from include.emulator.faults import OBSERVER_HEADER

TERMINAL = {"TERMINATED", "SKIPPED", "INTERNAL_ERROR"}


class EmulatorError(RuntimeError):
    """The emulator answered with an error (Databricks shape: error_code and message)."""

    def __init__(self, status: int, error_code: str | int, message: str) -> None:
        super().__init__(f"HTTP {status} {error_code}: {message}")
        self.status = status
        self.error_code = error_code
        self.message = message


class EmulatorClient:
    """Calls to one running emulator."""

    def __init__(self, base_url: str, token: str | None = None, timeout: float = 10.0,
                 verify: str | bool = True) -> None:
        self.base_url = base_url.rstrip("/")
        self._token = token or os.environ.get(ENV_TOKEN) or DEFAULT_TOKEN
        self.timeout = timeout
        self._session = requests.Session()
        self.verify = verify  # a TLS emulator's CA file; passed per request (REQUESTS_CA_BUNDLE beats a session's)

    def __repr__(self) -> str:
        return f"EmulatorClient({self.base_url!r})"

    def request(self, method: str, path: str, json: dict[str, Any] | None = None, params: dict[str, Any] | None = None) -> dict[str, Any]:
        response = self._session.request(
            method, f"{self.base_url}{path}", json=json, params=params, timeout=self.timeout, verify=self.verify,
            headers={"Authorization": f"Bearer {self._token}", OBSERVER_HEADER: "1"},  # never fault-injected
        )
        body: dict[str, Any] = response.json()
        if response.status_code >= 400:
            raise EmulatorError(response.status_code, body.get("error_code", response.status_code), body.get("message", ""))
        return body

    def health(self) -> dict[str, Any]:
        return self.request("GET", "/_emulator/health")

    def set_behaviour(self, job_id: int | str, behaviour: str, failure_rate: float = 1.0) -> dict[str, Any]:
        """Make a job fail (or stop failing) this way from its next task attempt on."""
        return self.request("POST", f"/_emulator/jobs/{job_id}/behaviour", {"behaviour": behaviour, "failure_rate": failure_rate})

    def set_submit_behaviour(self, run_name: str, behaviour: str, failure_rate: float = 1.0) -> dict[str, Any]:
        """Make one-time runs (runs/submit) with this run_name fail this way."""
        return self.request("POST", "/_emulator/submit-behaviour",
                            {"run_name": run_name, "behaviour": behaviour, "failure_rate": failure_rate})

    def tick(self, schedule_advance_seconds: float = 0.0, flush: bool = False) -> dict[str, Any]:
        """Run the scheduler and progression now (optionally jumping the cron clock forward)."""
        return self.request("POST", "/_emulator/tick", {"schedule_advance_seconds": schedule_advance_seconds, "flush": flush})

    def flush(self) -> int:
        """Write queued timeline rows to the lakehouse now; returns how many."""
        return int(self.request("POST", "/_emulator/flush")["timeline_rows_written"])

    def jobs(self) -> list[dict[str, Any]]:
        return list(self.request("GET", "/_emulator/jobs")["jobs"])

    def set_faults(self, **config: Any) -> dict[str, Any]:
        """Inject faults (`rate`, `statuses`, `seed`, `endpoints`, `hold`, `outage_job_ids`); replaces earlier ones."""
        return self.request("POST", "/_emulator/faults", config)

    def faults(self) -> dict[str, Any]:
        """The fault configuration and what was injected so far (counters, held calls)."""
        return self.request("GET", "/_emulator/faults")

    def clear_faults(self) -> dict[str, Any]:
        """Turn every fault off and release held answers."""
        return self.request("DELETE", "/_emulator/faults")

    def outcomes(self, run_id: int) -> dict[str, Any]:
        """Why each task attempt of a run succeeded or failed (behaviour, variant, note)."""
        return self.request("GET", f"/_emulator/runs/{run_id}/outcomes")

    def get_run(self, run_id: int, include_history: bool = False) -> dict[str, Any]:
        return self.request("GET", "/api/2.2/jobs/runs/get", params={"run_id": run_id, "include_history": include_history})

    def wait_for_run(self, run_id: int, timeout: float = 60.0, poll: float = 0.1) -> dict[str, Any]:
        """Poll runs/get until the run is in a terminal state; returns the run."""
        deadline = time.monotonic() + timeout
        while True:
            run = self.get_run(run_id, include_history=True)
            if run["state"]["life_cycle_state"] in TERMINAL:
                return run
            if time.monotonic() > deadline:
                raise TimeoutError(f"run {run_id} still {run['state']['life_cycle_state']} after {timeout:.0f}s")
            time.sleep(poll)
