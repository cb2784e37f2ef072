"""`lakepilot provision` driven through its prompts (typer's CliRunner feeding stdin) up to the
trigger, against a loopback stub of the Airflow REST endpoints it calls (token, DAG, unpause,
dagRuns). The real-Airflow path is tests/e2e/test_provisioning_e2e.py."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from typer.testing import CliRunner

from agents.provisioning.sessions import load_session
from cli.main import app
from include.provisioning.plan import validate_plan
from tests.http_stub import send_json

EXAMPLE = ("a production workspace for the ML team in East US with GPUs and an OpenAI deployment, "
           "open 443 to our office 10.20.0.0/16")


class StubAirflow(BaseHTTPRequestHandler):
    calls: list[tuple[str, str, dict]] = []
    paused = True

    def log_message(self, *args) -> None:
        pass

    def _reply(self, status: int, body: dict) -> None:
        send_json(self, status, body)

    def _body(self) -> dict:
        length = int(self.headers.get("Content-Length") or 0)
        return json.loads(self.rfile.read(length) or b"{}")

    def _authorised(self) -> bool:
        if self.headers.get("Authorization") != "Bearer stub-token":
            self._reply(401, {"detail": "no token"})
            return False
        return True

    def do_POST(self) -> None:  # noqa: N802
        body = self._body()
        self.calls.append(("POST", self.path, body))
        if self.path == "/auth/token":
            ok = body == {"username": "admin", "password": "pw"}
            self._reply(201 if ok else 401, {"access_token": "stub-token"} if ok else {})
        elif self.path == "/api/v2/dags/provision_infrastructure/dagRuns" and self._authorised():
            self._reply(200, {"dag_run_id": body.get("dag_run_id"), "state": "queued"})

    def do_GET(self) -> None:  # noqa: N802
        self.calls.append(("GET", self.path, {}))
        if self._authorised():
            self._reply(200, {"dag_id": "provision_infrastructure", "is_paused": type(self).paused})

    def do_PATCH(self) -> None:  # noqa: N802
        body = self._body()
        self.calls.append(("PATCH", self.path, body))
        if self._authorised():
            type(self).paused = body.get("is_paused", True)
            self._reply(200, {"is_paused": type(self).paused})


@pytest.fixture
def airflow_stub(monkeypatch) -> Iterator[str]:
    StubAirflow.calls = []
    StubAirflow.paused = True
    server = ThreadingHTTPServer(("127.0.0.1", 0), StubAirflow)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    monkeypatch.setenv("LAKEPILOT_AIRFLOW_URL", url)
    monkeypatch.setenv("LAKEPILOT_AIRFLOW_USER", "admin")
    monkeypatch.setenv("LAKEPILOT_AIRFLOW_PASSWORD", "pw")
    monkeypatch.setenv("LAKEPILOT_REQUESTER", "alice")
    yield url
    server.shutdown()


def _triggered_conf() -> dict:
    posts = [c for c in StubAirflow.calls if c[0] == "POST" and c[1].endswith("/dagRuns")]
    assert len(posts) == 1
    return posts[0][2]


def test_interactive_conversation_up_to_the_trigger(airflow_stub: str) -> None:
    typed = "\n".join([
        EXAMPLE,                                    # What would you like to provision?
        "yes",                                      # the proposed capabilities
        "gpt-4o",                                   # models (the one thing missing)
        "5000",                                     # a monthly budget (USD)
        "call the resource group rg-ml-team-prod",  # name override
        "yes",                                      # names
        "reduce the cluster to 1-4 workers",        # an edit at the final question
        "add port 8443",                            # another edit
        "yes",                                      # final yes
    ]) + "\n"
    result = CliRunner().invoke(app, ["provision"], input=typed)
    assert result.exit_code == 0, result.output
    output = result.output
    assert "rg-ml-team-prod  (yours)" in output
    assert "Estimated total: $" in output and "needs a second confirmation in Airflow" in output
    assert "1-4 workers of Standard_NC4as_T4_v3" in output
    conf = _triggered_conf()
    plan = validate_plan({k: v for k, v in conf["conf"].items()})
    assert plan.plan.context.resource_group == "rg-ml-team-prod" and plan.plan.requester == "alice"
    assert plan.plan.parsed_by == "deterministic" and plan.plan.budget_usd == 5000
    assert [r["ports"] for r in plan.capabilities["firewall_ports"].params["rules"]] == [["443"], ["8443"]]
    assert conf["logical_date"] is None and conf["dag_run_id"].startswith("provision-prov-")
    assert ("PATCH", "/api/v2/dags/provision_infrastructure", {"is_paused": False}) in StubAirflow.calls
    run_url = f"{airflow_stub}/dags/provision_infrastructure/runs/{conf['dag_run_id']}"
    assert run_url in output
    session = load_session(conf["conf"]["session_id"])
    assert session.status == "triggered" and session.run["url"] == run_url


def test_answers_file_and_resume_after_a_missing_answer(airflow_stub: str, tmp_path: Path) -> None:
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps({"capabilities": "yes", "azure_openai.models": "gpt-4o-mini", "budget": "none"}))
    first = CliRunner().invoke(app, ["provision", "--request", EXAMPLE, "--answers", str(answers)])
    assert first.exit_code == 2
    flat = " ".join(first.output.split())
    assert "no answer for question 'names'" in flat
    session_id = flat.split("resume with --session ")[1].split(")")[0].strip()
    assert not [c for c in StubAirflow.calls if c[1].endswith("/dagRuns")]  # nothing triggered

    answers.write_text(json.dumps({"names": "yes", "confirm": ["drop the OpenAI part", "yes"]}))
    second = CliRunner().invoke(app, ["provision", "--session", session_id, "--answers", str(answers), "--json"])
    assert second.exit_code == 0, second.output
    run = json.loads(second.stdout.strip().splitlines()[-1])
    assert run["dag_run_id"] == _triggered_conf()["dag_run_id"]
    assert [c["name"] for c in _triggered_conf()["conf"]["capabilities"]] == ["databricks_workspace", "firewall_ports"]


def test_plan_file_is_validated_before_anything_is_triggered(airflow_stub: str, tmp_path: Path, full_plan) -> None:
    bad = full_plan.model_dump(mode="json")
    bad["capabilities"][2]["params"]["rules"][0].update(ports=["22"], sources=["0.0.0.0/0"])
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(bad))
    refused = CliRunner().invoke(app, ["provision", "--plan", str(path)])
    assert refused.exit_code == 2 and "administrative port(s) 22 (SSH)" in " ".join(refused.output.split())
    assert StubAirflow.calls == []
    path.write_text(full_plan.model_dump_json())
    ok = CliRunner().invoke(app, ["provision", "--plan", str(path)])
    assert ok.exit_code == 0, ok.output
    assert _triggered_conf()["conf"]["stack"] == full_plan.stack


def test_unreachable_airflow_keeps_the_plan_for_a_retry(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("LAKEPILOT_AIRFLOW_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("LAKEPILOT_AIRFLOW_PASSWORD", "pw")
    answers = tmp_path / "a.json"
    answers.write_text(json.dumps({"capabilities": "yes", "region": "westeurope", "budget": "none", "names": "yes",
                                   "confirm": "yes"}))
    result = CliRunner().invoke(app, ["provision", "--request", "a dev workspace for team bi", "--answers", str(answers)])
    flat = " ".join(result.output.split())
    assert result.exit_code == 2 and "could not reach Airflow" in flat
    session_id = flat.split("retry with --session ")[1].split()[0].rstrip(")")
    assert load_session(session_id).status == "ready"


def test_dry_run_prints_what_a_request_becomes_without_prompts_or_triggers(airflow_stub: str, tmp_path: Path) -> None:
    from agents.provisioning.sessions import sessions_dir

    before = set(sessions_dir().glob("*")) if sessions_dir().exists() else set()
    # every question answered by its suggestion or a confirmation: the validated plan, and where each answer came from
    run = CliRunner().invoke(app, ["provision", "--request", EXAMPLE, "--dry-run", "--json"])
    assert run.exit_code == 0, run.output
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert result["complete"] is True and result["open_question"] is None
    assert validate_plan(result["plan"]).plan.stack == "ml-team-prod-eus"
    assert (result["environment"], result["region"], result["params"]["databricks_workspace"]["gpu"]) == ("prod", "eastus", True)
    sources = {s["key"]: s["source"] for s in result["steps"]}
    assert sources == {"capabilities": "confirmed", "azure_openai.models": "suggested", "budget": "suggested",
                       "names": "confirmed", "confirm": "confirmed"}

    # --answers overrides a suggestion
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps({"azure_openai.models": "gpt-4o"}))
    chosen = CliRunner().invoke(app, ["provision", "--request", EXAMPLE, "--answers", str(answers), "--dry-run", "--json"])
    assert chosen.exit_code == 0, chosen.output
    plan = json.loads(chosen.stdout.strip().splitlines()[-1])
    assert {s["key"]: s["source"] for s in plan["steps"]}["azure_openai.models"] == "answers"
    (openai,) = [c for c in validate_plan(plan["plan"]).plan.capabilities if c.name == "azure_openai"]
    assert [d["model"] for d in openai.params["deployments"]] == ["gpt-4o"]

    # what a request lacks and nobody suggested is the open question (exit 3): the team, or what to provision at all
    no_team = CliRunner().invoke(app, ["provision", "--request", "open 443 to 10.20.0.0/16 on a prod workspace in East US",
                                       "--dry-run", "--json"])
    assert no_team.exit_code == 3, no_team.output
    assert json.loads(no_team.stdout.strip().splitlines()[-1])["open_question"]["key"] == "team"
    vague = CliRunner().invoke(app, ["provision", "--request", "I need something", "--dry-run"])
    assert vague.exit_code == 3 and "open question (capabilities)" in " ".join(vague.output.split())
    # nothing was saved or triggered by any of it
    assert not [c for c in StubAirflow.calls if c[1].endswith("/dagRuns")]
    assert (set(sessions_dir().glob("*")) if sessions_dir().exists() else set()) == before


def _dry_run(request: str, answers: Path | None = None) -> dict:
    args = ["provision", "--request", request, "--dry-run", "--json"] + (["--answers", str(answers)] if answers else [])
    run = CliRunner().invoke(app, args)
    assert run.exit_code == 0, run.output
    return json.loads(run.stdout.strip().splitlines()[-1])


def test_ml_work_is_offered_gpu_nodes_with_the_price_of_each_kind(tmp_path: Path) -> None:
    """ML / data-science work with no word on GPUs: the conversation asks, GPU suggested, both prices shown;
    a CPU answer gives CPU nodes; work that is not ML is not asked; an "ML platform" is a workspace."""
    ml = _dry_run("Create a production workspace for the ML team in East US")
    steps = {s["key"]: s for s in ml["steps"]}
    assert steps["databricks_workspace.gpu"]["source"] == "suggested"
    question = " ".join(json.dumps(ml).split())
    assert "Standard_NC4as_T4_v3, 1x T4, ~$" in question and "Standard_DS3_v2, 4 vCPU, ~$" in question
    params = ml["params"]["databricks_workspace"]
    assert (params["gpu"], params["node_type"]) == (True, "Standard_NC4as_T4_v3")

    answers = tmp_path / "cpu.json"
    answers.write_text(json.dumps({"databricks_workspace.gpu": "CPU is enough"}))
    cpu = _dry_run("Create a production workspace for the ML team in East US", answers)
    assert {s["key"]: s["source"] for s in cpu["steps"]}["databricks_workspace.gpu"] == "answers"
    params = cpu["params"]["databricks_workspace"]
    assert (params["gpu"], params["node_type"]) == (False, "Standard_DS3_v2")
    assert "gpu-ml" not in params["spark_version"]

    platform = _dry_run("Deploy an ML platform for the data science team in West Europe, dev")
    assert platform["capabilities"] == ["databricks_workspace"]
    assert platform["params"]["databricks_workspace"]["gpu"] is True

    plain = _dry_run("a dev databricks workspace for the data-platform team in eastus")
    assert "databricks_workspace.gpu" not in {s["key"] for s in plain["steps"]}
    assert plain["params"]["databricks_workspace"].get("gpu", False) is False
    said_cpu = _dry_run("a prod workspace with CPU-only nodes for the ML team in East US")
    assert "databricks_workspace.gpu" not in {s["key"] for s in said_cpu["steps"]}
