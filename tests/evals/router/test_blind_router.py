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

Set 1 is development data since its measurement: its misses motivated rules for what each domain's checks
cover (PII tag coverage is data quality, PII exposure security; "who changed/deleted/accessed" is the audit
log; CPU and utilisation are performance; "stopped running" is reliability, "stopped updating" data
quality; a training run's failure is the model's) — 85.6% → 90.0% exact, over-routing 5.9% → 3.5% (tuned).
`blind_questions_2.jsonl` (100 questions, a second separate writer with the same brief, 2026-12-07) was
measured once after those rules: router and ask 88.0% exact (88/100), main domain 96.8%, over-routing 4.3%.
Its misses are mostly a second or third domain left out ("slow and expensive", "spend, failures and
latency"), two cost-vocabulary collisions ("expensive joins", "the cost of a slow query" meaning wait
time), and one labelling convention: an endpoint's latency is mlops here (its check lives there), the
writer added performance.
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

TARGET_EXACT, TARGET_OVER = 0.95, 0.05
# (exact accuracy, main domain in the set, over-routing) per set and router. Set 1 measured once on
# 2026-12-07 at router 77/90, ask 78/90 (0.856/0.929/0.059, 0.867/0.941/0.059); the floors are its tuned
# figures since. Set 2 measured once on 2026-12-07.
MEASURED = {
    ("blind_questions.jsonl", "router"): (0.900, 0.976, 0.035),
    ("blind_questions.jsonl", "ask"): (0.911, 0.988, 0.035),
    ("blind_questions_2.jsonl", "router"): (0.880, 0.968, 0.043),
    ("blind_questions_2.jsonl", "ask"): (0.880, 0.968, 0.043),
}


def _items(name: str) -> list[LabelledQuestion]:
    path = Path(__file__).with_name(name)
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
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


@pytest.mark.parametrize(("blind_set", "name"), list(MEASURED))
def test_routing_on_questions_the_team_did_not_write(blind_set: str, name: str) -> None:
    items = _items(blind_set)
    assert len(items) >= 80
    report = evaluate(items, split="blind", router=ROUTERS[name])
    exact, main, over = _scores(items, report, ROUTERS[name])
    print("\n".join(report.summary_lines()))
    print(f"{name}: exact {exact:.1%}, main domain in the set {main:.1%}, over-routing {over:.1%}")
    floor_exact, floor_main, ceiling_over = MEASURED[(blind_set, name)]
    assert exact >= floor_exact - 0.005 and main >= floor_main - 0.005 and over <= ceiling_over + 0.005
    if exact < TARGET_EXACT or over > TARGET_OVER:
        pytest.xfail(f"exact {exact:.1%} (target {TARGET_EXACT:.0%}), over-routing {over:.1%} (target ≤ {TARGET_OVER:.0%})")
