"""Fault injection for reliability tests: a flaky Jobs API, a held response, a lasting outage.

Set through the control API (`POST /_emulator/faults`, see docs/emulator.md); kept in memory only
(a restart clears it), so a fault never outlives the test that set it.

* `rate` + `statuses` + `seed`: that share of Jobs API calls is answered with one of the statuses
  *before* the request is processed (a gateway or rate limiter refusing it), drawn from a seeded
  generator so a test run is reproducible. `endpoints` limits it to some endpoints.
* `hold`: the next `count` calls to `endpoint` are processed and then their answer is held back for
  up to `seconds` (or until the faults are cleared), with the caller's address recorded: the window
  in which a test can kill the client after the call took effect and before it learnt so.
* `outage_job_ids`: runs of these jobs fail on every attempt, repairs included (a failure that
  outlasts the retries), instead of only on the first for transient behaviours.

Calls with the header `X-Emulator-Observer: 1` (what `EmulatorClient` sends: a test looking on) are
neither refused nor held, so a test can watch the truth while the product sees the faults.
"""

from __future__ import annotations

import asyncio
import random
import threading
import time
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from include.emulator.errors import invalid

OBSERVER_HEADER = "X-Emulator-Observer"  # calls carrying `1` (a test looking on) are never faulted
ERROR_CODES = {429: "REQUEST_LIMIT_EXCEEDED", 500: "INTERNAL_ERROR", 502: "BAD_GATEWAY",
               503: "TEMPORARILY_UNAVAILABLE", 504: "DEADLINE_EXCEEDED"}
MAX_HOLD_S = 600.0


def _endpoint(path: str) -> str:
    """`2.2/jobs/runs/get` or `jobs/runs/get` -> `jobs/runs/get`."""
    head, _, rest = path.strip("/").partition("/")
    return rest if head[:1].isdigit() else path.strip("/")


class HoldRule(BaseModel):
    """Process the next `count` calls to `endpoint`, then hold their answers back."""

    model_config = ConfigDict(extra="forbid")

    endpoint: str = Field(min_length=1, max_length=100)
    seconds: float = Field(default=120.0, gt=0, le=MAX_HOLD_S)
    count: int = Field(default=1, ge=1, le=100)


class FaultConfig(BaseModel):
    """What to inject (all off by default)."""

    model_config = ConfigDict(extra="forbid")

    rate: float = Field(default=0.0, ge=0.0, le=1.0)
    statuses: list[int] = Field(default_factory=lambda: [429, 500], min_length=1, max_length=10)
    seed: int = 0
    endpoints: list[str] = Field(default_factory=list, max_length=50)
    hold: HoldRule | None = None
    outage_job_ids: list[int] = Field(default_factory=list, max_length=1000)

    @field_validator("statuses")
    @classmethod
    def _error_statuses(cls, value: list[int]) -> list[int]:
        bad = [s for s in value if not 400 <= int(s) <= 599]
        if bad:
            raise ValueError(f"must be HTTP error statuses (400-599), not {bad}")
        return value

    @field_validator("endpoints")
    @classmethod
    def _plain_endpoints(cls, value: list[str]) -> list[str]:
        return [_endpoint(v) for v in value]


class HeldCall(BaseModel):
    """A call whose answer is being held back."""

    endpoint: str
    method: str
    peer_host: str | None
    peer_port: int | None
    since: float


class FaultInjector:
    """Thread-safe fault state of one emulator; counters say what was injected."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._release = threading.Event()
        self.clear()

    def clear(self) -> dict[str, Any]:
        """Turn every fault off, release held answers, reset the counters."""
        with self._lock:
            self.config = FaultConfig()
            self._rng = random.Random(0)  # noqa: S311 - reproducible test faults, not security
            self._holds_left = 0
            self.calls = 0
            self.injected = 0
            self.by_status: dict[str, int] = {}
            self.by_endpoint: dict[str, int] = {}
            self.held: list[HeldCall] = []
            self.released = 0
            self._release.set()
        return self.status()

    def configure(self, values: dict[str, Any]) -> dict[str, Any]:
        """Replace the configuration (counters restart); a bad value is a 400 naming the field."""
        try:
            config = FaultConfig.model_validate(values)
        except ValidationError as exc:
            first = exc.errors()[0]
            field = ".".join(str(p) for p in first["loc"]) or "faults"
            raise invalid(f"Invalid value for {field}: {first['msg']}") from None
        self.clear()
        with self._lock:
            self.config = config
            self._rng = random.Random(config.seed)  # noqa: S311 - reproducible test faults
            self._holds_left = config.hold.count if config.hold else 0
            self._release = threading.Event()
        return self.status()

    def status(self) -> dict[str, Any]:
        return {
            "config": self.config.model_dump(),
            "calls": self.calls,
            "injected": self.injected,
            "by_status": dict(self.by_status),
            "by_endpoint": dict(self.by_endpoint),
            "held": [h.model_dump() for h in self.held],
            "holds_left": self._holds_left,
        }

    # -- the Jobs API side --------------------------------------------------------------------------
    def inject(self, path: str) -> tuple[int, dict[str, Any]] | None:
        """An error answer for this call instead of processing it, or None to process it."""
        endpoint = _endpoint(path)
        with self._lock:
            self.calls += 1
            c = self.config
            if c.rate <= 0 or (c.endpoints and endpoint not in c.endpoints):
                return None
            if self._rng.random() >= c.rate:
                return None
            status = c.statuses[self._rng.randrange(len(c.statuses))]
            self.injected += 1
            self.by_status[str(status)] = self.by_status.get(str(status), 0) + 1
            self.by_endpoint[endpoint] = self.by_endpoint.get(endpoint, 0) + 1
        code = ERROR_CODES.get(status, "INTERNAL_ERROR" if status >= 500 else "INVALID_STATE")
        return status, {"error_code": code, "message": f"Injected fault: HTTP {status} (emulator fault injection)."}

    def _take_hold(self, method: str, path: str, peer: tuple[str, int] | None) -> tuple[HeldCall, threading.Event, float] | None:
        with self._lock:
            rule = self.config.hold
            if rule is None or self._holds_left <= 0 or _endpoint(path) != _endpoint(rule.endpoint):
                return None
            self._holds_left -= 1
            call = HeldCall(endpoint=_endpoint(path), method=method, peer_host=peer[0] if peer else None,
                            peer_port=int(peer[1]) if peer else None, since=time.time())
            self.held.append(call)
            return call, self._release, rule.seconds

    async def hold(self, method: str, path: str, peer: tuple[str, int] | None) -> None:
        """After a processed call: wait while a hold rule covers it (until released or timed out)."""
        taken = self._take_hold(method, path, peer)
        if taken is None:
            return
        call, release, seconds = taken
        deadline = time.monotonic() + seconds
        while not release.is_set() and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        with self._lock:
            if call in self.held:
                self.held.remove(call)
            self.released += 1

    # -- the engine side ----------------------------------------------------------------------------
    def in_outage(self, job_id: int | None) -> bool:
        """Whether every attempt of this job's runs fails (repairs too)."""
        return job_id is not None and int(job_id) in set(self.config.outage_job_ids)
