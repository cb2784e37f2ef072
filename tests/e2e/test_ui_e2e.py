"""The LakePilot view inside a running Airflow, as a user sees it in headless Chromium.

Real Airflow (api-server with this repo's plugins/, scheduler, triggerer), the ops rows written
into its LakePilot home, a real provisioning run waiting at its approval task. The browser signs
in through Airflow's own login page, then reads the pages; the metrics endpoint is scraped over
HTTP. Screenshots go to $LAKEPILOT_UI_SCREENSHOTS (default: the test's tmp dir).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from agents.provisioning.draft import Draft
from include.provisioning.facts import RequestFacts
from include.provisioning.plan import plan_json
from tests.plugins.sample_ops import REPORT_MARKER, write_sample_ops

pytestmark = pytest.mark.e2e

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
DAG = "provision_infrastructure"
RUN_ID = "ui-e2e-approval"
APPROVAL_TASK = "firewall_ports.approve"
STACK = "ui-e2e"
METRIC_FAMILIES = {
    "lakepilot_findings_open", "lakepilot_remediation_decisions", "lakepilot_sweep_duration_seconds",
    "lakepilot_triage_duration_seconds", "lakepilot_approvals_pending", "lakepilot_llm_calls",
    "lakepilot_llm_tokens", "lakepilot_llm_cost_usd", "lakepilot_llm_latency_seconds",
}


def _trigger_waiting_approval(client) -> None:
    draft = Draft(requester="ui-tester")
    draft.apply(RequestFacts(capabilities=["firewall_ports"], team="ui-team", environment="dev", region="westeurope",
                             ports=["443"], sources=["10.30.0.0/16"]))
    draft.stack = STACK
    client.unpause(DAG)
    client.trigger(DAG, conf=plan_json(draft.to_plan()), run_id=RUN_ID)
    client.wait_awaiting_input(DAG, RUN_ID, APPROVAL_TASK, timeout=240)


def _metrics(text: str) -> dict[str, dict[tuple, float]]:
    out: dict[str, dict[tuple, float]] = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            out.setdefault(family.name, {})[(s.name, *sorted(s.labels.items()))] = s.value
    return out


@pytest.fixture(scope="module")
def ui_airflow(airflow_only):
    config, client = airflow_only
    home = Path(config.extra_env["LAKEPILOT_HOME"])
    sample = write_sample_ops(home / "lakehouse", datetime.now(UTC).replace(microsecond=0))
    _trigger_waiting_approval(client)
    try:
        yield config, client, sample
    finally:
        try:  # leave no run waiting for the rest of the session
            client.answer(DAG, RUN_ID, APPROVAL_TASK, ["Reject"])
        except Exception as exc:  # already answered or timed out
            print(f"cleanup: {exc}")


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    target = Path(os.environ.get("LAKEPILOT_UI_SCREENSHOTS") or tmp_path)
    target.mkdir(parents=True, exist_ok=True)
    return target


def test_plugin_is_registered_and_closed_to_anonymous_users(ui_airflow) -> None:
    config, client, _ = ui_airflow
    plugins = client.request("GET", "/api/v2/plugins")["plugins"]
    ours = next(p for p in plugins if p["name"] == "lakepilot_ui")
    assert ours["fastapi_apps"][0]["url_prefix"] == "/lakepilot"
    assert ours["external_views"][0]["destination"] == "nav" and ours["external_views"][0]["url_route"] == "lakepilot"
    assert client.import_errors() == [] or all("lakepilot_ui" not in str(e) for e in client.import_errors())
    anonymous = requests.get(f"{config.base_url}/lakepilot/api/findings", timeout=30)
    assert anonymous.status_code == 401
    page = requests.get(f"{config.base_url}/lakepilot/findings", timeout=30, allow_redirects=False)
    assert page.status_code == 303 and page.headers["location"].startswith("/auth/login")
    assert requests.get(f"{config.base_url}/lakepilot/metrics", timeout=30).status_code == 401


def test_metrics_are_scraped_from_the_api_server(ui_airflow) -> None:
    config, client, sample = ui_airflow
    token = client.login()
    response = requests.get(f"{config.base_url}/lakepilot/metrics", headers={"Authorization": f"Bearer {token}"},
                            timeout=60)
    assert response.status_code == 200, response.text[:2000]
    m = _metrics(response.text)
    assert METRIC_FAMILIES <= set(m), METRIC_FAMILIES - set(m)
    assert m["lakepilot_findings_open"][("lakepilot_findings_open", ("domain", "cost"), ("severity", "critical"))] == 1
    assert sum(m["lakepilot_findings_open"].values()) == sum(sample.open_findings.values())
    assert m["lakepilot_remediation_decisions"][
        ("lakepilot_remediation_decisions", ("action", "ESCALATE"), ("outcome", "notified"))] == 1
    sweep = m["lakepilot_sweep_duration_seconds"]
    assert sweep[("lakepilot_sweep_duration_seconds_count", ("domain", "cost"))] == 2
    assert sweep[("lakepilot_sweep_duration_seconds_sum", ("domain", "cost"))] == pytest.approx(50.0)
    triage = m["lakepilot_triage_duration_seconds"]
    assert triage[("lakepilot_triage_duration_seconds_count", ("path", "pattern"))] == 2
    # The real approval task waiting in Airflow is counted.
    assert m["lakepilot_approvals_pending"][("lakepilot_approvals_pending",)] >= 1
    assert m["lakepilot_approvals_pending_by_dag"][("lakepilot_approvals_pending_by_dag", ("dag_id", DAG))] >= 1
    llm = ("agent", "cost"), ("model", "gpt-4o-mini")
    assert m["lakepilot_llm_calls"][("lakepilot_llm_calls_total", *llm, ("status", "ok"))] == 2
    assert m["lakepilot_llm_tokens"][("lakepilot_llm_tokens_total", *llm, ("type", "prompt"))] == sample.llm_prompt_tokens
    assert m["lakepilot_llm_cost_usd"][("lakepilot_llm_cost_usd_total", *llm)] == pytest.approx(sample.llm_cost_usd)
    assert m["lakepilot_llm_latency_seconds"][("lakepilot_llm_latency_seconds_count", *llm)] == 2
    assert all(v == 1 for v in m["lakepilot_metrics_source_up"].values()), m["lakepilot_metrics_source_up"]


def test_a_user_signs_in_and_sees_lakepilot(ui_airflow, shots: Path) -> None:
    if not Path(CHROMIUM).exists():
        pytest.skip("chromium is not installed (run `make browser`)")
    from playwright.sync_api import expect, sync_playwright

    config, client, sample = ui_airflow
    base = config.base_url
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            tempfile.mkdtemp(prefix="lakepilot-chromium-"), executable_path=CHROMIUM, headless=True,
            args=CHROMIUM_ARGS, viewport={"width": 1400, "height": 1000})
        # The machine is shared (2 cores, Airflow running): wait generously, never on timing.
        context.set_default_timeout(60_000)
        context.set_default_navigation_timeout(120_000)
        expect.set_options(timeout=60_000)
        try:
            page = context.new_page()
            # Anonymous → Airflow's own login page → back to LakePilot.
            page.goto(f"{base}/lakepilot/findings")
            page.wait_for_url("**/auth/login**")
            page.screenshot(path=str(shots / "00-login.png"))
            page.locator("input[name=username]").fill("admin")
            page.locator("input[name=password]").fill("admin-e2e")
            page.locator("button[type=submit]").click()
            page.wait_for_url("**/lakepilot/findings**")

            # Findings: listed with severity, evidence behind a click.
            rows = page.locator("table.findings tbody.finding")
            expect(rows).to_have_count(4)
            expect(rows.first).to_contain_text("critical")
            expect(rows.first).to_contain_text("nightly_etl")
            expect(page.locator("table.findings")).to_contain_text("svc-token-42")
            expect(page.locator("table.findings")).not_to_contain_text("old_finding_job")
            rows.first.locator("summary").click()
            expect(rows.first.locator("table.evidence")).to_contain_text("JOBS_COMPUTE")
            page.screenshot(path=str(shots / "01-findings.png"), full_page=True)
            page.select_option("select[name=domain]", "security")
            page.get_by_role("button", name="Apply").click()
            expect(page.locator("table.findings tbody.finding")).to_have_count(1)

            # The daily report, rendered from the stored HTML in a sandboxed frame.
            page.goto(f"{base}/lakepilot/report")
            expect(page.frame_locator("iframe.report").locator("h1")).to_have_text(REPORT_MARKER)
            page.screenshot(path=str(shots / "02-report.png"), full_page=True)

            # Remediation ledger.
            page.goto(f"{base}/lakepilot/remediation")
            expect(page.locator("table.ledger tbody")).to_have_count(3)
            expect(page.locator("table.ledger")).to_contain_text("RETRY_WITH_NEW_PARAMS")
            page.screenshot(path=str(shots / "03-remediation.png"), full_page=True)

            # The real provisioning approval waiting in Airflow, with its plan and a link to answer it.
            page.goto(f"{base}/lakepilot/approvals")
            card = page.locator("article.approval", has_text=STACK)
            expect(card).to_have_count(1)
            expect(card.locator("dl.plan")).to_contain_text("ui-tester")
            expect(card.locator(".plan-body table").first).to_contain_text("total")
            link = card.get_by_role("link", name="Review and answer in Airflow →")
            assert link.get_attribute("href") == f"/dags/{DAG}/runs/{RUN_ID}/tasks/{APPROVAL_TASK}/required_actions"
            page.screenshot(path=str(shots / "04-approvals.png"), full_page=True)

            # The ask box answers through the ask service.
            page.goto(f"{base}/lakepilot/ask")
            page.locator("textarea[name=question]").fill("Why did cost go up yesterday?")
            # The orchestrator trains its router on its first question in a process (~25 s alone,
            # minutes on a loaded machine): the answer page may take a while to come back.
            with page.expect_navigation(timeout=600_000):
                page.get_by_role("button", name="Ask").click()
            answer = page.locator("section.answer")
            expect(answer.locator(".turn.a, .note")).to_have_count(1, timeout=180_000)
            expect(answer).to_contain_text("cost")
            page.screenshot(path=str(shots / "05-ask.png"), full_page=True)

            # Overview, inside Airflow's own UI through the navigation entry.
            page.goto(f"{base}/plugin/lakepilot")
            frame = page.frame_locator("iframe")
            expect(frame.locator("h1")).to_have_text("LakePilot at a glance")
            expect(frame.locator(".card", has_text="Critical findings open").locator(".big")).to_have_text("1")
            expect(frame.locator(".card", has_text="Approvals waiting").locator(".big")).not_to_have_text("0")
            page.screenshot(path=str(shots / "06-overview-in-airflow.png"), full_page=True)
        finally:
            context.close()
