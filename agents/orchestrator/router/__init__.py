"""The orchestrator's intent router.

    from agents.orchestrator.router import route, RouteContext
    result = route("Why did our costs spike last Tuesday, and were there job failures?", now)
    result.domain_names()   # ['cost', 'reliability']
    result.time_window      # TimeWindow(start=<that Tuesday 00:00 UTC>, end=<next day>, ...)
    route("and the week before?", now, context=RouteContext.from_result(result))

See docs/router.md for the contract, the offline model and the LLM reconciliation rule.
"""

from agents.orchestrator.router.models import (
    Clarification,
    DomainScore,
    RouteContext,
    RoutePath,
    RouteResult,
    TimeWindow,
)
from agents.orchestrator.router.router import route
from agents.orchestrator.router.time_window import parse_time_window, shift_window

__all__ = [
    "Clarification",
    "DomainScore",
    "RouteContext",
    "RoutePath",
    "RouteResult",
    "TimeWindow",
    "parse_time_window",
    "route",
    "shift_window",
]
