"""The orchestrator: turns a user's question into one answer from the domain agents.

    from agents.orchestrator import ask
    answer = ask("Why did cost spike yesterday, and did jobs fail?", session_id="s-1")

`agents.orchestrator.router` decides which domains answer and over which time window;
`service.ask` asks them in parallel, correlates their results and writes the answer.
`ask` and `Answer` are imported lazily so that importing the router stays light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # what the lazy __getattr__ below returns, for type checkers
    from agents.orchestrator.models import Answer
    from agents.orchestrator.service import AskOptions, ask

__all__ = ["Answer", "AskOptions", "ask"]


def __getattr__(name: str) -> Any:
    if name in ("ask", "AskOptions"):
        from agents.orchestrator import service

        return getattr(service, name)
    if name == "Answer":
        from agents.orchestrator.models import Answer

        return Answer
    raise AttributeError(f"module 'agents.orchestrator' has no attribute {name!r}")
