"""Learned rules: an LLM verdict confirmed often enough becomes a pattern rule; a contradicted one retires.

The LLM is LangChain's `GenericFakeChatModel` with a `bind_tools` that returns itself (the fakes lack
one), answering every prompt with one scripted `TriageAnalysis` tool call - the agent loop, prompt
rendering, validation and combination are the production code.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult

from agents.remediation.agent import remediate
from include.ops.models import RemediationDecision
from include.remediation.learning import LearnedRule, effective_rules, learn_rules, learned_pattern
from include.remediation.models import ClusterSettings, FailureContext, TaskFailure
from include.remediation.patterns import load_rules
from include.remediation.policy import RemediationPolicy
from include.remediation.stats import record_feedback

NOW = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)
NOVEL = ("com.acme.flux.CapacitorQuotaException: flux capacitor quota of {n} units exhausted for "
         "pipeline run {n}7 in region eu-west")


class ScriptedLLM(GenericFakeChatModel):
    """Answers every call with the same TriageAnalysis tool call."""

    args: dict[str, Any]
    triage_timeout_s: float = 5.0

    def bind_tools(self, tools: Any, **kwargs: Any) -> ScriptedLLM:  # type: ignore[override]
        return self

    def _generate(self, messages: list[BaseMessage], stop: Any = None, run_manager: Any = None, **kw: Any) -> ChatResult:
        call = AIMessage(content="", tool_calls=[{"name": "TriageAnalysis", "args": self.args, "id": "c1"}])
        return ChatResult(generations=[ChatGeneration(message=call)])


LLM_SAYS_QUOTA = ScriptedLLM(messages=iter(()), args={
    "category": "resource", "suggested_action": "RETRY", "confidence": 0.8,
    "rationale": "A capacity quota was exhausted; retrying later usually works.",
})


def _failure(i: int, text: str = NOVEL) -> FailureContext:
    return FailureContext(
        job_id="88", run_id=f"77{i}", job_name="flux_job", owner="owner@example.com", result_state="FAILED",
        termination_code="RUN_EXECUTION_ERROR", tasks=[TaskFailure(task_key="main", error=text.format(n=100 + i))],
        cluster=ClusterSettings(node_type_id="r5.xlarge", num_workers=2),
    )


def _decide(store, i: int, *, llm: Any = LLM_SAYS_QUOTA, text: str = NOVEL) -> RemediationDecision:
    history = store.read(RemediationDecision, {"job_id": "88"})
    d = remediate(_failure(i, text), history, RemediationPolicy(dedup_window_minutes=0), NOW + timedelta(hours=i),
                  llm=llm, rules=effective_rules(store))
    store.upsert([d])
    return d


def test_confirmed_llm_verdicts_become_a_rule_with_provenance(store) -> None:
    decided = [_decide(store, i) for i in range(3)]
    assert {(d.decided_by, d.category, d.action) for d in decided} == {("llm", "resource", "SEND_EMAIL")}
    assert len({d.fingerprint for d in decided}) == 1  # numbers differ, the failure is the same

    for d in decided[:2]:
        record_feedback(store, d.decision_id, "correct")
    report = learn_rules(store, NOW, threshold=3)
    assert report.promoted == [] and "2 of 3" in report.waiting[decided[0].fingerprint]

    record_feedback(store, decided[2].decision_id, "correct")
    report = learn_rules(store, NOW, threshold=3)
    (rule,) = store.read(LearnedRule)
    assert report.promoted == [rule.rule_id] and rule.active
    assert (rule.category, rule.confirmations, rule.threshold) == ("resource", 3, 3)
    assert sorted(rule.decision_ids) == sorted(d.decision_id for d in decided)
    assert rule.llm_models == ["ScriptedLLM"]

    # The next occurrence is recognised by the pattern engine alone - no LLM configured.
    fourth = _decide(store, 9, llm=None)
    assert (fourth.decided_by, fourth.category, fourth.rule_ids) == ("pattern", "resource", [rule.rule_id])
    assert fourth.rules_version != load_rules().label
    # ...and it is specific: another error is not caught by it.
    other = _decide(store, 10, llm=None, text="java.lang.IllegalStateException: widget {n} is closed")
    assert rule.rule_id not in other.rule_ids

    # Learning is idempotent.
    assert learn_rules(store, NOW, threshold=3).promoted == []
    assert len(store.read(LearnedRule)) == 1


def test_a_learned_rule_that_proves_wrong_is_retired(store) -> None:
    for d in [_decide(store, i) for i in range(3)]:
        record_feedback(store, d.decision_id, "correct")
    learn_rules(store, NOW)
    later = _decide(store, 5, llm=None)
    record_feedback(store, later.decision_id, "wrong")
    report = learn_rules(store, NOW)
    (rule,) = store.read(LearnedRule)
    assert report.retired == [rule.rule_id] and not rule.active and later.decision_id in rule.note
    assert rule.rule_id not in {r.id for r in effective_rules(store).rules}


def test_a_contradiction_blocks_promotion(store) -> None:
    decided = [_decide(store, i) for i in range(4)]
    for d in decided[:3]:
        record_feedback(store, d.decision_id, "correct")
    record_feedback(store, decided[3].decision_id, "wrong")
    report = learn_rules(store, NOW)
    assert report.promoted == [] and "contradiction" in report.waiting[decided[0].fingerprint]


def test_outcomes_confirm_too_and_feedback_wins_over_them(store) -> None:
    from include.remediation.acting import update_decision

    decided = [_decide(store, i) for i in range(3)]
    for d in decided:
        update_decision(store, d, outcome="succeeded")
    assert learn_rules(store, NOW).promoted  # three successful repairs confirm the LLM


def test_too_generic_text_gives_no_rule() -> None:
    assert learned_pattern("Error 42") is None
    assert learned_pattern("failed at 2026-01-01 with code 7") is None
    pattern = learned_pattern(NOVEL.format(n=5))
    assert pattern is not None and "flux" in pattern
    import re

    assert re.search(pattern, NOVEL.format(n=123456), re.I)
