"""`lakepilot route`: which domain agents would answer a question (offline classifier or LLM)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import typer

from cli.moments import parse_moment


def _read_questions(source: str) -> list[tuple[Any, str]]:
    """(id, question) pairs from a JSONL file or stdin; every bad line is named before anything runs."""
    from cli.jsonl import read_jsonl

    lines, _ = read_jsonl(source)
    items: list[tuple[Any, str]] = []
    problems: list[str] = []
    for line in lines:
        question = line.obj.get("question") if line.obj is not None else None
        if line.problem:
            problems.append(line.problem)
        elif not isinstance(question, str) or not question.strip():
            problems.append(f"line {line.number}: needs a non-empty string \"question\"")
        else:
            items.append(((line.obj or {}).get("id", line.number), question))
    if problems:
        shown = "; ".join(problems[:5]) + (f"; and {len(problems) - 5} more" if len(problems) > 5 else "")
        raise ValueError(f"{'stdin' if source == '-' else source}: {shown}")
    return items


def route_line(item_id: Any, result: Any) -> dict[str, Any]:
    """The JSON object printed for one routed question."""
    line: dict[str, Any] = {
        "id": item_id,
        "domains": result.domain_names(),
        "confidence": round(result.confidence, 4),
    }
    if result.clarification is not None:
        line["clarify"] = {"question": result.clarification.question, "options": result.clarification.options}
    if result.time_window is not None:
        line["time_window"] = result.time_window.model_dump(mode="json")
    line["path"] = result.path
    if result.llm_error:
        line["llm_error"] = result.llm_error
    return line


def _export_asked(target: str, since: datetime | None, lakehouse: str | None) -> None:
    """Write real users' questions for labelling (agents/orchestrator/harvest.py): no routed domains."""
    from agents.orchestrator.harvest import asked_questions
    from cli.output import banner, json_line, open_warehouse
    from include.ops.store import get_ops_store

    warehouse = open_warehouse(lakehouse)
    store = get_ops_store(warehouse, lakehouse=lakehouse)
    banner(f"conversations: {store.describe()}")
    asked = asked_questions(store, since=since)
    lines = [{**q.model_dump(mode="json"), "near_twin": q.near_twin} for q in asked]
    twins = sum(line["near_twin"] for line in lines)
    if target == "-":
        for line in lines:
            json_line(line)
    else:
        path = Path(target)
        if not path.parent.is_dir():
            raise ValueError(f"--export-asked {target}: directory {path.parent} does not exist")
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
        tmp.replace(path)
    banner(f"{len(lines)} questions not yet labelled ({twins} near-twins of shipped ones: drop those unread)"
           + ("" if target == "-" else f" -> {target}"))


def register(app: typer.Typer) -> None:
    @app.command("route")
    def route_command(
        question: str | None = typer.Argument(None, help="One question to route (or use --jsonl)."),
        jsonl: str | None = typer.Option(
            None, "--jsonl", help='File of {"id","question"} lines; "-" reads stdin. Prints one JSON line each.'
        ),
        now: str | None = typer.Option(None, "--now", help="Reference time for 'last Tuesday' etc. (ISO 8601; UTC)."),
        offline: bool = typer.Option(False, "--offline", help="Never call the LLM, even if lakepilot_llm is set."),
        evaluate: bool = typer.Option(False, "--eval", help="Score the offline router on the held-out questions."),
        export_asked: str | None = typer.Option(
            None, "--export-asked",
            help='Write the questions users asked (conversations table) as JSONL for labelling; "-" prints them.',
        ),
        since: str | None = typer.Option(None, "--since", help="With --export-asked: only questions asked since (ISO 8601)."),
        lakehouse: str | None = typer.Option(None, "--lakehouse", help="With --export-asked: the local lakehouse to read."),
    ) -> None:
        """Route questions to the domains that should answer them (ambiguous ones get "clarify")."""
        from cli.output import banner, fail, json_line, out, progress

        if export_asked is not None:
            try:
                _export_asked(export_asked, parse_moment(since, "--since", "start_of_day"), lakehouse)
            except ValueError as exc:
                fail(str(exc))
            return

        if evaluate:
            from agents.orchestrator.router.classifier import get_model
            from agents.orchestrator.router.dataset import questions
            from agents.orchestrator.router.evaluation import evaluate as run_eval

            model = get_model()
            banner(f"router: offline classifier (TF-IDF + all-MiniLM-L6-v2, rules and clauses combined), {model.trained_on} training questions, "
                   f"cv exact {model.cv_exact_accuracy:.1%}, t_top {model.t_top}, t_extra {model.t_extra}")
            for line in run_eval(questions("test")).summary_lines():
                out.print(line, markup=False, highlight=False, soft_wrap=True)
            return
        if (question is None) == (jsonl is None):
            fail("give one question as an argument, or --jsonl FILE (or - for stdin)")
        try:
            reference = parse_moment(now, "--now")
            items = _read_questions(jsonl) if jsonl is not None else [(None, question or "")]
        except ValueError as exc:
            fail(str(exc))
        from agents.llm import LLMConfig, llm_mode_label
        from agents.orchestrator.router import route

        try:
            llm = None if offline else LLMConfig.from_env()
        except ValueError as exc:
            fail(f"the lakepilot_llm connection is unusable: {exc}")
        banner(f"router: {'offline classifier (TF-IDF + all-MiniLM-L6-v2, rules and clauses combined)' if llm is None else llm_mode_label(llm) + ' checked against the offline classifier'}")
        if len(items) == 1:
            json_line(route_line(items[0][0], route(items[0][1], now=reference, llm=llm)))
            return
        with progress() as bar:
            task = bar.add_task("routing", total=len(items))
            for item_id, text in items:
                json_line(route_line(item_id, route(text, now=reference, llm=llm)))
                bar.advance(task)
