"""The JSON API and pages: Airflow authentication on every route, filters, joins, links.

Real components: Airflow's `get_user` with real JWTs, the Delta ops tables written by the real
store, DuckDB queries. Only the pending approvals are scripted (tests/e2e reads real ones).
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from include.ops.models import Finding
from include.ops.store import LocalOpsStore
from include.ui.models import PendingApproval
from tests.plugins.conftest import NOW
from tests.plugins.sample_ops import REPORT_MARKER, write_sample_ops

API_ROUTES = ["/api/overview", "/api/findings", "/api/reports", "/api/reports/latest", "/api/remediation",
              "/api/approvals", "/openapi.json", "/metrics"]
PAGES = ["/", "/findings", "/report", "/report/raw", "/remediation", "/approvals", "/ask"]


@pytest.fixture
def sample(lakehouse):
    return write_sample_ops(lakehouse, NOW)


@pytest.mark.parametrize("path", API_ROUTES)
def test_api_routes_refuse_anonymous_callers(anon, path: str) -> None:
    response = anon.get(path)
    assert response.status_code == 401, response.text
    assert anon.post("/api/ask", json={"question": "why?"}).status_code == 401


@pytest.mark.parametrize("path", API_ROUTES[:-2])
def test_an_invalid_token_is_refused_like_airflow_does(anon, path: str) -> None:
    response = anon.get(path, headers={"Authorization": "Bearer not-a-jwt"})
    assert response.status_code == 403


@pytest.mark.parametrize("path", PAGES)
def test_pages_send_anonymous_visitors_to_airflow_login(anon, path: str) -> None:
    response = anon.get(path)
    assert response.status_code == 303
    location = response.headers["location"]
    assert location.startswith("/auth/login") and "next=" in location and "lakepilot" not in location.split("?")[0]


def test_the_ui_cookie_signs_pages_in(anon, airflow_tokens, sample) -> None:
    anon.cookies.set("_token", airflow_tokens.for_user("alice"))
    response = anon.get("/findings")
    assert response.status_code == 200
    assert "alice" in response.text and "nightly_etl" in response.text


def test_open_findings_are_the_latest_sweep_of_each_domain(client, sample) -> None:
    body = client.get("/api/findings").json()
    got = {(f["domain"], f["severity"], f["entity_id"]) for f in body["items"]}
    assert got == {("cost", "critical", "nightly_etl"), ("cost", "high", "adhoc_cluster_7"),
                   ("security", "high", "svc-token-42"), ("reliability", "low", "daily_dashboard_refresh")}
    assert body["total"] == 4
    # Most severe first; the superseded cost finding and the closed mlops one are not open.
    assert body["items"][0]["severity"] == "critical"
    matrix = body["matrix"]
    assert {(d, s): n for d, row in matrix.items() for s, n in row.items() if n} == sample.open_findings
    assert set(matrix) == {"cost", "security", "performance", "reliability", "data_quality", "mlops"}
    assert body["latest_sweep"]["performance"] is None
    assert body["items"][0]["evidence"] == {"sku": "JOBS_COMPUTE", "days": [120.1, 122.0, 412.5]}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("domain=cost", {"nightly_etl", "adhoc_cluster_7"}),
        ("severity=high", {"adhoc_cluster_7", "svc-token-42"}),
        ("domain=cost&severity=high", {"adhoc_cluster_7"}),
        ("q=TOKEN", {"svc-token-42"}),
        ("q=idle", {"adhoc_cluster_7"}),
        ("status=all&days=30", {"nightly_etl", "adhoc_cluster_7", "old_finding_job", "svc-token-42",
                                "daily_dashboard_refresh", "churn_model_endpoint"}),
        ("status=all&days=2", {"nightly_etl", "adhoc_cluster_7", "old_finding_job", "svc-token-42",
                               "daily_dashboard_refresh"}),
        ("status=all&domain=mlops&days=30", {"churn_model_endpoint"}),
        ("domain=performance", set()),
    ],
)
def test_finding_filters(client, sample, query: str, expected: set[str]) -> None:
    body = client.get(f"/api/findings?{query}").json()
    assert {f["entity_id"] for f in body["items"]} == expected
    assert body["total"] == len(expected)


def test_limit_truncates_items_but_not_the_total(client, sample) -> None:
    body = client.get("/api/findings?limit=1").json()
    assert len(body["items"]) == 1 and body["total"] == 4


@pytest.mark.parametrize("query", ["domain=finance", "severity=urgent", "status=closed", "days=0", "limit=5000"])
def test_bad_filters_are_refused_naming_the_field(client, sample, query: str) -> None:
    response = client.get(f"/api/findings?{query}")
    assert response.status_code == 422
    field = query.split("=")[0]
    assert any(field in ".".join(map(str, e["loc"])) for e in response.json()["detail"])


def test_findings_page_shows_evidence_and_escapes_untrusted_text(client, lakehouse, sample) -> None:
    LocalOpsStore(lakehouse).upsert([Finding(
        domain="performance", check="slow_query", severity="medium", entity_type="query", entity_id="q-1",
        window_start=NOW - timedelta(days=1), window_end=NOW, metric="p95_s",
        summary="<script>alert('x')</script> slow", recommendation="Add a filter", evidence={"sql": "<b>SELECT</b>"})])
    html = client.get("/findings?domain=performance").text
    assert "<script>alert" not in html and "&lt;script&gt;alert(" in html
    assert "&lt;b&gt;SELECT&lt;/b&gt;" in html
    assert "Add a filter" in html


def test_bad_page_filters_fall_back_and_say_so(client, sample) -> None:
    response = client.get("/findings?domain=finance")
    assert response.status_code == 200
    assert "Filters ignored" in response.text and "nightly_etl" in response.text


def test_remediation_ledger_links_and_filters(client, sample) -> None:
    body = client.get("/api/remediation").json()
    assert body["total"] == 3
    assert [r["run_id"] for r in body["items"]] == ["9003", "9002", "9001"]
    oom = body["items"][2]
    assert oom["databricks_run_url"] == (
        "https://adb-1234567890123456.7.azuredatabricks.net/jobs/77/runs/9001?o=1234567890")
    assert oom["params_change"] == {"spark.driver.memory": "16g"}
    assert body["by_action_outcome"] == {"RETRY_WITH_NEW_PARAMS": {"succeeded": 1}, "ESCALATE": {"notified": 1},
                                         "RETRY": {"pending": 1}}
    assert [r["run_id"] for r in client.get("/api/remediation?outcome=notified").json()["items"]] == ["9002"]
    assert [r["run_id"] for r in client.get("/api/remediation?action=RETRY").json()["items"]] == ["9003"]
    assert {r["run_id"] for r in client.get("/api/remediation?q=NIGHTLY").json()["items"]} == {"9001", "9003"}


def test_no_run_link_without_a_real_workspace(client, sample, scripted_runtime) -> None:
    scripted_runtime.url = None
    body = client.get("/api/remediation").json()
    assert all(r["databricks_run_url"] is None for r in body["items"])
    assert "Databricks run" not in client.get("/remediation").text


def test_reports_latest_by_date_and_raw_html_is_sandboxed(client, sample) -> None:
    index = client.get("/api/reports").json()
    assert [r["report_date"] for r in index["reports"]] == [sample.report_date.isoformat()]
    latest = client.get("/api/reports/latest").json()
    assert REPORT_MARKER in latest["html"] and latest["findings_by_severity"]["critical"] == 1
    assert client.get(f"/api/reports/{sample.report_date.isoformat()}").status_code == 200
    assert client.get("/api/reports/2001-01-01").status_code == 404
    raw = client.get("/report/raw")
    assert REPORT_MARKER in raw.text
    assert raw.headers["content-security-policy"].startswith("sandbox")
    page = client.get("/report").text
    assert 'sandbox' in page and "report/raw?date=" in page and "platform-team@example.com" in page


def test_approvals_join_airflow_pending_with_provisioning_runs(client, sample, scripted_runtime) -> None:
    scripted_runtime.pending = [
        PendingApproval(dag_id="provision_infrastructure", dag_run_id=sample.provisioning_run_id,
                        task_id="workspace.approve", subject="Approve Databricks workspace: +3 ~0 -0",
                        body="| resource type | add |\n|---|---:|\n| `azurerm_databricks_workspace` | 1 |",
                        options=["Approve", "Reject"], created_at=NOW - timedelta(minutes=10)),
        PendingApproval(dag_id="other_dag", dag_run_id="run-x", task_id="ask", map_index=2, subject="Something else",
                        created_at=NOW - timedelta(minutes=1)),
    ]
    body = client.get("/api/approvals").json()
    first, second = body["pending"]
    assert first["provisioning"]["stack"] == "analytics-sandbox"
    assert first["provisioning"]["cost_estimate_usd"] == pytest.approx(312.4)
    assert first["approval_path"] == (
        f"/dags/provision_infrastructure/runs/{sample.provisioning_run_id}/tasks/workspace.approve/required_actions")
    assert second["provisioning"] is None
    assert second["approval_path"] == "/dags/other_dag/runs/run-x/tasks/ask/mapped/2/required_actions"
    assert first["waiting_s"] >= 600
    # The signed-in user is what bounds which approvals are read.
    assert scripted_runtime.users_seen and scripted_runtime.users_seen[-1] is not None
    html = client.get("/approvals").text
    assert "<table>" in html and "<code>azurerm_databricks_workspace</code>" in html  # body rendered from Markdown
    assert 'target="_top"' in html and "required_actions" in html


def test_approval_bodies_cannot_inject_html(client, sample, scripted_runtime) -> None:
    scripted_runtime.pending = [PendingApproval(
        dag_id="d", dag_run_id="r", task_id="t", subject="s", created_at=NOW,
        body="<img src=x onerror=alert(1)> [link](javascript:alert(1))")]
    html = client.get("/approvals").text
    assert "<img src=x" not in html and 'href="javascript:' not in html


def test_unreadable_approvals_are_reported_not_hidden(client, sample, scripted_runtime) -> None:
    scripted_runtime.fail = "metadata database unreachable"
    assert "metadata database unreachable" in client.get("/approvals").text
    body = client.get("/api/approvals").json()
    assert body["pending"] == [] and body["notes"][0]["level"] == "error"


def test_overview_counts(client, sample, scripted_runtime) -> None:
    scripted_runtime.pending = [PendingApproval(dag_id="d", dag_run_id="r", task_id="t", subject="s", created_at=NOW)]
    body = client.get("/api/overview").json()
    assert body["open_findings_by_severity"] == {"critical": 1, "high": 2, "medium": 0, "low": 1}
    assert body["decisions_by_outcome"] == {"succeeded": 1, "notified": 1, "pending": 1}
    assert body["pending_approvals"] == 1
    assert body["latest_report"]["report_date"] == sample.report_date.isoformat()
    assert body["llm_calls_7d"] == 3 and body["llm_cost_usd_7d"] == pytest.approx(sample.llm_cost_usd)
    html = client.get("/").text
    assert "<svg" in html and "Open findings by domain" in html


def test_an_empty_deployment_renders_and_says_why_pages_are_empty(client, lakehouse) -> None:
    for path in PAGES[:-1] + ["/ask"]:
        response = client.get(path)
        assert response.status_code in (200, 404), path
    assert "No findings recorded yet" in client.get("/findings").text
    assert "No daily health report is stored yet" in client.get("/report").text
    assert client.get("/api/reports/latest").status_code == 404
    assert client.get("/api/findings").json()["total"] == 0


def test_openapi_documents_the_api_with_its_models(client) -> None:
    schema = client.get("/openapi.json").json()
    assert {"/api/findings", "/api/remediation", "/api/approvals", "/api/ask", "/api/reports/latest"} <= set(schema["paths"])
    assert "FindingsPage" in schema["components"]["schemas"]
    ref = schema["paths"]["/api/findings"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    assert ref.endswith("/FindingsPage")
    assert "/findings" not in schema["paths"]  # pages are not part of the API
