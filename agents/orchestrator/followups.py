"""Follow-up questions to suggest: an earlier period, a related domain, or more detail.

Each suggestion is phrased the way the router resolves against the previous turn ("and the
week before?", "what about performance?", "tell me more"), so asking it keeps the context.
"""

from __future__ import annotations

from agents.orchestrator.models import Correlation, DomainResult
from agents.orchestrator.router.models import TimeWindow
from include.ops.models import Domain

MAX_FOLLOWUPS = 3
RELATED: dict[Domain, tuple[Domain, ...]] = {
    "cost": ("performance", "reliability"),
    "reliability": ("data_quality", "cost", "performance"),
    "performance": ("cost", "reliability"),
    "security": ("cost", "reliability"),
    "data_quality": ("reliability", "mlops"),
    "mlops": ("data_quality", "cost"),
}
PHRASE: dict[Domain, str] = {
    "cost": "cost", "security": "security", "performance": "performance", "reliability": "job failures",
    "data_quality": "data quality", "mlops": "the model serving endpoints",
}
# Phrasings the router resolves against the previous window ("the hour before" it does not know).
EARLIER = {"day": "and the day before?", "week": "and the week before?",
           "month": "and the month before?", "quarter": "and the quarter before?", "year": "and the year before?"}


def suggest(
    domains: list[Domain], window: TimeWindow | None, results: list[DomainResult], correlations: list[Correlation]
) -> list[str]:
    """Up to three follow-up questions."""
    out: list[str] = []
    if window is not None and window.comparison is None:
        out.append(EARLIER.get(window.granularity, "and the period before?"))
    for domain in domains:
        other = next((d for d in RELATED.get(domain, ()) if d not in domains), None)
        if other is not None:
            out.append(f"what about {PHRASE[other]}?")
            break
    if any(r.findings_total > 3 for r in results if r.status != "failed") or correlations:
        out.append("tell me more")
    return list(dict.fromkeys(out))[:MAX_FOLLOWUPS]
