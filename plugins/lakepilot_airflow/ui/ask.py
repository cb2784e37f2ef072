"""The ask box: a question goes to the ask service (`agents.orchestrator.ask`), and its typed
`Answer` comes back to the page and the JSON API as an `AskResult`.

The service's failure is shown to the user, named and redacted, never hidden; the question echoed
back is bounded and redacted like the answer's.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from include.ui.models import AskResult
from include.untrusted.limits import QUESTION
from include.untrusted.redaction import excerpt

if TYPE_CHECKING:
    from agents.orchestrator.models import Answer

log = logging.getLogger(__name__)


def service_ask(question: str, session_id: str, *, warehouse: Any, llm: Any) -> Answer:
    """`agents.orchestrator.ask` (imported on the first question: the router and its model are heavy)."""
    from agents.orchestrator.service import ask

    return ask(question, session_id=session_id, warehouse=warehouse, llm=llm)


def result_of(answer: Answer) -> AskResult:
    """The page's and the API's view of an answer."""
    return AskResult(
        status="answered",
        question=excerpt(answer.question, QUESTION),
        session_id=answer.session_id,
        answer=answer.answer,
        answer_status=answer.status,
        followups=list(answer.followups),
        notes=list(answer.notes),
        domains=[score.domain for score in answer.domains],
        agent_path=answer.agent_path,
        details=answer.model_dump(mode="json", exclude={"answer", "question", "session_id", "status", "followups",
                                                        "notes"}),
    )


def ask_orchestrator(question: str, session_id: str, *, warehouse: Any = None, llm: Any = None) -> AskResult:
    """Ask the service; its failure is reported, not hidden."""
    try:
        answer = service_ask(question, session_id, warehouse=warehouse, llm=llm)
    except Exception as exc:  # the service's failure is shown to the user, named
        log.exception("ask failed on a question")
        return AskResult(status="error", question=excerpt(question, QUESTION), session_id=session_id,
                         message="The orchestrator failed: " + excerpt(f"{type(exc).__name__}: {exc}", limit=300))
    return result_of(answer)
