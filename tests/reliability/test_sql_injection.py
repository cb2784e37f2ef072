"""Figure 6: SQL injection in every parameter a user or an LLM can set has no effect.

Each surface gets the same hostile values (quote breaks, stacked statements, UNION reads, comment
tricks, COPY/file paths, NUL, 5000 characters, ...). A case passes when it ends in one of two ways:
refused with an error that names the parameter, or run with the value as a harmless literal. After
each surface the lakehouse's table list and every table's row count are compared with before.

Surfaces: the agents' ad-hoc queries (every parameter of every allow-listed query, LLM-chosen
values), the CLI (`sweep --domain/--as-of/--lakehouse`, `ask --session/--now/--lakehouse`), the UI's
JSON API filters and the ask box's session id (Airflow's real auth), `ask`'s session id and question,
the router, the ask_lakepilot DAG's params, and every name in a provisioning plan.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from typer.testing import CliRunner

from agents.common.queries import run_adhoc
from agents.orchestrator import ask
from agents.orchestrator.router import route
from include.lakehouse.warehouse import LocalWarehouse
from include.ops.models import ConversationTurn
from include.ops.store import LocalOpsStore
from include.untrusted.redaction import Redactor
from tests.reliability.conftest import ASK_NOW

PAYLOADS = [
    "' OR '1'='1",
    "'; DROP TABLE lakepilot.ops.findings; --",
    "1; DELETE FROM system.billing.usage",
    '" OR ""="',
    "x') UNION SELECT * FROM system.access.audit --",
    "cost' --",
    "%' AND 1=1 AND '%'='",
    "1 OR 1=1",
    "'; COPY (SELECT 1) TO '/tmp/lakepilot-pwned.csv'; --",
    "2026-05-01'); DROP TABLE x; --",
    "../../etc/passwd",
    "a\x00b",
    "é' /*",
    "A" * 5000,
]


SAMPLE = {"string": "x", "int": 1, "float": 1.0, "date": "2026-05-01", "timestamp": "2026-05-01T00:00:00+00:00"}


def _lakehouse_state(root: Path) -> dict[str, int]:
    """Every Delta table under the root with its row count (the table list is the key set)."""
    from deltalake import DeltaTable

    out: dict[str, int] = {}
    for log in sorted(Path(root).rglob("_delta_log")):
        table = log.parent
        out[str(table.relative_to(root))] = DeltaTable(str(table)).to_pyarrow_dataset().count_rows()
    return out


class Tally:
    """Outcome per case: refused naming the parameter, or ran as a literal; anything else is an effect."""

    def __init__(self) -> None:
        self.outcomes: Counter = Counter()
        self.bad: list[str] = []

    def refused(self, where: str, message: str, names: tuple[str, ...]) -> None:
        if any(n.lower() in message.lower() for n in names):
            self.outcomes["refused naming the parameter"] += 1
        else:
            self.bad.append(f"{where}: refused without naming {names}: {message[:160]}")

    def literal(self) -> None:
        self.outcomes["harmless literal"] += 1

    def effect(self, where: str, what: str) -> None:
        self.bad.append(f"{where}: {what[:200]}")

    def record(self, figures: Any, name: str, root: Path | None = None, before: dict[str, int] | None = None) -> None:
        if root is not None and before is not None:
            after = _lakehouse_state(root)
            if after != before:
                changed = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
                self.effect("lakehouse", f"tables/row counts changed: {changed[:5]}")
        total = sum(self.outcomes.values()) + len(self.bad)
        figures.record(f"sqli.{name}.effects", len(self.bad), f"0 of {total} cases (refused naming it, or a literal)",
                       not self.bad, detail=f"{dict(self.outcomes)}; {self.bad[:5]}")


# -- ad-hoc queries (the values an LLM chooses) -----------------------------------------------------

def _all_queries() -> list[Any]:
    from agents.domains import SPECS
    from agents.orchestrator.evidence import registry

    return [q for spec in SPECS.values() for q in spec.queries()] + [spec.query for spec in registry().values()]


def test_adhoc_query_parameters(ask_world: Path, figures) -> None:
    before = _lakehouse_state(ask_world)
    warehouse = LocalWarehouse(ask_world)
    tally = Tally()
    queries = _all_queries()
    assert queries and any(q.params for q in queries)
    for query in queries:
        valid = {q.name: q.default if q.default is not None else SAMPLE[q.type] for q in query.params}
        for param in query.params:
            for payload in PAYLOADS:
                result = run_adhoc(warehouse, query, {**valid, param.name: payload}, Redactor())
                if result.status == "error":
                    tally.refused(f"{query.name}.{param.name}", result.error, (param.name,))
                else:
                    tally.literal()
        # A parameter the query does not have is refused, not passed through.
        result = run_adhoc(warehouse, query, {"1=1; DROP TABLE x; --": "1"}, Redactor())
        if result.status != "error":
            tally.effect(query.name, "an unknown parameter name was accepted")
        else:
            tally.outcomes["refused naming the parameter"] += 1
    tally.record(figures, "adhoc_query_params", ask_world, before)


# -- the CLI ---------------------------------------------------------------------------------------

def test_cli_options(ask_world: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, figures) -> None:
    from cli.main import app

    monkeypatch.chdir(tmp_path)  # a hostile --lakehouse path stays inside the temp dir
    before = _lakehouse_state(ask_world)
    runner = CliRunner()
    tally = Tally()
    world = str(ask_world)
    cases = {
        "sweep --domain": lambda p: ["sweep", "--domain", p, "--lakehouse", world, "--no-store", "--json"],
        "sweep --as-of": lambda p: ["sweep", "--domain", "cost", "--as-of", p, "--lakehouse", world, "--no-store", "--json"],
        "sweep --lakehouse": lambda p: ["sweep", "--domain", "cost", "--lakehouse", p, "--no-store", "--json"],
        "ask --session": lambda p: ["ask", "why did cost spike yesterday?", "--session", p, "--lakehouse", world, "--offline"],
        "ask --now": lambda p: ["ask", "why did cost spike yesterday?", "--now", p, "--lakehouse", world, "--offline"],
    }
    for where, args in cases.items():
        option = where.split()[-1]
        for payload in PAYLOADS[:8] + PAYLOADS[9:11]:
            result = runner.invoke(app, args(payload))
            text = (result.output or "") + str(result.exception or "")
            if result.exit_code == 0:
                tally.literal()  # e.g. a path that is simply an empty lakehouse
            elif result.exit_code == 2 or isinstance(result.exception, SystemExit):
                tally.refused(f"{where} {payload[:20]!r}", text, (option, option.strip("-"), option.strip("-").replace("-", "_"),
                                                                  "session id", "domain", "date", "lakehouse"))
            else:
                tally.effect(f"{where} {payload[:20]!r}", f"exit {result.exit_code}: {text[-300:]}")
    tally.record(figures, "cli_options", ask_world, before)


# -- the UI's JSON API (Airflow's real authentication) ---------------------------------------------

def test_ui_api_filters(client, lakehouse: Path, figures) -> None:
    from tests.plugins.conftest import NOW
    from tests.plugins.sample_ops import write_sample_ops

    write_sample_ops(lakehouse, NOW)
    before = _lakehouse_state(lakehouse)
    tally = Tally()
    baseline = {path: client.get(path).json() for path in ("/api/findings?status=all&days=366", "/api/remediation?days=366")}
    filters = {"/api/findings": ["status", "domain", "severity", "q", "days", "limit"],
               "/api/remediation": ["outcome", "action", "q", "days", "limit"]}
    for path, names in filters.items():
        for name in names:
            for payload in PAYLOADS:
                response = client.get(f"{path}?{name}={quote(payload)}")
                if response.status_code == 422:
                    tally.refused(f"{path}?{name}", response.text, (name,))
                elif response.status_code == 200:
                    tally.literal()
                    body = response.json()
                    if name == "q" and body.get("items") and "%" not in payload and "_" not in payload:
                        hits = [json.dumps(i) for i in body["items"]]
                        if not all(payload.lower()[:50] in h.lower() for h in hits):
                            tally.effect(f"{path}?q", f"{payload[:20]!r} matched rows that do not contain it")
                else:
                    tally.effect(f"{path}?{name}", f"HTTP {response.status_code}: {response.text[:200]}")
    for payload in PAYLOADS[:6]:
        response = client.get(f"/api/reports/{quote(payload, safe='')}")
        if response.status_code in (404, 422):
            tally.refused("/api/reports/{date}", response.text + " report_date", ("report_date", "date"))
        else:
            tally.effect("/api/reports/{date}", f"HTTP {response.status_code}")
        response = client.post("/api/ask", json={"question": "why did cost spike yesterday?", "session_id": payload})
        if response.status_code == 422:
            tally.refused("/api/ask session_id", response.text, ("session_id",))
        else:
            tally.effect("/api/ask session_id", f"HTTP {response.status_code}")
    after = {path: client.get(path).json() for path in baseline}
    if after != baseline:
        tally.effect("api", "the data served changed after the hostile requests")
    tally.record(figures, "ui_api_filters", lakehouse, before)


# -- orchestrator, router, DAG params ------------------------------------------------------------------

def test_orchestrator_router_and_dag_inputs(ask_world: Path, tmp_path: Path, figures) -> None:
    from airflow.sdk import Param

    before = _lakehouse_state(ask_world)
    store = LocalOpsStore(tmp_path / "ops")
    warehouse = LocalWarehouse(ask_world)
    tally = Tally()
    for payload in PAYLOADS:
        try:
            ask("why did cost spike yesterday?", session_id=payload, now=ASK_NOW, warehouse=warehouse, store=store)
            tally.effect("ask session_id", f"{payload[:20]!r} accepted")
        except ValueError as exc:
            tally.refused("ask session_id", str(exc), ("session",))
        try:
            ask("why did cost spike yesterday?", session_id="s", request_id=payload, now=ASK_NOW, warehouse=warehouse, store=store)
            tally.effect("ask request_id", f"{payload[:20]!r} accepted")
        except ValueError as exc:
            tally.refused("ask request_id", str(exc), ("request",))
        routed = route(f"why did cost spike yesterday? {payload}"[:4000], datetime(2026, 5, 13, tzinfo=UTC))
        if set(routed.domain_names()) <= {"cost", "security", "performance", "reliability", "data_quality", "mlops"}:
            tally.literal()
        else:
            tally.effect("route", f"domains {routed.domain_names()}")
    for payload in PAYLOADS[:6]:  # the whole question as the injection: answered (or asked back), nothing written
        answer = ask(payload, session_id="q-inj", now=ASK_NOW, warehouse=warehouse, store=store)
        tally.literal() if answer.status in ("answered", "partial", "clarify", "failed") else tally.effect("ask", answer.status)
    turns = store.read(ConversationTurn)
    if {t.session_id for t in turns} - {"s", "q-inj"}:
        tally.effect("conversations", f"sessions {sorted({t.session_id for t in turns})}")
    # The DAG's params (what the REST API validates a trigger's conf against).
    from dags.ask_lakepilot import SESSION_PATTERN

    for payload in PAYLOADS:
        try:
            Param(None, type=["null", "string"], pattern=SESSION_PATTERN).resolve(payload)
            tally.effect("ask_lakepilot params.session_id", f"{payload[:20]!r} accepted")
        except Exception as exc:  # ParamValidationError
            tally.refused("ask_lakepilot params.session_id", f"session_id: {exc}", ("session_id",))
    tally.record(figures, "orchestrator_inputs", ask_world, before)


# -- provisioning names --------------------------------------------------------------------------------

NAME_PATHS = [
    ("stack",), ("requester",), ("context", "team"), ("context", "resource_group"),
    ("capabilities", 0, "params", "workspace_name"), ("capabilities", 0, "params", "managed_resource_group_name"),
    ("capabilities", 0, "params", "instance_pool_name"), ("capabilities", 0, "params", "cluster_name"),
    ("capabilities", 1, "params", "account_name"), ("capabilities", 1, "params", "deployments", 0, "name"),
    ("capabilities", 2, "params", "nsg_name"), ("capabilities", 2, "params", "rules", 0, "name"),
]


LABELS = {"nsg_name": ("network security group name",)}  # how the naming rule words it


def test_provisioning_names(figures) -> None:
    from include.provisioning.plan import PlanValidationError, validate_plan
    from include.terraform import stacks
    from tests.include.provisioning.conftest import make_plan

    base = json.loads(make_plan().model_dump_json())
    state_root = stacks.state_file("probe", "x").parents[2]
    before = sorted(p.name for p in state_root.glob("*")) if state_root.is_dir() else []
    tally = Tally()
    for path in NAME_PATHS:
        for payload in PAYLOADS:
            plan = json.loads(json.dumps(base))
            node = plan
            for part in path[:-1]:
                node = node[part]
            node[path[-1]] = payload
            try:
                validate_plan(plan)
                tally.effect(".".join(map(str, path)), f"{payload[:20]!r} accepted into a plan")
            except (PlanValidationError, ValueError) as exc:
                field = str(path[-1])
                tally.refused(".".join(map(str, path)), str(exc), (field, field.replace("_", " "), *LABELS.get(field, ())))
    after = sorted(p.name for p in state_root.glob("*")) if state_root.is_dir() else []
    if after != before:
        tally.effect("terraform", "a stack appeared")
    tally.record(figures, "provisioning_names")
