"""Real users' questions, exported for labelling: the next honest source of router test data.

Hand-written batches of questions stopped teaching the router much (docs/router.md); what users
actually ask does. `asked_questions` reads `lakepilot.ops.conversations` and returns each distinct
question once (case and spacing ignored), ready to be labelled and added to
`agents/orchestrator/data/router_questions.jsonl`.

What it deliberately leaves out or adds:

- **No routed domains.** A labeller who sees what the router chose tends to agree with it; the
  export carries the question only, so labels stay independent of the model.
- **Secrets redacted** (the same patterns as reports): users paste tokens into questions too.
- **Questions already shipped are dropped**, and every other one carries `nearest_shipped`, its
  highest word-bigram TF-IDF cosine to a shipped question, so near-twins (≥ 0.6) can be dropped
  *unread* before a batch joins the test split, as every earlier batch was.
- **Follow-ups are marked** (`turn` > 1): "and the week before?" means nothing without the
  previous turn; label it ambiguous or leave it out.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from pydantic import BaseModel

from include.clock import as_utc
from include.ops.models import ConversationTurn
from include.ops.store import OpsStore
from include.untrusted.redaction import redact

NEAR_TWIN = 0.6  # the cut-off used for every earlier blind batch (docs/router.md)


class AskedQuestion(BaseModel):
    """One distinct question users asked, without any label."""

    id: str
    question: str
    first_asked_at: datetime
    times_asked: int
    sessions: int
    turn: int
    nearest_shipped: float

    @property
    def near_twin(self) -> bool:
        return self.nearest_shipped >= NEAR_TWIN


def _key(text: str) -> str:
    return " ".join(text.lower().split())


def asked_questions(store: OpsStore, since: datetime | None = None, shipped: list[str] | None = None) -> list[AskedQuestion]:
    """Distinct questions from the conversations table (oldest first), not yet in the shipped set.

    Args:
        store: an ops store (`include.ops.store`).
        since: only turns created at or after this instant (aware; naive means UTC).
        shipped: the questions already labelled; default the router's shipped data file.
    """
    if shipped is None:
        from agents.orchestrator.router.dataset import questions

        shipped = [q.question for q in questions()]
    start = as_utc(since) if since is not None else None
    turns = sorted(store.read(ConversationTurn), key=lambda t: (as_utc(t.created_at), t.session_id, t.turn))
    known = {_key(text) for text in shipped}
    groups: dict[str, list[ConversationTurn]] = {}
    for turn in turns:
        if start is not None and as_utc(turn.created_at) < start:
            continue
        text = redact(" ".join(turn.question.split()))
        if not text or _key(text) in known:
            continue
        groups.setdefault(_key(text), []).append(turn.model_copy(update={"question": text}))
    if not groups:
        return []
    texts = [group[0].question for group in groups.values()]
    nearest = _nearest(texts, shipped)
    return [
        AskedQuestion(
            id="asked-" + hashlib.sha256(key.encode()).hexdigest()[:10],
            question=group[0].question,
            first_asked_at=as_utc(group[0].created_at),
            times_asked=len(group),
            sessions=len({t.session_id for t in group}),
            turn=min(t.turn for t in group),
            nearest_shipped=round(score, 3),
        )
        for (key, group), score in zip(groups.items(), nearest, strict=True)
    ]


def _nearest(texts: list[str], shipped: list[str]) -> list[float]:
    """Each text's highest TF-IDF (word 1–2-gram) cosine to a shipped question (0 when none are shipped)."""
    if not shipped:
        return [0.0] * len(texts)
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics.pairwise import cosine_similarity

    vectors = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True).fit(shipped + texts)
    return [float(s) for s in cosine_similarity(vectors.transform(texts), vectors.transform(shipped)).max(axis=1)]
