"""Text the classifier sees: time expressions removed, glossary concepts added as tokens.

A few hundred labelled questions cannot teach every synonym an engineer uses, so a small
glossary maps platform vocabulary to concept tokens (`zzmoney`, `zzfailure`, …). The
classifier learns a weight per concept, and a question that says "charges" instead of
"spend" still lands near the cost questions. Concepts are soft evidence, unlike `rules.py`.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from agents.orchestrator.router.time_expressions import find_atoms

# Far enough ahead that no expression is dropped as "in the future"; only the spans matter here.
_MASK_NOW = datetime(2999, 1, 1, tzinfo=UTC)

GLOSSARY: dict[str, str] = {
    "zzmoney": r"spend\w*|spent|costs?|costing|costly|bills?|billing|invoices?|charges?|charged|dollars?|\$|"
    r"price[dy]?|pricey|pricing|expensive|cheap\w*|budgets?|dbus?|credits|pay|paying|paid|savings?|save|"
    r"waste\w*|chargeback|showback|finops|skus?|run-?rate|commit|consumption|consumed|economical|tco|"
    r"burn\w*|overspend\w*|discount|list\s+price|money",
    "zzslow": r"slow\w*|sluggish|latency|latencies|lag\w*|long-running|runtimes?|run\s+times?|durations?|"
    r"p50|p9\d|percentile|queu\w*|wait\w*|throughput|bottleneck\w*|spill\w*|skew\w*|shuffl\w*|saturat\w*|"
    r"concurrency|speed\w*|fast\w*|quick\w*|scans?|scanned|prun\w*|optimi[sz]e|z-?order|cache|photon|"
    r"undersized|cold\s+starts?|autoscal\w*|throttl\w*|take\s+(?:so\s+)?long|how\s+long|as\s+long",
    "zzfailure": r"fail\w*|errors?|errored|erroring|crash\w*|broke|broken|break\w*|exceptions?|timeouts?|"
    r"timed\s+out|timing\s+out|oom|out[- ]of[- ]memory|killed|abort\w*|died|die|retr(?:y|ies|ied)|reruns?|"
    r"flaky|unstable|preempt\w*|interrupt\w*|lost\s+executors?|terminated|exit\s+code|stack\s+trace|"
    r"sla|outages?|incidents?|repair\w*|cancel\w*|stuck|restart\w*",
    "zzaccess": r"grants?|granted|revok\w*|permissions?|privileges?|access\w*|admins?|tokens?|pats?|log-?ins?|"
    r"logged\s+in|sign-?ins?|signing\s+in|mfa|sso|audit\w*|secrets?|credentials?|principals?|roles?|"
    r"owners?|ownership|shar(?:e|es|ing)|recipients?|exfiltrat\w*|export\w*|download\w*|pii|"
    r"escalat\w*|impersonat\w*|suspicious|brute|scim|identity|ip\s+access|who\s+(?:can|could|has|had|is\s+allowed)",
    "zzdata": r"tables?|columns?|rows?|records?|nulls?|duplicat\w*|fresh\w*|stale\w*|refresh\w*|updated|"
    r"schemas?|lineage|upstream|downstream|partitions?|expectations?|quality|anomal\w*|distribution|"
    r"completeness|missing|values?|cardinality|integrity|constraints?|malformed|profil\w*|monitor\w*|"
    r"dimension|datasets?|empty|quarantin\w*",
    "zzml": r"models?|endpoints?|serving|served|inference|features?|drift\w*|predict\w*|mlflow|experiments?|"
    r"training|train(?:ed)?|retrain\w*|embeddings?|vector|llm|rag|gpus?|champion|registry|registered|"
    r"accuracy|accurate|classifier|scoring|scores?|a/b|alias|versions?|tokens\s+per|foundation\s+model|"
    r"ai\s+gateway|online\s+(?:tables?|store)|psi|ks\s+statistic",
}
_CONCEPTS = [(token, re.compile(rf"\b(?:{pattern})(?!\w)")) for token, pattern in GLOSSARY.items()]


def mask_time(text: str) -> str:
    """`text` with every time expression blanked out (they say when, not what)."""
    masked = text
    for atom in sorted(find_atoms(text, _MASK_NOW), key=lambda a: a.span[0], reverse=True):
        lo, hi = atom.span
        masked = masked[:lo] + " " + masked[hi:]
    return masked


_WORD = re.compile(r"[a-z][a-z0-9_\-]*")
# Words that carry no topic: a question made only of these ("and the week before?") says nothing
# about a domain, whatever the classifier's intercepts would score it.
_FILLER = frozenset(
    "a about again all also an and any anything are as at be been before but by can could did do does "
    "doing done else for from get give go going got had has have how i in is it its let me more my "
    "now of ok okay on or our please same says show so tell than that the then there these they this "
    "those to up us was we were what whats what's when where which who why will with would you".split()
)


def has_topic_words(text: str) -> bool:
    """True if `text` (time expressions already masked) has a word that could name a topic."""
    return any(word not in _FILLER for word in _WORD.findall(text.lower()))


def concept_tokens(text: str) -> list[str]:
    """One concept token per glossary hit in lower-cased `text` (repeats count, sublinearly)."""
    return [token for token, pattern in _CONCEPTS for _ in pattern.finditer(text)]


def classifier_text(question: str) -> str:
    """What the classifier is trained on and scores: masked, lower-cased, concepts appended."""
    base = " ".join(mask_time(question).lower().split())
    return f"{base} {' '.join(concept_tokens(base))}".strip()


# Where one intent ends and the next begins: sentence ends, a spaced dash, or a joining word
# ("and", "also", "plus", "as well as", …) followed by a word that opens a new question.
# Plain commas and "and" inside a noun phrase ("row filters and column masks") do not split.
# Runs are bounded ({1,8}) so the look-ahead pattern stays linear on any input (tests/include/untrusted).
_CLAUSE_BREAK = re.compile(
    r"[.?!;:]{1,8}\s{1,8}|\s{1,8}[—–-]{1,4}\s{1,8}|,?\s{1,8}\b(?:and|also|plus|as\s{1,8}well\s{1,8}as|separately|then)\b\s{1,8}"
    r"(?=(?:what|which|who|how|is|are|did|does|do|was|were|has|have|can|any|why|where|when|the|it|they|we)\b)",
    re.IGNORECASE,
)
MIN_CLAUSE_WORDS = 3  # shorter pieces ("Connected?") carry no intent of their own


def split_clauses(question: str) -> list[str]:
    """The question's clauses when it has two or more with a topic of their own, else [].

    A multi-intent question usually puts each intent in its own clause ("did query times drop,
    and how much more are we paying?"); scoring clauses separately keeps a second intent from
    being drowned by the first in the whole-question score.
    """
    parts = [
        part.strip()
        for part in _CLAUSE_BREAK.split(question)
        if part and len(part.split()) >= MIN_CLAUSE_WORDS and has_topic_words(mask_time(part))
    ]
    return parts if len(parts) > 1 else []
