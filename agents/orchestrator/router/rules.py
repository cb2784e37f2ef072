"""Rules for the obvious: vocabulary that on its own settles that a domain is asked about.

Each rule is a regular expression over the lower-cased question (time expressions already
masked) with an optional `unless` pattern for the known collisions (a "failed login" is a
security question, not a job failure; "p95 latency" of a serving endpoint belongs to mlops).
A rule only ever *adds* confidence to a domain; the classifier decides everything else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from include.ops.models import DOMAINS, Domain

RULE_CONFIDENCE = 0.9

_JOBLIKE = r"(?:jobs?|runs?|tasks?|pipelines?|workflows?|ingestion|etl|loads?|streams?|streaming|backfill|batch|updates?)"
_FAILLIKE = r"(?:fail\w*|crash\w*|errored|erroring|errors?|timed?\s+out|timing\s+out|time\s?outs?|broke|break|broken|blew\s+up)"
_ENDPOINTISH = r"\b(?:endpoints?|serving|served|models?|inference|llm)\b"


@dataclass(frozen=True)
class Rule:
    """`pattern` present (and `unless` absent) means `domain` is asked about."""

    name: str
    domain: Domain
    pattern: re.Pattern[str]
    unless: re.Pattern[str] | None = None

    def fires(self, text: str) -> bool:
        return bool(self.pattern.search(text)) and not (self.unless and self.unless.search(text))


def _rule(name: str, domain: Domain, pattern: str, unless: str | None = None) -> Rule:
    return Rule(name, domain, re.compile(pattern), re.compile(unless) if unless else None)


RULES: tuple[Rule, ...] = (
    _rule("cost_vocabulary", "cost", r"\b(?:dbus?|bills?|billing|billed|invoices?|costs?|costing|costly|expensive|pricey|budgets?|chargeback|showback|dollars?|run-?rate|money|cheaper|finops|charges?|charged|paying|spend(?!\s+(?:waiting|time|\w+ing)\b)|spenders?)\b"),
    _rule("security_vocabulary", "security", r"\b(?:pats?|personal\s+access\s+tokens?|grants?|granted|revok\w+|permissions?|privileges?|audit\s+(?:logs?|logging|events?)|log-?ins?|logged\s+in|sign-?ins?|signing\s+in|service\s+principals?|admins?|mfa|sso|secrets?|credentials|exfiltrat\w+|brute\s+force|suspicious|ip\s+access\s+list|403|permission_denied|security)\b"),
    _rule("security_tokens", "security", r"\b(?:access|api|revoked|expired|leaked|compromised|stolen)\s+tokens?\b|\btokens?\s+(?:rotation|expiry|lifetimes?|with\s+no\s+expiry)\b"),
    _rule("security_who_can", "security", r"\bwho\s+(?:can|could|is\s+allowed\s+to|has\s+(?:access|permission)|had\s+(?:write\s+)?access)\b|\b(?:read|write)\s+access\b"),
    # who did something is the audit log's question (a config change, a deletion), whatever was touched
    _rule("security_who_did", "security", r"\bwho\s+(?:accessed|queried|downloaded|exported|changed|deleted|dropped|modified|removed|disabled|did\s+(?:it|this|that))\b|\b[\w.+-]+@[\w-]+\.[\w.]+\s+(?:changed|deleted|modified|removed|disabled)\b"),
    # PII as a risk (exposure, access) is security; whether columns carry their PII tags is data quality (below)
    _rule("security_pii", "security", r"\bpii\b", unless=r"\b(?:tag\w*|untagged|classif\w*|label\w*)\b"),
    _rule("performance_latency", "performance", r"\b(?:latency|p9\d|p50|percentile)\b", unless=_ENDPOINTISH),
    _rule("performance_utilisation", "performance", r"\b(?:cpu|utili[sz]ation|utili[sz]ed|pegged|memory\s+pressure)\b"),
    _rule("performance_vocabulary", "performance", r"\b(?:slow\w*|queue\w*|spill\w*|skew|shuffle\w*|bytes\s+scanned|cache\s+hit|z-?order|optimize|liquid\s+clustering|small\s+files|speed\s*up|faster|run\s?times?|runtime\s+regression|long(?:er)?-running|take\s+(?:so\s+)?long|how\s+long|as\s+long|concurrency|bottleneck|underutili[sz]ed|performance)\b"),
    _rule("reliability_job_failure", "reliability", rf"\b{_JOBLIKE}\b[^.?!]{{0,40}}?\b{_FAILLIKE}\b|\b(?:failed|failing|failures?\s+of|broken)\s+(?:\w+\s+){{0,2}}{_JOBLIKE}\b|\b(?:job|run|task)\s+failures?\b",
          unless=r"\b(?:re)?train(?:ing|ed)?\b"),  # a training run's failure is the model's (mlops)
    _rule("reliability_not_running", "reliability", r"\b(?:stopped|stop)\s+running\b|\b(?:didn'?t|did\s+not|hasn'?t|has\s+not|never)\s+(?:run|ran|started|kicked\s+off|triggered)\b|\bmissed\s+(?:its|their|the)\s+(?:run|schedule|window)\b"),
    _rule("reliability_vocabulary", "reliability", r"\b(?:flaky|oom|out[- ]of[- ]memory|preempt\w*|retr(?:y|ies|ied|ying)|reruns?|success\s+rate|terminated\s+unexpectedly|unstable|crash\w*|reliability)\b"),
    _rule("data_quality_vocabulary", "data_quality", r"\b(?:stale|staleness|fresh|freshness|out\s+of\s+date|nulls?|null\s+rate|duplicates?|duplicated|row\s+counts?|record\s+counts?|schema\s+changes?|expectations?|lineage|(?:up|down)stream(?!\s+(?:tasks?|jobs?|models?|consumers?))|data\s+quality|quality\s+checks?|completeness|referential\s+integrity|cardinality|profile\s+metrics|lakehouse\s+monitoring|quarantined)\b"),
    _rule("data_quality_classification", "data_quality", r"\b(?:pii|sensitive)[- ](?:tag\w*|classif\w*)|\b(?:tagged|classified|labell?ed)\s+as\s+(?:pii|sensitive)\b|\bclassification\s+(?:tags?|coverage)\b|\buntagged\s+(?:columns?|tables?)\b"),
    _rule("data_quality_not_updated", "data_quality", r"\bdq\b|\bstop(?:ped)?\s+(?:updating|refreshing|landing|arriving)\b|\b(?:haven'?t|hasn'?t|have\s+not|has\s+not|not)\s+(?:been\s+)?(?:updated|refreshed)\b"),
    _rule("mlops_vocabulary", "mlops", r"\b(?:models?|mlflow|inference|serving|served|endpoints?|feature\s+(?:tables?|store|drift|lookups?)|drift\w*|predictions?|retrain\w*|embeddings?|vector\s+(?:search|index)|llm|rag|ai\s+gateway|psi|ks\s+statistic|experiments?|hyperparameter|classifier|champion|ml|machine\s+learning|mlops)\b", unless=r"\bschema\s+drift\b"),
)

ALL_DOMAINS = re.compile(
    r"\b(?:all\s+(?:six\s+)?(?:domains|areas)|every\s+(?:domain|area)|full\s+health\s+(?:check|report)|complete\s+sweep|every\s+domain\s+sweep)\b"
)


def rule_hits(text: str) -> dict[Domain, list[str]]:
    """Domains whose rules fire on `text` (lower-cased inside), with the rule names."""
    lowered = text.lower()
    if ALL_DOMAINS.search(lowered):
        return {d: ["all_domains"] for d in DOMAINS}
    hits: dict[Domain, list[str]] = {}
    for rule in RULES:
        if rule.fires(lowered):
            hits.setdefault(rule.domain, []).append(rule.name)
    return hits
