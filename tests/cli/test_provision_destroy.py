"""`lakepilot provision --destroy STACK`: the destroy plan from what the stack last applied, sent to
decommission_infrastructure (a loopback stand-in for Airflow's REST API records the trigger)."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from typer.testing import CliRunner

from cli.main import app
from include.provisioning.facts import RequestFacts
from include.provisioning.pipeline import apply_capability, decide, plan_capability
from include.provisioning.plan import validate_plan
from tests.http_stub import send_json
from tests.include.provisioning.conftest import make_plan

runner = CliRunner()
FIREWALL = RequestFacts(capabilities=["firewall_ports"], team="sec", environment="dev", region="westeurope",
                        ports=["443"], sources=["10.20.0.0/16"])


def _apply(stack: str) -> None:
    v = validate_plan(make_plan(FIREWALL, stack=stack))
    step = plan_capability(v, "firewall_ports", "run-1")
    apply_capability(step, decide(step, "approve", ["Approve"], "ana", False, "run-1"),
                     decide(step, "confirm", ["Approve"], "ana", False, "run-1"), "run-1")


def test_destroy_prints_the_plan_and_names_what_is_missing(lakepilot_home, monkeypatch) -> None:
    monkeypatch.setenv("LAKEPILOT_REQUESTER", "ana")
    _apply("cli-fw")
    shown = runner.invoke(app, ["provision", "--destroy", "cli-fw", "--why", "moved to the hub", "--no-trigger", "--json"])
    assert shown.exit_code == 0, shown.output
    plan = json.loads(shown.stdout.strip().splitlines()[-1])
    assert (plan["action"], plan["requester"], plan["stack"]) == ("destroy", "ana", "cli-fw")
    assert plan["request"] == "Destroy firewall_ports of stack cli-fw: moved to the hub"
    missing = runner.invoke(app, ["provision", "--destroy", "no-such-stack", "--no-trigger"])
    assert missing.exit_code != 0 and "applied nothing on stack 'no-such-stack'" in missing.output


def test_destroy_triggers_the_decommission_dag(lakepilot_home, monkeypatch) -> None:
    seen: list[tuple[str, str, dict]] = []

    class Airflow(BaseHTTPRequestHandler):
        def _body(self) -> dict:
            length = int(self.headers.get("Content-Length") or 0)
            return json.loads(self.rfile.read(length) or b"{}")

        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            body = self._body()
            seen.append(("POST", self.path, body))
            if self.path == "/auth/token":
                send_json(self, 201, {"access_token": "t"})
            else:
                send_json(self, 200, {"dag_run_id": body.get("dag_run_id"), "state": "queued"})

        def do_GET(self) -> None:  # noqa: N802
            seen.append(("GET", self.path, {}))
            send_json(self, 200, {"is_paused": False})

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Airflow)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv("LAKEPILOT_AIRFLOW_URL", f"http://127.0.0.1:{server.server_address[1]}")
    monkeypatch.setenv("LAKEPILOT_AIRFLOW_PASSWORD", "pw")
    try:
        _apply("cli-fw2")
        done = runner.invoke(app, ["provision", "--destroy", "cli-fw2", "--json"])
    finally:
        server.shutdown()
    assert done.exit_code == 0, done.output
    run = json.loads(done.stdout.strip().splitlines()[-1])
    assert run["dag_id"] == "decommission_infrastructure" and run["dag_run_id"].startswith("decommission-cli-fw2-")
    (trigger,) = [(p, b) for m, p, b in seen if m == "POST" and p.endswith("/dagRuns")]
    assert trigger[0] == "/api/v2/dags/decommission_infrastructure/dagRuns" and trigger[1]["conf"]["action"] == "destroy"
