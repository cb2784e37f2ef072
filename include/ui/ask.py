"""The ask box: a question goes to the orchestrator, whose answer comes back as an `AskResult`.

The orchestrator is another team's package (`agents.orchestrator.ask`). It is looked up when a
question is asked, never faked: if it is not installed the result says so plainly. It is
called with the keyword arguments it declares among `question`, `session_id`, `warehouse`,
`llm`/`llm_config`, and whatever it returns (a pydantic model, a dict or a string) is read for
`answer`, `domains`, `agent_path` / `path`.
"""

from __future__ import annotations

import importlib
import inspect
import logging
from collections.abc import Callable
from typing import Any

from include.ui.models import AskResult
from include.untrusted.limits import QUESTION
from include.untrusted.redaction import excerpt

log = logging.getLogger(__name__)

ORCHESTRATOR_MODULE = "agents.orchestrator"
NOT_INSTALLED = (
    "The orchestrator is not installed in this deployment (agents.orchestrator.ask was not found), "
    "so no answer was produced. The findings, report and ledger pages show the underlying data."
)


def find_orchestrator() -> Callable[..., Any] | None:
    """`agents.orchestrator.ask` if it exists, else None."""
    try:
        module = importlib.import_module(ORCHESTRATOR_MODULE)
    except ImportError as exc:
        log.warning("orchestrator package not importable: %s", exc)
        return None
    ask = getattr(module, "ask", None)
    return ask if callable(ask) else None


def _kwargs_for(func: Callable[..., Any], available: dict[str, Any]) -> dict[str, Any]:
    params = inspect.signature(func).parameters
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()):
        return available
    return {k: v for k, v in available.items() if k in params}


def _read(result: Any) -> dict[str, Any]:
    if hasattr(result, "model_dump"):
        dumped: dict[str, Any] = result.model_dump(mode="json")
        return dumped
    if isinstance(result, dict):
        return result
    return {"answer": str(result)}


def ask_orchestrator(
    question: str,
    session_id: str,
    *,
    warehouse: Any = None,
    llm: Any = None,
    orchestrator: Callable[..., Any] | None = None,
) -> AskResult:
    """Ask the orchestrator; a missing orchestrator or its failure is reported, not hidden."""
    ask = orchestrator or find_orchestrator()
    shown = excerpt(question, QUESTION)  # what is echoed back: redacted and bounded like the answer's
    if ask is None:
        return AskResult(status="unavailable", question=shown, session_id=session_id, message=NOT_INSTALLED)
    available = {"question": question, "session_id": session_id, "warehouse": warehouse, "llm": llm, "llm_config": llm}
    try:
        data = _read(ask(**_kwargs_for(ask, available)))
    except Exception as exc:  # the orchestrator's failure is shown to the user, named
        log.exception("orchestrator failed on a question")
        return AskResult(status="error", question=shown, session_id=session_id,
                         message="The orchestrator failed: " + excerpt(f"{type(exc).__name__}: {exc}", limit=300))
    answer = data.get("answer") or data.get("text") or data.get("message")
    return AskResult(
        status="answered",
        question=str(data.get("question") or shown),
        session_id=session_id,
        answer=str(answer) if answer is not None else None,
        answer_status=str(data["status"]) if data.get("status") else None,
        followups=[str(f) for f in data.get("followups") or []],
        notes=[str(n) for n in data.get("notes") or []],
        domains=[str(d.get("domain")) if isinstance(d, dict) else str(d) for d in data.get("domains") or []],
        agent_path=data.get("agent_path") or data.get("path"),
        details={k: v for k, v in data.items()
                 if k not in {"answer", "question", "session_id", "status", "followups", "notes"}},
    )
