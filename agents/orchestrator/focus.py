"""What a question is about: the entities it names, matched against the findings' entities.

"How is the fraud-detector model performing?" names the endpoint `fraud-detector`; the answer
then leads with what was found about it, not with the domain's most severe finding elsewhere.
Names are matched on words (case, `-`, `_` and `.` ignored: "fraud detector" is `fraud-detector`,
"payments_scores" is `analytics.gold.payments_scores`), then fuzzily ("fraud detection" →
`fraud-detector`, said so in the answer). Text from the question only ever selects among
entities the sweeps already found; it never becomes a query.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any

from include.untrusted.regex import linear

FUZZY_RATIO = 0.86
FUZZY_WORDS = 80  # close names are looked for in the first 80 words (a question is at most 4,000 characters)
MIN_NAME_CHARS = 4
# Names too common to mean an entity when they appear in a question.
GENERIC = frozenset({"prod", "production", "main", "default", "test", "data", "jobs", "job", "cost", "costs", "table",
                     "tables", "model", "models", "users", "user", "admin", "team", "daily", "hourly", "etl", "dev",
                     "staging", "analytics", "gold", "silver", "bronze", "raw", "system", "workspace", "cluster",
                     "warehouse", "endpoint", "shared", "sales", "events"})
_WORD = linear(r"[a-z0-9]+")


# Words that name a kind of entity ("why are my jobs slower?"): findings of that kind lead.
KIND_WORDS = {"job": "job", "jobs": "job", "pipeline": "job", "pipelines": "job", "cluster": "cluster", "clusters": "cluster",
              "warehouse": "warehouse", "warehouses": "warehouse", "endpoint": "endpoint", "endpoints": "endpoint",
              "model": "endpoint", "models": "endpoint", "table": "table", "tables": "table", "login": "user",
              "logins": "user", "users": "user"}


def norm(text: str) -> str:
    """Lower-case words joined by single spaces: `Fraud-Detector_v2` → `fraud detector v2`."""
    return " ".join(_WORD.findall(text.lower()))


@dataclass(frozen=True)
class Mention:
    """An entity the question names: its `type:id` key, the name that matched, and how."""

    key: str
    name: str
    said: str
    exact: bool


@dataclass
class Focus:
    """The entities a question names (empty: the question is about a domain, not a thing)."""

    mentions: list[Mention] = field(default_factory=list)
    kinds: set[str] = field(default_factory=set)  # "my ETL jobs": no one entity, but a kind of them

    @property
    def keys(self) -> set[str]:
        return {m.key for m in self.mentions}

    def about(self, finding: Any) -> bool:
        if self.mentions:
            return f"{finding.entity_type}:{finding.entity_id}" in self.keys
        return finding.entity_type in self.kinds

    def note(self) -> str:
        """How a fuzzy match was read, for the answer ('' when every name was said exactly)."""
        fuzzy = [m for m in self.mentions if not m.exact]
        if not fuzzy:
            return ""
        return "reading " + ", ".join(f'"{m.said}" as {m.name}' for m in fuzzy) + " (the closest name found)"


def names_of(finding: Any, labels: Any = None) -> set[str]:
    """Every name an entity goes by: its id, the last part of a dotted/slashed id, a known display name."""
    ident = str(finding.entity_id)
    names = {ident}
    for sep in (".", "/"):
        if sep in ident:
            names.add(ident.rsplit(sep, 1)[-1])
    if labels is not None:
        for kind in (finding.entity_type, finding.entity_type.removesuffix("_id")):
            name = labels.name(f"{kind}:{ident}")
            if name:
                names.add(str(name))
    return {n for n in names if len(norm(n)) >= MIN_NAME_CHARS and norm(n) not in GENERIC}


def _windows(words: list[str], size: int) -> Iterable[str]:
    for i in range(0, max(0, len(words) - size + 1)):
        yield " ".join(words[i:i + size])


def find_focus(question: str, findings: Iterable[Any], labels: Any = None) -> Focus:
    """The findings' entities the question names: exact word matches, else the closest fuzzy ones."""
    spoken = norm(question)
    words = spoken.split()
    padded = f" {spoken} "
    candidates: dict[str, set[str]] = {}
    for f in findings:
        candidates.setdefault(f"{f.entity_type}:{f.entity_id}", set()).update(names_of(f, labels))
    exact: list[Mention] = []
    for key, names in candidates.items():
        hit = next((n for n in sorted(names, key=len, reverse=True) if f" {norm(n)} " in padded), None)
        if hit is not None:
            exact.append(Mention(key=key, name=hit, said=hit, exact=True))
    if exact:
        # a longer name wins over one inside it ("payments_scores_v2" over "payments_scores")
        kept = [m for m in exact if not any(o is not m and f" {norm(m.name)} " in f" {norm(o.name)} " and o.name != m.name
                                            for o in exact)]
        return Focus(kept)
    best: dict[str, Mention] = {}
    scores: dict[str, float] = {}
    for key, names in candidates.items():
        for name in names:
            target = norm(name)
            if len(target) < 6:
                continue
            size = len(target.split())
            for n in {size, size + 1, max(1, size - 1)}:
                for said in _windows(words[:FUZZY_WORDS], n):
                    matcher = SequenceMatcher(None, said, target)
                    if matcher.real_quick_ratio() < FUZZY_RATIO or matcher.quick_ratio() < FUZZY_RATIO:
                        continue
                    ratio = matcher.ratio()
                    if ratio >= FUZZY_RATIO and ratio > scores.get(key, 0.0):
                        scores[key] = ratio
                        best[key] = Mention(key=key, name=name, said=said, exact=False)
    if not best:
        return Focus(kinds={kind for word, kind in KIND_WORDS.items() if f" {word} " in padded})
    top = max(scores.values())
    return Focus([best[k] for k in sorted(best) if scores[k] >= top - 0.02])


__all__ = ["Focus", "Mention", "find_focus", "names_of", "norm"]


# Which domains know about a kind of entity (what a question naming one is routed to).
KIND_DOMAINS: dict[str, tuple[str, ...]] = {
    "job": ("reliability", "performance", "cost", "mlops"),
    "cluster": ("performance", "cost"),
    "warehouse": ("performance", "cost"),
    "workspace": ("cost", "reliability", "security"),
    "endpoint": ("mlops",),
    "table": ("data_quality",),
    "user": ("security",),
    "ip": ("security",),
}
ALL_DOMAINS = ("cost", "security", "performance", "reliability", "data_quality", "mlops")
# The question is untrusted text: these run on RE2 (linear time), checked by the adversarial sweep.
_EMAIL = linear(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
_IPV4 = linear(r"\b(?:\d{1,3}\.){3}\d{1,3}\b")
# A name with `_` or `.` in it (`clickstream_daily`, `sales.orders`) that the inventory did not know.
_IDENTIFIER = linear(r"\b[a-z0-9]+(?:[_.][a-z0-9]+)+\b", ignore_case=True)
_LETTER = linear(r"[a-z]", ignore_case=True)
_NOT_NAMES = frozenset({"data_quality", "data quality", "ml_ops", "e.g", "i.e", "etc"})


def named_entity_domains(question: str, labels: Any = None) -> tuple[list[str], list[str]]:
    """(domains, names): the domains that know the entities a question names, and the names said.

    Known names (jobs, clusters, warehouses, workspaces of the inventory) give their kind's domains;
    an e-mail or an IP address means security; any other identifier-like name (`clickstream_daily`,
    `fraud-detector`) could be a table, an endpoint or a job, so every domain is asked and the answer
    leads with whichever found something about it.
    """
    spoken = f" {norm(question)} "
    domains: list[str] = []
    said: list[str] = []

    def add(kinds: tuple[str, ...], name: str) -> None:
        said.append(name)
        domains.extend(d for d in kinds if d not in domains)

    for ref, name in sorted((getattr(labels, "names", None) or {}).items()):
        kind = ref.partition(":")[0]
        if kind in KIND_DOMAINS and len(norm(name)) >= MIN_NAME_CHARS and norm(name) not in GENERIC \
                and f" {norm(name)} " in spoken:
            add(KIND_DOMAINS[kind], name)
    for match in _EMAIL.findall(question):
        add(KIND_DOMAINS["user"], match)
    for match in _IPV4.findall(question):
        add(KIND_DOMAINS["ip"], match)
    if not said:
        loose = [m for m in _IDENTIFIER.findall(question)
                 if _LETTER.search(m) and not _EMAIL.search(m) and not _IPV4.fullmatch(m) and m.lower() not in _NOT_NAMES]
        if loose:
            add(ALL_DOMAINS, loose[0])
    return domains, said


__all__ += ["ALL_DOMAINS", "KIND_DOMAINS", "named_entity_domains"]
