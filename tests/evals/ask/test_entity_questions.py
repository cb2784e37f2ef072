"""Entity questions (#18): does `ask` lead with the thing the question names?

One question per incident the sweeps find in a simulated workspace, phrased the way people ask about
a job, a table, an endpoint, a cluster, a warehouse, a user or an IP. The answer's first line must
carry a finding about that entity (its summary names the entity and the number that matters). The
question templates were written by the same team as the code, so this measures entity focus, not
language understanding.

Two workspaces (offline, 2026-12-07):
- seed 41, the development set: 44% (11/25) when first measured, before entity routing (most misses
  asked back "which area?"); 92% after (entity names from the inventory route the question; the
  two misses: two clusters share a name, and "today" at midnight has no data yet).
- seed 43, held out: measured once after that work: 92% (22/24); misses: "today" at midnight, and
  "ltv", a table name too short (3 letters) to be taken for a name.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from agents.orchestrator import ask
from agents.orchestrator.labels import Labels
from include.health.runner import run_domain
from include.lakehouse.warehouse import LocalWarehouse
from include.ops.models import DOMAINS
from include.ops.store import LocalOpsStore
from include.simulator.generate import generate_workspace
from include.simulator.manifest import load_manifest

pytestmark = pytest.mark.slow

DEV_SEED, HELD_OUT_SEED, END = 41, 43, date(2026, 5, 12)
NOW = datetime(2026, 5, 13, tzinfo=UTC)
DEV_FLOOR = 0.88
HELD_OUT_MEASURED = 0.91  # measured once on seed 43: 22 of 24 (92%); asserted as a floor
TARGET = 0.90
INFORMATIONAL = {"top_contributors", "mttr"}

TEMPLATES: dict[str, list[str]] = {
    "endpoint": ["How is the {name} model performing?", "Is the {name} endpoint OK?", "anything wrong with {name} serving?"],
    "job": ["Is job {name} OK?", "what's going on with {name}?", "did {name} run fine yesterday?"],
    "cluster": ["What's up with cluster {name}?", "Is the {name} cluster sized right?", "how busy is {name}?"],
    "warehouse": ["How is the {name} warehouse doing?", "are queries on {name} slow?", "is {name} keeping up?"],
    "table": ["Is {name} up to date?", "what's wrong with the {name} table?", "can I trust {name} today?"],
    "schema": ["Is {name} properly classified?", "what about the {name} schema?"],
    "user": ["What did {name} do yesterday?", "is {name} behaving normally?", "anything odd about {name}?"],
    "ip": ["What is {name} doing?", "which logins came from {name}?", "should I worry about {name}?"],
    "workspace": ["How is spend in workspace {name}?", "is {name} over budget?"],
    "workspace_sku": ["why did {name} spend jump?"],
}


def _name(entity_type: str, entity_id: str, labels: Labels) -> str:
    known = labels.name(f"{entity_type}:{entity_id}")
    if entity_type == "table":
        return entity_id.rsplit(".", 1)[-1]
    if entity_type == "workspace_sku":
        return entity_id.split("/", 1)[-1]
    return str(known or entity_id)


def _pick(options: list[str], key: str) -> str:
    return options[int(hashlib.sha256(key.encode()).hexdigest(), 16) % len(options)]


def _workspace(tmp_path_factory: pytest.TempPathFactory, seed: int) -> tuple[Path, list[tuple[str, str, set[str]]]]:
    root = tmp_path_factory.mktemp(f"entity-eval-{seed}") / "lakehouse"
    generate_workspace(root, days=14, scale="small", seed=seed, end=END)
    manifest = load_manifest(root)  # the question writer knows the workspace's names; the product reads its tables
    assert manifest is not None
    labels = Labels({**{f"workspace:{w.workspace_id}": w.name for w in manifest.workspaces},
                     **{f"job:{j.job_id}": j.name for j in manifest.jobs},
                     **{f"warehouse:{w.warehouse_id}": w.name for w in manifest.warehouses},
                     **{f"cluster:{c.cluster_id}": c.cluster_name for c in manifest.clusters}})
    warehouse = LocalWarehouse(root)
    by_entity: dict[tuple[str, str], set[str]] = {}
    for domain in DOMAINS:
        for f in run_domain(warehouse, domain, NOW).findings:
            if f.check in INFORMATIONAL or f.evidence.get("informational"):
                continue
            by_entity.setdefault((f.entity_type, f.entity_id), set()).add(f.summary.rstrip("."))
    cases = []
    for (kind, ident), summaries in sorted(by_entity.items()):
        if kind not in TEMPLATES:
            continue
        name = _name(kind, ident, labels)
        cases.append((_pick(TEMPLATES[kind], f"{kind}:{ident}").format(name=name), name, summaries))
    return root, cases


def _score(root: Path, cases: list[tuple[str, str, set[str]]]) -> tuple[float, list[str]]:
    warehouse, store = LocalWarehouse(root), LocalOpsStore(root)
    misses = []
    for question, _name, summaries in cases:
        answer = ask(question, now=NOW, warehouse=warehouse, store=store)
        first = answer.answer.splitlines()[0] if answer.answer else ""
        if not any(s in first for s in summaries):
            misses.append(f"{question!r} → {first[:160]!r}")
    return 1 - len(misses) / len(cases), misses


@pytest.mark.parametrize(("seed", "floor"), [(DEV_SEED, DEV_FLOOR), (HELD_OUT_SEED, HELD_OUT_MEASURED)],
                         ids=["development", "held-out"])
def test_entity_questions_lead_with_the_entity(tmp_path_factory, seed: int, floor: float) -> None:
    root, cases = _workspace(tmp_path_factory, seed)
    assert len(cases) >= 15, f"only {len(cases)} entity incidents in workspace {seed}"
    score, misses = _score(root, cases)
    print(f"entity questions, seed {seed}: {score:.0%} of {len(cases)} led with the named entity; misses:\n" + "\n".join(misses))
    assert score >= floor, misses
    if score < TARGET:
        pytest.xfail(f"{score:.0%} < the {TARGET:.0%} target of #18")
