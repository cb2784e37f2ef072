"""`lakepilot ask` and `lakepilot chat`: questions answered by the orchestrator and its domain agents."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

import typer

from cli.moments import parse_moment

if TYPE_CHECKING:
    from agents.orchestrator.models import Answer

EXIT_WORDS = {"exit", "quit", ":q", "bye"}


def _setup(lakehouse: str | None, offline: bool) -> tuple[Any, Any, Any]:
    """(warehouse, store, llm) or a clear error."""
    from agents.llm import LLMConfig
    from cli.output import fail, open_warehouse
    from include.ops.store import get_ops_store

    warehouse = open_warehouse(lakehouse, require_data=True)
    try:
        llm = None if offline else LLMConfig.from_env()
    except ValueError as exc:
        fail(str(exc))
    return warehouse, get_ops_store(warehouse, lakehouse=lakehouse), llm


def _banner(warehouse: Any, llm: Any, session: str | None) -> None:
    from agents.llm import llm_mode_label
    from cli.output import banner

    text = f"engine: {warehouse.describe()} · {llm_mode_label(llm)}"
    banner(text + (f" · session {session}" if session else ""))


def _answer(
    question: str, *, session: str | None, now: datetime | None, warehouse: Any, store: Any, llm: Any
) -> Answer:
    """Ask, with a spinner on stderr; a bad question exits with its reason."""
    from agents.orchestrator import ask
    from cli.output import err, fail

    try:
        with err.status("routing the question and asking the agents…", spinner="dots"):
            return ask(question, session_id=session, now=now, warehouse=warehouse, store=store, llm=llm)
    except ValueError as exc:
        fail(str(exc))


def _print(answer: Any, as_json: bool) -> None:
    from cli.output import err, out

    if as_json:
        print(answer.model_dump_json())
        return
    out.print(answer.answer, markup=False, highlight=False, soft_wrap=True)
    path = answer.agent_path + (f" (LLM text not used: {answer.synthesis.fallback_reason})" if answer.synthesis.fallback_reason else "")
    err.print(f"[dim]session {answer.session_id} · turn {answer.turn} · {answer.status} · {path} answer · "
              f"{answer.duration_s:.1f}s[/dim]", highlight=False)


def register(app: typer.Typer) -> None:
    @app.command("ask")
    def ask_command(
        question: str = typer.Argument(..., help="The question, in your words."),
        as_json: bool = typer.Option(False, "--json", help="Print the typed answer as JSON."),
        session: str | None = typer.Option(None, "--session", help="Continue this conversation (follow-ups); default: a new one."),
        now: str | None = typer.Option(None, "--now", "--as-of", help="Reference time for 'yesterday' etc. (ISO; a date = end of that day)."),
        lakehouse: str | None = typer.Option(None, "--lakehouse", help="Local lakehouse directory."),
        offline: bool = typer.Option(False, "--offline", help="Never call the LLM, even if lakepilot_llm is set."),
    ) -> None:
        """Ask LakePilot anything: routed to the right domain agents, one answer with numbers and follow-ups."""
        reference = parse_moment(now, "--now")
        warehouse, store, llm = _setup(lakehouse, offline)
        _banner(warehouse, llm, session)
        answer = _answer(question, session=session, now=reference, warehouse=warehouse, store=store, llm=llm)
        _print(answer, as_json)
        if answer.status == "failed":
            raise typer.Exit(1)

    @app.command("chat")
    def chat_command(
        session: str | None = typer.Option(None, "--session", help="Resume this conversation; default: a new one."),
        now: str | None = typer.Option(None, "--now", "--as-of", help="Reference time for every question (ISO; a date = end of that day)."),
        lakehouse: str | None = typer.Option(None, "--lakehouse", help="Local lakehouse directory."),
        offline: bool = typer.Option(False, "--offline", help="Never call the LLM, even if lakepilot_llm is set."),
    ) -> None:
        """An interactive conversation: follow-ups keep their context. `exit` or Ctrl-D leaves."""
        from agents.orchestrator.conversation import check_session_id
        from cli.output import err, fail

        reference = parse_moment(now, "--now")
        warehouse, store, llm = _setup(lakehouse, offline)
        try:
            session_id = check_session_id(session)
        except ValueError as exc:
            fail(str(exc))
        _banner(warehouse, llm, session_id)
        err.print("[dim]Ask about cost, security, performance, job failures, data quality or model serving. "
                  "'exit' or Ctrl-D leaves.[/dim]")
        while True:
            try:
                line = input("you> ")
            except (EOFError, KeyboardInterrupt):
                err.print("")
                break
            text = line.strip()
            if not text:
                continue
            if text.lower() in EXIT_WORDS:
                break
            try:
                from agents.orchestrator import ask

                with err.status("asking the agents…", spinner="dots"):
                    answer = ask(text, session_id=session_id, now=reference, warehouse=warehouse, store=store, llm=llm)
            except ValueError as exc:
                err.print(f"[bold red]error:[/bold red] {exc}")
                continue
            _print(answer, as_json=False)
            print()
        err.print(f"[dim]session {session_id} saved; resume with: lakepilot chat --session {session_id}[/dim]")
