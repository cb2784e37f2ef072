"""Bad requests get Databricks' error shape and status, never a 500; auth works like a workspace's."""

from __future__ import annotations

import base64

import pytest
import requests

from include.emulator.engine import DEFAULT_TOKEN
from tests.include.emulator.conftest import JOB_IDS, connection

BEARER = {"Authorization": f"Bearer {DEFAULT_TOKEN}"}


def _call(emulator, method: str, path: str, headers: dict | None = None, **kwargs) -> requests.Response:
    return requests.request(method, f"{emulator.url}{path}", headers=BEARER if headers is None else headers, timeout=10, **kwargs)


@pytest.mark.parametrize(
    ("method", "path", "kwargs", "status", "code", "message"),
    [
        ("GET", "/api/2.2/jobs/runs/get", {"params": {"run_id": 42}}, 400, "INVALID_PARAMETER_VALUE", "Run 42 does not exist."),
        ("GET", "/api/2.2/jobs/runs/get", {}, 400, "INVALID_PARAMETER_VALUE", "Missing required field: run_id"),
        ("GET", "/api/2.2/jobs/runs/get", {"params": {"run_id": "abc"}}, 400, "INVALID_PARAMETER_VALUE", "'abc' is not an integer"),
        ("GET", "/api/2.2/jobs/runs/get", {"params": {"run_id": 1, "include_history": "maybe"}}, 400, "INVALID_PARAMETER_VALUE", "not a boolean"),
        ("GET", "/api/2.2/jobs/runs/get-output", {"params": {"run_id": 7}}, 400, "INVALID_PARAMETER_VALUE", "Run 7 does not exist."),
        ("POST", "/api/2.2/jobs/run-now", {"json": {}}, 400, "INVALID_PARAMETER_VALUE", "Missing required field: job_id"),
        ("POST", "/api/2.2/jobs/run-now", {"json": {"job_id": 999}}, 400, "INVALID_PARAMETER_VALUE", "Job 999 does not exist."),
        ("POST", "/api/2.2/jobs/run-now", {"json": {"job_id": True}}, 400, "INVALID_PARAMETER_VALUE", "is not an integer"),
        ("POST", "/api/2.2/jobs/run-now", {"json": {"job_id": 201, "job_parameters": [1]}}, 400, "INVALID_PARAMETER_VALUE", "job_parameters"),
        ("POST", "/api/2.2/jobs/run-now", {"json": {"job_id": 201, "idempotency_token": "x" * 65}}, 400, "INVALID_PARAMETER_VALUE", "at most 64"),
        ("POST", "/api/2.2/jobs/run-now", {"data": b"{not json"}, 400, "MALFORMED_REQUEST", "failed to parse given JSON"),
        ("POST", "/api/2.2/jobs/run-now", {"data": b"[1, 2]"}, 400, "MALFORMED_REQUEST", "expected a map"),
        ("POST", "/api/2.2/jobs/run-now", {"data": b"\xff\xfe"}, 400, "MALFORMED_REQUEST", "Invalid JSON"),
        ("POST", "/api/2.2/jobs/runs/submit", {"json": {"run_name": "x", "notebook_task": {"notebook_path": "/x"}}}, 400,
         "INVALID_PARAMETER_VALUE", "One of job_cluster_key, new_cluster, or existing_cluster_id must be specified."),
        ("POST", "/api/2.2/jobs/runs/submit", {"json": {"run_name": "x"}}, 400, "INVALID_PARAMETER_VALUE", "Run settings must be specified"),
        ("POST", "/api/2.2/jobs/runs/submit", {"json": {"tasks": [{"task_key": "a", "existing_cluster_id": "c"},
                                                                   {"task_key": "a", "existing_cluster_id": "c"}]}},
         400, "INVALID_PARAMETER_VALUE", "Task key a is not unique."),
        ("POST", "/api/2.2/jobs/create", {"json": {"tasks": [
            {"task_key": "a", "existing_cluster_id": "c", "depends_on": [{"task_key": "b"}]},
            {"task_key": "b", "existing_cluster_id": "c", "depends_on": [{"task_key": "a"}]}]}},
         400, "INVALID_PARAMETER_VALUE", "cycle"),
        ("POST", "/api/2.2/jobs/reset", {"json": {"job_id": 201}}, 400, "INVALID_PARAMETER_VALUE", "Missing required field: new_settings"),
        ("POST", "/api/2.2/jobs/update", {"json": {"job_id": 201, "new_settings": "x"}}, 400, "INVALID_PARAMETER_VALUE", "expected an object"),
        ("POST", "/api/2.2/jobs/runs/repair", {"json": {"run_id": 5, "rerun_all_failed_tasks": True}}, 400,
         "INVALID_PARAMETER_VALUE", "Run 5 does not exist."),
        ("POST", "/api/2.2/jobs/runs/repair", {"json": {"run_id": 5}}, 400, "INVALID_PARAMETER_VALUE", "Either rerun_tasks"),
        ("POST", "/api/2.2/jobs/runs/repair", {"json": {"run_id": 5, "rerun_tasks": ["a", "a"]}}, 400,
         "INVALID_PARAMETER_VALUE", "rerun_tasks cannot contain duplicate task keys."),
        ("POST", "/api/2.2/jobs/runs/cancel-all", {"json": {}}, 400, "INVALID_PARAMETER_VALUE", "Either job_id or all_queued_runs"),
        ("GET", "/api/2.2/jobs/list", {"params": {"limit": 500}}, 400, "INVALID_PARAMETER_VALUE", "between 1 and 100"),
        ("GET", "/api/2.2/jobs/list", {"params": {"page_token": "zzz"}}, 400, "INVALID_PARAMETER_VALUE", "Invalid page_token"),
        ("GET", "/api/2.2/jobs/runs/list", {"params": {"active_only": "true", "completed_only": "true"}}, 400,
         "INVALID_PARAMETER_VALUE", "cannot both be true"),
        ("GET", "/api/2.1/clusters/get", {"params": {"cluster_id": "nope"}}, 400, "INVALID_PARAMETER_VALUE", "Cluster nope does not exist"),
        ("GET", "/api/2.2/jobs/nope", {}, 404, "ENDPOINT_NOT_FOUND", "No API found for 'GET /2.2/jobs/nope'"),
        ("GET", "/api/2.2/jobs/run-now", {}, 404, "ENDPOINT_NOT_FOUND", "No API found"),
        ("POST", "/api/2.0/jobs/run-now", {"json": {"job_id": 201}}, 404, "ENDPOINT_NOT_FOUND", "No API found"),
        ("GET", "/nothing/here", {}, 404, "ENDPOINT_NOT_FOUND", "No API found"),
        ("POST", "/_emulator/jobs/201/behaviour", {"json": {"behaviour": "gremlins"}}, 400, "INVALID_PARAMETER_VALUE", "Unknown failure behaviour"),
        ("POST", "/_emulator/jobs/201/behaviour", {"json": {"behaviour": "oom", "failure_rate": "lots"}}, 400,
         "INVALID_PARAMETER_VALUE", "failure_rate"),
    ],
)
def test_bad_requests_get_databricks_errors(emulator, method, path, kwargs, status, code, message) -> None:
    response = _call(emulator, method, path, **kwargs)
    body = response.json()
    assert response.status_code == status, body
    assert body["error_code"] == code and message in body["message"]
    assert set(body) == {"error_code", "message"}


def test_auth_bearer_basic_and_rejections(emulator) -> None:
    path = "/api/2.2/jobs/list"
    assert _call(emulator, "GET", path).status_code == 200
    basic = base64.b64encode(f"token:{DEFAULT_TOKEN}".encode()).decode()
    assert _call(emulator, "GET", path, headers={"Authorization": f"Basic {basic}"}).status_code == 200
    missing = _call(emulator, "GET", path, headers={})
    assert missing.status_code == 401 and missing.json()["message"].startswith("Credential was not sent")
    wrong = _call(emulator, "GET", path, headers={"Authorization": "Bearer dapi-wrong"})
    assert wrong.status_code == 403 and wrong.json() == {"error_code": 403, "message": "Invalid access token."}
    garbage = _call(emulator, "GET", path, headers={"Authorization": "Basic !!!"})
    assert garbage.status_code == 401
    assert _call(emulator, "POST", "/_emulator/tick", headers={}).status_code == 401  # control API needs the token too
    assert _call(emulator, "GET", "/_emulator/health", headers={}).json()["status"] == "ok"  # except health


def test_hook_sees_client_errors_without_retrying(emulator, monkeypatch) -> None:
    from airflow.providers.databricks.hooks.databricks import DatabricksHook
    from airflow.providers.databricks.hooks.databricks_base import DatabricksApiError

    monkeypatch.setenv("AIRFLOW_CONN_DATABRICKS_DEFAULT", connection(emulator.port, token="dapi-wrong"))
    with pytest.raises(DatabricksApiError, match="Status Code: 403"):
        DatabricksHook(retry_limit=3, retry_delay=5).list_jobs()  # a retry would take > 5 s; the 4xx is final
    monkeypatch.setenv("AIRFLOW_CONN_DATABRICKS_DEFAULT", connection(emulator.port, login="token"))
    hook = DatabricksHook(retry_limit=1)  # login + password: the hook uses the password as a PAT
    assert hook.find_job_id_by_name("ok_job") == JOB_IDS["ok"]
    with pytest.raises(DatabricksApiError, match="Run 12345 does not exist"):
        hook.get_run(12345)


def test_every_answer_is_json(emulator) -> None:
    run_id = _call(emulator, "POST", "/api/2.2/jobs/run-now", json={"job_id": JOB_IDS["ok"]}).json()["run_id"]
    for method, path, body in [("POST", "/api/2.2/jobs/runs/cancel", {"run_id": run_id}),
                               ("POST", "/api/2.2/jobs/update", {"job_id": JOB_IDS["ok"], "new_settings": {}}),
                               ("POST", "/api/2.2/jobs/runs/cancel-all", {"job_id": JOB_IDS["ok"]}),
                               ("GET", "/", None)]:
        response = _call(emulator, method, path, json=body)
        assert response.status_code == 200 and response.headers["content-type"] == "application/json"
        assert isinstance(response.json(), dict)
    assert _call(emulator, "POST", "/api/2.2/jobs/runs/cancel", json={"run_id": run_id}).json() == {}


GARBAGE = ["", "abc", "-1", "99999999999999999999999", "1.5", None, [], {"a": [1]}, 1e300, "x" * 5000]
PARAMS = ["job_id", "run_id", "limit", "offset", "page_token", "include_history", "new_settings", "tasks", "job_parameters",
          "rerun_tasks", "latest_repair_id", "idempotency_token", "cluster_id", "fields_to_remove", "job_clusters",
          "notebook_task", "behaviour", "failure_rate", "schedule_advance_seconds"]


def test_no_garbage_input_causes_a_server_error(emulator) -> None:
    from include.emulator.jobs_api import CLUSTER_ENDPOINTS, JOBS_ENDPOINTS

    routes = [(m, f"/api/2.2/{e}") for m, e in JOBS_ENDPOINTS] + [(m, f"/api/2.1/{e}") for m, e in CLUSTER_ENDPOINTS]
    routes += [("POST", "/_emulator/tick"), ("POST", "/_emulator/jobs/201/behaviour"), ("POST", "/_emulator/submit-behaviour"),
               ("GET", "/_emulator/runs/1/outcomes"), ("PATCH", "/api/2.0/permissions/jobs/201"), ("GET", "/api/2.0/permissions/jobs/x")]
    session = requests.Session()
    checked = 0
    for method, path in routes:
        for name in PARAMS:
            for value in GARBAGE:
                body = {name: value, "job_id": 201} if name != "job_id" else {name: value}
                if method == "GET":
                    params = {k: str(v) for k, v in body.items() if v is not None}
                    response = session.get(f"{emulator.url}{path}", params=params, headers=BEARER, timeout=10)
                else:
                    response = session.request(method, f"{emulator.url}{path}", json=body, headers=BEARER, timeout=10)
                assert response.status_code < 500, (method, path, name, value, response.text)
                assert isinstance(response.json(), dict)
                checked += 1
    assert checked == len(routes) * len(PARAMS) * len(GARBAGE)
