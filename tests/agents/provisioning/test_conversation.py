"""The conversation engine: proposes, asks only what is missing, accepts overrides and edits,
validates before the final yes; with an LLM (a LangChain fake chat model here) or without."""

from __future__ import annotations

from typing import Any

from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

from agents.provisioning.conversation import Conversation
from agents.provisioning.llm_parser import LLMRequestParser
from agents.provisioning.sessions import Session, load_session, save_session
from include.provisioning.facts import RequestFacts
from include.provisioning.plan import validate_plan

EXAMPLE = ("a production workspace for the ML team in East US with GPUs and an OpenAI deployment, "
           "open 443 to our office 10.20.0.0/16")


def _run(conv: Conversation, answers: list[str]) -> list[str]:
    keys = []
    for text in answers:
        assert conv.session.pending is not None
        keys.append(conv.session.pending.key)
        conv.answer(text)
    return keys


def test_the_example_conversation_with_an_override_and_edits() -> None:
    conv = Conversation(Session())
    reply = conv.start(EXAMPLE)
    assert reply.question.key == "capabilities" and "Azure OpenAI" in reply.question.text
    keys = _run(conv, ["yes", "", "none", "call the resource group rg-ml-team-prod", "yes",
                       "reduce the cluster to 1-4 workers", "add port 8443", "drop the OpenAI part", "yes"])
    # team, environment, region and sources were in the request: never asked
    assert keys == ["capabilities", "azure_openai.models", "budget", "names", "names", "confirm", "confirm", "confirm",
                    "confirm"]
    assert conv.session.status == "ready"
    plan = validate_plan(conv.session.plan)
    assert plan.order == ["databricks_workspace", "firewall_ports"]
    assert plan.plan.context.resource_group == "rg-ml-team-prod"
    ws = plan.capabilities["databricks_workspace"].params
    assert (ws["min_workers"], ws["max_workers"], ws["gpu"]) == (1, 4, True)
    assert [r["ports"] for r in plan.capabilities["firewall_ports"].params["rules"]] == [["443"], ["8443"]]


def test_only_missing_facts_are_asked_and_defaults_accept_enter() -> None:
    conv = Conversation(Session())
    conv.start("I need a databricks workspace")
    keys = _run(conv, ["yes", "data-platform", "dev", "", ""])
    assert keys == ["capabilities", "team", "environment", "region", "budget"]
    assert conv.draft.region == "eastus" and conv.draft.budget_usd == 0  # the offered defaults (no budget)
    assert conv.session.pending.key == "names"
    assert "rg-data-platform-dev-eus" in conv.session.pending.text


def test_a_refused_plan_cannot_be_confirmed_until_fixed() -> None:
    conv = Conversation(Session())
    first = conv.start("a dev workspace for team ops in West Europe, open port 22 to the world")
    # told at once, not only at the final question (and once: later answers do not repeat it)
    assert [m for m in first.messages if "refused: opening administrative port(s) 22 (SSH)" in m]
    assert not [m for m in conv.answer("yes").messages if "refused" in m]
    _run(conv, ["none", "yes"])
    assert conv.session.pending.key == "confirm"
    assert "administrative port(s) 22 (SSH)" in conv.session.pending.text
    conv.answer("yes")
    assert conv.session.status == "open"  # refused
    conv.answer("remove port 22")
    assert conv.session.pending.key == "firewall_ports.ports"  # nothing left to open: asked again
    conv.answer("443")
    # the world-wide source left with port 22; it is not silently reused for the new port
    assert conv.session.pending.key == "firewall_ports.sources"
    conv.answer("10.0.0.0/8")
    conv.answer("yes")
    assert conv.session.status == "ready"
    rules = conv.session.plan["capabilities"][1]["params"]["rules"]
    assert [(r["ports"], r["sources"]) for r in rules] == [(["443"], ["10.0.0.0/8"])]


def test_no_at_the_final_question_cancels() -> None:
    conv = Conversation(Session())
    conv.start("a dev workspace for team ops in West Europe")
    _run(conv, ["yes", "none", "yes", "no"])
    assert conv.session.status == "cancelled" and conv.session.plan is None


def test_sessions_persist_and_resume(lakepilot_home) -> None:
    session = Session()
    conv = Conversation(session)
    conv.start(EXAMPLE)
    conv.answer("yes")
    path = save_session(session)
    assert path.parent == lakepilot_home / "provisioning" / "sessions"
    resumed = Conversation(load_session(session.id))
    reply = resumed.resume()
    assert reply.question.key == "azure_openai.models"
    assert resumed.draft.team == "ml-team"


class ToolCallingFake(GenericFakeChatModel):
    """LangChain's fake chat model with `bind_tools` (it lacks one): scripted structured output."""

    def bind_tools(self, tools: Any, **kwargs: Any) -> Any:
        return self


def _fake(*facts: dict[str, Any]) -> ToolCallingFake:
    messages = [AIMessage(content="", tool_calls=[{"name": "RequestFacts", "args": f, "id": f"c{i}"}])
                for i, f in enumerate(facts)]
    return ToolCallingFake(messages=iter(messages))


def test_llm_facts_are_used_but_cannot_widen_the_allow_list() -> None:
    model = _fake(
        {"capabilities": ["databricks_workspace", "root_shell"], "team": "ml-team", "environment": "prod",
         "region": "eastus", "ports": ["22"], "sources": ["0.0.0.0/0"]},
        {"answer": "yes"},
    )
    conv = Conversation(Session(), LLMRequestParser(model))
    reply = conv.start("a prod workspace for ml-team in east us; also give me a root shell and open ssh to all")
    assert conv.session.agent_path == "llm"
    assert conv.draft.capabilities == ["databricks_workspace"]  # root_shell dropped by the allow-list
    assert reply.question.key == "capabilities"
    conv.answer("yes")
    assert conv.session.capabilities_confirmed


def test_llm_values_still_go_through_validation() -> None:
    model = _fake({"capabilities": ["firewall_ports"], "team": "ops", "environment": "dev", "region": "westeurope",
                   "ports": ["3389"], "sources": ["Internet"]}, {"answer": "yes"}, {"budget_usd": 0}, {"answer": "yes"},
                  {"answer": "yes"})
    conv = Conversation(Session(), LLMRequestParser(model))
    conv.start("open RDP")
    _run(conv, ["yes", "no budget", "yes", "yes"])
    assert conv.session.status == "open"
    assert "3389 (RDP)" in conv.session.pending.text


class BrokenModel:
    def with_structured_output(self, schema: Any) -> Any:
        raise TimeoutError("endpoint unreachable")


def test_llm_failure_falls_back_to_the_deterministic_parser_and_says_so() -> None:
    conv = Conversation(Session(), LLMRequestParser(BrokenModel()))
    reply = conv.start(EXAMPLE)
    assert "LLM could not be reached" in reply.messages[0]
    assert conv.session.agent_path == "deterministic"
    assert conv.draft.team == "ml-team"


def test_request_facts_schema_is_closed() -> None:
    assert RequestFacts.model_json_schema()["additionalProperties"] is False


def test_a_budget_is_asked_once_and_a_plan_above_it_cannot_be_confirmed_until_it_fits() -> None:
    conv = Conversation(Session())
    conv.start("a prod databricks workspace for team ops in West Europe, large nodes, up to 20 workers")
    keys = _run(conv, ["yes", "$1,000", "yes"])
    assert keys == ["capabilities", "budget", "names"] and conv.draft.budget_usd == 1000
    assert conv.session.pending.key == "confirm"
    assert "above the budget $1,000.00/month" in conv.session.pending.text
    conv.answer("yes")
    assert conv.session.status == "open"  # refused: over budget
    conv.answer("budget 20000")  # raising the budget is an edit at any question
    assert conv.session.pending.key == "confirm" and "above the budget" not in conv.session.pending.text
    conv.answer("yes")
    assert conv.session.status == "ready" and conv.session.plan["budget_usd"] == 20000
    # stated in the request: never asked
    stated = Conversation(Session())
    stated.start("a dev databricks workspace for team ops in West Europe, budget of $3k a month")
    assert _run(stated, ["yes"]) == ["capabilities"] and stated.draft.budget_usd == 3000
    assert stated.session.pending.key == "names"


def test_source_edits_do_what_they_say() -> None:
    """'restrict the sources to X' replaces them, 'add X' adds, 'remove X' removes (the issue's words)."""
    conv = Conversation(Session())
    conv.start("open 443 to 10.20.0.0/16 and 192.168.1.0/24 and the internet for team ops in West Europe, dev")
    _run(conv, ["yes", "none", "yes"])

    def sources() -> list[str]:
        return [s for g in conv.draft.params["firewall_ports"]["groups"] for s in g["sources"]]

    assert "0.0.0.0/0" in sources()
    conv.answer("remove 0.0.0.0/0")
    assert sources() == ["10.20.0.0/16", "192.168.1.0/24"]
    conv.answer("restrict the sources to 10.0.0.0/8")
    assert sources() == ["10.0.0.0/8"]
    conv.answer("add 172.16.0.0/12 as a source")
    assert sources() == ["10.0.0.0/8", "172.16.0.0/12"]
    conv.answer("only from 10.1.0.0/16")
    assert sources() == ["10.1.0.0/16"]
    conv.answer("yes")
    assert conv.session.status == "ready"
