"""The Jobs API calls remediation makes, over Airflow's `DatabricksHook` (duck-typed, no Airflow import).

`JobsApi` is what acting, outcome tracking and the decide step need. `HookJobsApi` implements it
on a `DatabricksHook` (auth, retries and URLs stay the hook's): public hook methods where the hook
has one (`get_run_output`, `update_job`, `repair_run`, `get_latest_repair_id`), and the hook's own
request path (`_do_api_call`) for the two calls it lacks - `runs/get` with `include_history`
(the attempt number) and `jobs/get` (the owner, the settings to change). Both page (API 2.2 returns
at most 100 tasks / clusters / repairs per page) and the pages are merged here.
"""

from __future__ import annotations

from typing import Any, Protocol

RUNS_GET = ("GET", "2.2/jobs/runs/get")
JOBS_GET = ("GET", "2.2/jobs/get")
RUN_PAGED = ("tasks", "job_clusters", "job_parameters", "repair_history", "iterations")
JOB_PAGED = ("tasks", "job_clusters", "parameters", "environments")
MAX_PAGES = 50


class JobsApiError(RuntimeError):
    """A Jobs API call failed; `status` is the HTTP status when one was received."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class JobsApi(Protocol):
    """The Jobs API surface remediation uses."""

    def get_run(self, run_id: int) -> dict[str, Any]:
        """`runs/get` with `include_history=true`, all pages merged."""
        ...

    def get_run_output(self, task_run_id: int) -> dict[str, Any]: ...

    def get_job(self, job_id: int) -> dict[str, Any]:
        """`jobs/get`, all pages merged."""
        ...

    def update_job(self, job_id: int, new_settings: dict[str, Any]) -> None: ...

    def get_latest_repair_id(self, run_id: int) -> int | None: ...

    def repair_run(self, body: dict[str, Any]) -> int: ...


def _merge_pages(first: dict[str, Any], fetch_page: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    merged = dict(first)
    token = merged.pop("next_page_token", None)
    merged.pop("prev_page_token", None)
    pages = 1
    while token:
        if pages >= MAX_PAGES:
            raise JobsApiError(f"more than {MAX_PAGES} pages; refusing to read further")
        page = fetch_page(token)
        for name in fields:
            if page.get(name):
                merged[name] = list(merged.get(name) or []) + list(page[name])
        token = page.get("next_page_token")
        pages += 1
    return merged


def _status_of(exc: BaseException) -> int | None:
    status = getattr(exc, "http_status_code", None) or getattr(exc, "status", None)
    return int(status) if isinstance(status, int) else None


class HookJobsApi:
    """`JobsApi` over a `DatabricksHook` (or anything with the same methods)."""

    def __init__(self, hook: Any) -> None:
        self.hook = hook

    def __repr__(self) -> str:
        return f"HookJobsApi({getattr(self.hook, 'databricks_conn_id', '?')!r})"

    def _call(self, what: str, fn: Any, *args: Any) -> Any:
        try:
            return fn(*args)
        except JobsApiError:
            raise
        except Exception as exc:  # the hook raises AirflowException / DatabricksApiError
            raise JobsApiError(f"{what}: {exc}", _status_of(exc)) from exc

    def get_run(self, run_id: int) -> dict[str, Any]:
        body = {"run_id": int(run_id), "include_history": "true"}
        call = self.hook._do_api_call  # noqa: SLF001 - the hook has no runs/get with history
        first = self._call(f"runs/get {run_id}", call, RUNS_GET, body)
        return _merge_pages(
            first, lambda token: self._call(f"runs/get {run_id}", call, RUNS_GET, {**body, "page_token": token}),
            RUN_PAGED,
        )

    def get_run_output(self, task_run_id: int) -> dict[str, Any]:
        return dict(self._call(f"runs/get-output {task_run_id}", self.hook.get_run_output, int(task_run_id)))

    def get_job(self, job_id: int) -> dict[str, Any]:
        body = {"job_id": int(job_id)}
        call = self.hook._do_api_call  # noqa: SLF001 - the hook has no jobs/get
        job = dict(self._call(f"jobs/get {job_id}", call, JOBS_GET, body))
        token = job.pop("next_page_token", None)
        settings = dict(job.get("settings") or {})
        pages = 1
        while token:  # 2.2 pages the arrays under `settings`
            if pages >= MAX_PAGES:
                raise JobsApiError(f"jobs/get {job_id}: more than {MAX_PAGES} pages")
            page = self._call(f"jobs/get {job_id}", call, JOBS_GET, {**body, "page_token": token})
            for name in JOB_PAGED:
                extra = (page.get("settings") or {}).get(name)
                if extra:
                    settings[name] = list(settings.get(name) or []) + list(extra)
            token = page.get("next_page_token")
            pages += 1
        job["settings"] = settings
        return job

    def update_job(self, job_id: int, new_settings: dict[str, Any]) -> None:
        self._call(f"jobs/update {job_id}", self.hook.update_job, str(job_id), new_settings)

    def get_latest_repair_id(self, run_id: int) -> int | None:
        repair_id: int | None = self._call(f"latest repair id of {run_id}", self.hook.get_latest_repair_id,
                                           int(run_id))
        return repair_id

    def repair_run(self, body: dict[str, Any]) -> int:
        return int(self._call(f"runs/repair {body.get('run_id')}", self.hook.repair_run, body))
