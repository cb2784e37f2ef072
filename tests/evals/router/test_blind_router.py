"""Routing on questions nobody on the team wrote (#18): a blind set, measured once.

`blind_questions.jsonl` was written on 2026-12-07 by a separate agent that saw only a one-paragraph
description of each domain, never the router, its training questions or its rules, and was asked to
write the way people ask about Databricks operations on public forums (varied, casual, typos, made-up
names), labelling only the domains a question really asks about; an empty label is a question too
vague to route (the router should ask back).

Two routers are scored: the offline router alone, and what `ask` routes by (the router, asking back
below its confidence floor, and named entities adding the domains that know them). Over-routing is
the share of routable questions given a domain they did not ask about. Figures measured once are in
`MEASURED`; they are asserted as floors and the #18 targets (exact ≥ 95%, over-routing ≤ 5%) are a
strict xfail until they hold.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agents.orchestrator.labels import Labels
from agents.orchestrator.router.dataset import LabelledQuestion
from agents.orchestrator.router.evaluation import EVAL_NOW, EvalReport, evaluate
from agents.orchestrator.router.router import route
from agents.orchestrator.service import MIN_ROUTE_CONFIDENCE, _entity_route, _low_confidence

pytestmark = pytest.mark.slow

BLIND = Path(__file__).with_name("blind_questions.jsonl")
TARGET_EXACT, TARGET_OVER = 0.95, 0.05
# (exact accuracy, main domain in the set, over-routing) measured once on 2026-12-07, per router:
# router 77/90 exact, ask 78/90 (an entity name added mlops+security to b071); most misses leave out a
# second domain the question asked about, and PII-tag coverage is read as security (labelled data quality).
MEASURED = {"router": (0.856, 0.929, 0.059), "ask": (0.867, 0.941, 0.059)}


def _items() -> list[LabelledQuestion]:
    rows = [json.loads(line) for line in BLIND.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [LabelledQuestion(id=r["id"], question=r["question"], domains=r["domains"], split="test",
                             ambiguous=not r["domains"]) for r in rows]


def _ask_route(question: str):
    routed = _low_confidence(route(question, now=EVAL_NOW), MIN_ROUTE_CONFIDENCE)
    return _entity_route(routed, Labels())[0]


ROUTERS = {"router": lambda q: route(q, now=EVAL_NOW), "ask": _ask_route}


def _scores(items: list[LabelledQuestion], report: EvalReport, run) -> tuple[float, float, float]:
    routable = [q for q in items if not q.ambiguous]
    main_hit = over = 0
    for q in routable:
        got = set(run(q.question).domain_names())
        main_hit += q.domains[0] in got
        over += bool(got - set(q.domains))
    return report.exact_accuracy, main_hit / len(routable), over / len(routable)


@pytest.mark.parametrize("name", list(ROUTERS))
def test_routing_on_questions_the_team_did_not_write(name: str) -> None:
    items = _items()
    assert len(items) >= 80
    report = evaluate(items, split="blind", router=ROUTERS[name])
    exact, main, over = _scores(items, report, ROUTERS[name])
    print("\n".join(report.summary_lines()))
    print(f"{name}: exact {exact:.1%}, main domain in the set {main:.1%}, over-routing {over:.1%}")
    floor_exact, floor_main, ceiling_over = MEASURED[name]
    assert exact >= floor_exact - 0.005 and main >= floor_main - 0.005 and over <= ceiling_over + 0.005
    if exact < TARGET_EXACT or over > TARGET_OVER:
        pytest.xfail(f"exact {exact:.1%} (target {TARGET_EXACT:.0%}), over-routing {over:.1%} (target ≤ {TARGET_OVER:.0%})")
