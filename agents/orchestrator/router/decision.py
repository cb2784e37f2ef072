"""How the router's pieces combine: clarifications, follow-ups, and LLM-vs-offline reconciliation.

Reconciliation rule (docs/router.md): the LLM's domains are accepted, plus every domain the
offline router is sure of (final score >= KEEP_CONFIDENCE, typically a rule fired and the
classifier agrees). If the LLM calls the question ambiguous but the offline router is sure, the offline
domains stand. Either way `path` says which router decided.
"""

from __future__ import annotations

import re

from agents.orchestrator.router.domains import DOMAIN_TITLES
from agents.orchestrator.router.llm_router import LLMRoute
from agents.orchestrator.router.models import Clarification, DomainScore, RouteContext, RoutePath
from include.ops.models import DOMAINS, Domain

KEEP_CONFIDENCE = 0.9  # offline domains at or above this survive an LLM that dropped them
LLM_PICK_CONFIDENCE = 0.8  # what a domain the LLM chose counts as, at least
INHERITED_CONFIDENCE = 0.9  # domains carried over from the previous turn
OPTION_FLOOR = 0.15  # a domain scoring below this is not offered in a clarification
MAX_OPTIONS = 3

_ELLIPTIC = re.compile(
    r"^\s*(?:and\s+|so\s+)?(?:why|how\s+come|which\s+ones?|who|tell\s+me\s+more|more\s+details?|details?|"
    r"break\s+(?:it|that)\s+down|drill\s+(?:down|into\s+(?:it|that))|go\s+on|what\s+else|anything\s+else)\b\W*$",
    re.IGNORECASE,
)


_ALL_OF_THEM = re.compile(r"^\s*(?:all(?:\s+of\s+them)?|both(?:\s+of\s+them)?|everything|every\s+(?:one|area|domain))\W*$", re.IGNORECASE)


def is_elliptic(question: str) -> bool:
    """A follow-up that only makes sense with the previous turn ("why?", "which ones?")."""
    return bool(_ELLIPTIC.match(question))


def inherited_domains(
    question: str, chosen: list[Domain], context: RouteContext | None, window_changed: bool
) -> list[Domain]:
    """Domains a follow-up takes from the previous turn; empty when it names its own or none apply.

    "all of them" / "both" answers a clarification with every option offered; a question that
    names no domain but moves the window ("and the week before?") or is elliptic ("why?") keeps
    the previous turn's domains.
    """
    if context is None or chosen:
        return []
    if context.clarification_options and _ALL_OF_THEM.match(question):
        return list(context.clarification_options)
    if context.domains and (window_changed or is_elliptic(question)):
        return list(context.domains)
    return []


def clarification(scores: dict[Domain, float], preferred: list[Domain] | None = None) -> Clarification:
    """Ask which area the user means, offering the likeliest domains (the previous turn's first)."""
    likely = sorted((d for d in DOMAINS if scores.get(d, 0.0) >= OPTION_FLOOR), key=lambda d: -scores[d])
    options = list(dict.fromkeys([*(preferred or []), *likely]))[:MAX_OPTIONS]
    reason = "low_confidence" if options else "no_domain_matched"
    if len(options) < 2:
        options = list(DOMAINS)
    titles = [DOMAIN_TITLES[d] for d in options]
    listed = f"{', '.join(titles[:-1])} or {titles[-1]}"
    suffix = " (or all of them)" if len(options) == len(DOMAINS) else ""
    return Clarification(question=f"Which area should I look at: {listed}?{suffix}", options=options, reason=reason)


def offline_scores(domains: list[Domain], scores: dict[Domain, float]) -> list[DomainScore]:
    return [DomainScore(domain=d, confidence=round(scores[d], 4)) for d in domains]


def reconcile(
    llm: LLMRoute, offline: list[Domain], scores: dict[Domain, float]
) -> tuple[list[DomainScore], Clarification | None, RoutePath, list[str]]:
    """Combine the LLM's answer with the offline decision (see module docstring)."""
    sure = [d for d in offline if scores[d] >= KEEP_CONFIDENCE]
    if llm.ambiguous or not llm.domains:
        if sure:
            return offline_scores(offline, scores), None, "llm+offline", ["llm: ambiguous; offline router is sure"]
        options = [d for d in DOMAINS if d in llm.domains]
        return [], clarification(scores, options), "llm", ["llm: ambiguous"]
    chosen = set(llm.domains) | set(sure)
    picked = [
        DomainScore(domain=d, confidence=round(max(scores[d], LLM_PICK_CONFIDENCE if d in llm.domains else 0.0), 4))
        for d in DOMAINS
        if d in chosen
    ]
    if chosen == set(llm.domains):
        return picked, None, "llm", [f"llm chose {sorted(llm.domains)}"]
    added = sorted(chosen - set(llm.domains))
    return picked, None, "llm+offline", [f"llm chose {sorted(llm.domains)}; offline added {added}"]
