"""The ask box: answers come from the ask service (`agents.orchestrator.ask`), typed end to end, or the
page says plainly why not."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lakepilot_airflow.ui import ask as ask_module

from agents.orchestrator.models import Answer
from agents.orchestrator.router.models import DomainScore
from include.untrusted.limits import DAG_CONF, QUESTION


@pytest.fixture
def orchestrator(monkeypatch):
    """A stand-in for the ask service (the slow test below uses the real one), recording what it was given
    and answering with a real `Answer`."""
    calls: list[dict] = []

    def fake_ask(question: str, session_id: str, *, warehouse, llm) -> Answer:
        calls.append({"question": question, "session_id": session_id, "warehouse": warehouse, "llm": llm})
        return Answer(session_id=session_id, turn=1, question=question, status="answered",
                      answer=f"Cost rose because of {question.split()[-1]}", headline="Cost rose",
                      now=datetime(2026, 5, 10, tzinfo=UTC), domains=[DomainScore(domain="cost", confidence=0.9)],
                      agent_path="deterministic")

    monkeypatch.setattr(ask_module, "service_ask", fake_ask)
    return calls


def test_answer_from_the_orchestrator(client, orchestrator, lakehouse) -> None:
    body = client.post("/api/ask", json={"question": "why nightly_etl", "session_id": "s-1"}).json()
    assert body["status"] == "answered"
    assert body["answer"] == "Cost rose because of nightly_etl"
    assert body["domains"] == ["cost"] and body["agent_path"] == "deterministic" and body["answer_status"] == "answered"
    assert body["details"]["headline"] == "Cost rose" and body["details"]["turn"] == 1
    assert orchestrator[0]["session_id"] == "s-1"
    assert orchestrator[0]["warehouse"] is not None and orchestrator[0]["llm"] is None


@pytest.mark.parametrize("payload", [{"question": ""}, {"question": "x" * (DAG_CONF.chars + 1)},
                                     {"question": "ok", "session_id": "a b"}])
def test_bad_questions_are_refused(client, orchestrator, payload) -> None:
    assert client.post("/api/ask", json=payload).status_code == 422
    assert orchestrator == []


def test_a_long_question_is_passed_on_and_echoed_back_bounded(client, orchestrator) -> None:
    # The ask service cuts it to the QUESTION cap and says so; the box never echoes more than that.
    question = "why did nightly_etl fail? " + "x" * 10_000
    body = client.post("/api/ask", json={"question": question}).json()
    assert orchestrator[0]["question"] == question
    assert len(body["question"]) <= QUESTION.chars and "characters cut" in body["question"]


def test_orchestrator_failure_is_shown_with_secrets_redacted(client, monkeypatch) -> None:
    def broken(question, session_id, *, warehouse, llm):
        raise RuntimeError("warehouse said: Authorization: Bearer dapi0123456789abcdef0123456789abcdef")

    monkeypatch.setattr(ask_module, "service_ask", broken)
    body = client.post("/api/ask", json={"question": "hi"}).json()
    assert body["status"] == "error" and "RuntimeError" in body["message"]
    assert "dapi0123456789abcdef" not in body["message"]


def test_form_post_needs_same_origin_when_signed_in_by_cookie(anon, airflow_tokens, orchestrator, lakehouse) -> None:
    anon.cookies.set("_token", airflow_tokens.for_user())
    refused = anon.post("/ask", data={"question": "why nightly_etl"})
    assert refused.status_code == 403 and orchestrator == []
    foreign = anon.post("/ask", data={"question": "why nightly_etl"}, headers={"Origin": "https://evil.example"})
    assert foreign.status_code == 403 and orchestrator == []
    ok = anon.post("/ask", data={"question": "why nightly_etl"}, headers={"Origin": "http://testserver"})
    assert ok.status_code == 200
    assert "Cost rose because of nightly_etl" in ok.text
    session = ok.cookies.get("lakepilot_ask_session")
    assert session and orchestrator[0]["session_id"] == session


@pytest.mark.slow  # the orchestrator trains its router on first use (~25 s here)
def test_the_installed_orchestrator_answers_through_the_page(anon, airflow_tokens, lakehouse) -> None:
    """No stand-in: the real `agents.orchestrator.ask`, deterministic path, over the sample lakehouse."""
    from tests.plugins.conftest import NOW
    from tests.plugins.sample_ops import write_sample_ops

    write_sample_ops(lakehouse, NOW)
    anon.cookies.set("_token", airflow_tokens.for_user())
    headers = {"Origin": "http://testserver"}
    first = anon.post("/ask", data={"question": "Why did cost go up yesterday?"}, headers=headers)
    assert first.status_code == 200
    assert 'class="turn a"' in first.text and "cost" in first.text
    second = anon.post("/ask", data={"question": "and security?"}, headers=headers)
    # The earlier turn of this browser session, stored by the orchestrator, is shown above the new one.
    assert second.text.count('class="turn q"') == 2 and "Why did cost go up yesterday?" in second.text


_JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=200),
                     lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
                     max_leaves=20)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.one_of(_JSON, st.fixed_dictionaries({"question": st.text(min_size=1, max_size=300)}, optional={
    "session_id": st.one_of(st.none(), st.text(max_size=80))})), raw=st.binary(max_size=200))
def test_any_body_gets_an_answer_or_a_named_refusal_never_a_server_error(client, orchestrator, body, raw) -> None:
    assert client.post("/api/ask", json=body).status_code in (200, 422)
    response = client.post("/api/ask", content=raw, headers={"Content-Type": "application/json"})
    assert response.status_code in (200, 400, 422)  # 400: a body that is not JSON at all
