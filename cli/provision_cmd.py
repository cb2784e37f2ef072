"""`lakepilot provision`: a conversation becomes a plan; on yes, Airflow plans, asks approval, applies.

    lakepilot provision                                  ask for the request, then converse
    lakepilot provision --request "…"                    start from a request
    lakepilot provision --request "…" --answers a.json   non-interactive (answers by question key)
    lakepilot provision --plan plan.json                 trigger a plan file (validated first)
    lakepilot provision --session prov-1a2b3c4d          resume a saved conversation
    lakepilot provision --request "…" --dry-run [--json] what it would become, no prompts, nothing saved
                                                         (exit 0: a complete plan; 3: a question is open)
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer


def _answers(path: Path | None) -> dict[str, list[str]]:
    from cli.output import fail

    if path is None:
        return {}
    try:
        data = json.loads(path.read_text())
    except (OSError, json.JSONDecodeError) as exc:
        fail(f"--answers {path}: {exc}")
    if not isinstance(data, dict):
        fail(f"--answers {path} must be a JSON object of question key → answer (or list of answers)")
    return {str(k): [v] if isinstance(v, str) else [str(x) for x in v] for k, v in data.items()}


def _show(reply: Any) -> None:
    from cli.output import err

    for message in reply.messages:
        err.print(message, markup=False, highlight=False, soft_wrap=True)
    if reply.question:
        err.print(f"\n[bold cyan]?[/bold cyan] [dim]({reply.question.key})[/dim]")
        err.print(reply.question.text, markup=False, highlight=False, soft_wrap=True)


def _converse(conversation: Any, reply: Any, answers: dict[str, list[str]], save: Any) -> Any:
    from cli.output import err, fail

    while reply.status == "open" and reply.question:
        _show(reply)
        key = reply.question.key
        if answers:
            queue = answers.get(key)
            if not queue:
                save()
                fail(f"--answers has no answer for question '{key}': {reply.question.text.splitlines()[0]} "
                     f"(session {conversation.session.id} saved; resume with --session)")
            text = queue.pop(0)
            err.print(f"[dim]> {text}[/dim]")
        else:
            default = reply.question.default
            text = typer.prompt(">", default=default or "", show_default=bool(default), err=True)
        reply = conversation.answer(text)
        save()
    _show(reply)
    return reply


def _trigger(plan: Any, session: Any | None, save: Any, as_json: bool) -> None:
    import requests

    from cli.output import err, fail, json_line
    from cli.provision_trigger import trigger_plan
    from include.airflow_api import AirflowApiError
    from include.provisioning.plan import DAG_FOR

    retry = f" (the plan is saved; retry with --session {session.id})" if session else ""
    try:
        run = trigger_plan(plan)
    except requests.RequestException as exc:
        fail(f"could not reach Airflow: {type(exc).__name__}: {exc}{retry}")
    except (AirflowApiError, RuntimeError, OSError) as exc:
        fail(f"could not trigger {DAG_FOR[plan.action]}: {exc}{retry}")
    if session is not None:
        session.status = "triggered"
        session.run = run.model_dump()
        save()
    if run.unpaused:
        err.print(f"[dim](unpaused {run.dag_id})[/dim]")
    err.print(f"[bold green]Triggered[/bold green] {run.dag_id} run {run.dag_run_id}\n"
              f"Approve each step in Airflow (Required actions): {run.url}")
    if as_json:
        json_line(run.model_dump())
    else:
        typer.echo(run.url)


def _dry_run(request: str | None, answers: dict[str, list[str]], target: str, llm: Any, as_json: bool) -> None:
    from agents.provisioning.dry_run import dry_run
    from cli.output import err, fail, json_line, out

    text = request or (answers.pop("request", [""])[0] if answers.get("request") else "")
    if not text.strip():
        fail("--dry-run needs --request (or a 'request' entry in --answers)")
    result = dry_run(text, answers, target=target, llm=llm)
    if as_json:
        json_line(result.model_dump(mode="json"))
    else:
        for note in result.notes:
            err.print(note, markup=False, highlight=False, soft_wrap=True)
        for step in result.steps:
            out.print(f"[dim]({step.key}, {step.source})[/dim] {step.answer}", highlight=False)
        if result.complete and result.plan:
            out.print(f"[bold green]complete[/bold green]: stack {result.plan.get('stack')}, "
                      f"capabilities {', '.join(result.capabilities)}", highlight=False)
    if not result.complete:
        question = result.open_question
        err.print(f"open question ({question.key}): {question.question.splitlines()[0]}" if question else "incomplete",
                  markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(3)


def _destroy(stack: str, why: str, no_trigger: bool, as_json: bool) -> None:
    from agents.provisioning.draft import default_requester
    from cli.output import banner, err, fail, json_line
    from include.provisioning.decommission import destroy_plan
    from include.provisioning.plan import PlanValidationError, validate_plan

    try:
        validated = validate_plan(destroy_plan(stack, default_requester(), reason=why))
    except (LookupError, ValueError, PlanValidationError) as exc:
        fail(str(exc))
    banner(f"destroy stack {stack} ({', '.join(reversed(validated.order))}), target {validated.plan.target}")
    for name in reversed(validated.order):
        err.print(f"[bold]{name}[/bold] (about ${validated.capabilities[name].monthly_usd:,.2f}/month today):")
        for line in validated.capabilities[name].description:
            err.print(f"  {line}")
    if no_trigger:
        if as_json:
            json_line(validated.plan.model_dump(mode="json"))
        return
    _trigger(validated.plan, None, lambda: None, as_json)


def register(app: typer.Typer) -> None:
    @app.command()
    def provision(
        request: Annotated[str | None, typer.Option("--request", "-r", help="The request in plain words.")] = None,
        answers: Annotated[Path | None, typer.Option("--answers", help="JSON: question key → answer(s).")] = None,
        plan_file: Annotated[Path | None, typer.Option("--plan", help="Trigger this plan JSON (validated first).")] = None,
        session_id: Annotated[str | None, typer.Option("--session", help="Resume a saved session.")] = None,
        target: Annotated[str, typer.Option("--target", help="sandbox (offline terraform_data) or azure.")] = "sandbox",
        save_plan: Annotated[Path | None, typer.Option("--save-plan", help="Also write the confirmed plan here.")] = None,
        no_trigger: Annotated[bool, typer.Option("--no-trigger", help="Stop after the plan is confirmed.")] = False,
        as_json: Annotated[bool, typer.Option("--json", help="Print the triggered run (or the dry run) as JSON.")] = False,
        dry: Annotated[bool, typer.Option("--dry-run", help="No prompts, nothing saved or triggered: print what the "
                                          "request becomes (with --answers) and exit 3 if a question is open.")] = False,
        destroy: Annotated[str | None, typer.Option("--destroy", help="Destroy what LakePilot applied on this stack "
                                                    "(decommission_infrastructure: approved like any change).")] = None,
        why: Annotated[str, typer.Option("--why", help="With --destroy: the reason, recorded with the run.")] = "",
    ) -> None:
        """Describe what you need; LakePilot plans it, Airflow asks for approval and applies exactly that plan."""
        from agents.llm import LLMConfig, build_chat_model, llm_mode_label
        from agents.provisioning.conversation import Conversation
        from agents.provisioning.llm_parser import LLMRequestParser
        from agents.provisioning.sessions import Session, load_session, save_session
        from cli.output import banner, err, fail
        from include.provisioning.plan import PlanValidationError, ProvisioningPlan, validate_plan

        if target not in ("sandbox", "azure"):
            fail(f"--target {target!r}: use sandbox or azure")
        if destroy is not None:
            _destroy(destroy, why, no_trigger or dry, as_json)
            return
        if plan_file is not None:
            try:
                validated = validate_plan(json.loads(plan_file.read_text()))
            except (OSError, json.JSONDecodeError) as exc:
                fail(f"--plan {plan_file}: {exc}")
            except PlanValidationError as exc:
                fail(f"--plan {plan_file}: {exc}")
            banner(f"plan {plan_file} for stack {validated.plan.stack}, target {validated.plan.target}")
            if not no_trigger:
                _trigger(validated.plan, None, lambda: None, as_json)
            return

        try:
            config = LLMConfig.from_env()
        except ValueError as exc:
            fail(f"the lakepilot_llm connection is not usable: {exc}")
        banner(f"provisioning conversation · parser: {llm_mode_label(config)}")
        llm = LLMRequestParser(build_chat_model(config)) if config else None
        if dry:
            _dry_run(request, _answers(answers), target, llm, as_json)
            return
        if session_id:
            try:
                session = load_session(session_id)
            except (FileNotFoundError, ValueError) as exc:
                fail(str(exc))
        else:
            session = Session()
            session.draft.target = target  # type: ignore[assignment]
        conversation = Conversation(session, llm)

        def save() -> None:
            save_session(session)

        queue = _answers(answers)
        if session_id:
            reply = conversation.resume()
        else:
            text = request or (queue.pop("request", [""])[0] if queue.get("request") else "")
            if not text:
                if queue:
                    fail("--answers needs --request (or a 'request' entry)")
                text = typer.prompt("What would you like to provision?", err=True)
            reply = conversation.start(text)
        save()
        err.print(f"[dim]session {session.id} (resume with --session {session.id})[/dim]")
        if session.status == "open":
            reply = _converse(conversation, reply, queue, save)
        if session.status == "cancelled":
            err.print("Nothing was triggered.")
            raise typer.Exit(1)
        if session.status == "triggered":
            err.print(f"Already triggered: {session.run}")
            return
        plan = ProvisioningPlan.model_validate({**(session.plan or {}), "session_id": session.id,
                                                "parsed_by": session.agent_path})
        if save_plan:
            save_plan.write_text(plan.model_dump_json(indent=2))
            err.print(f"plan written to {save_plan}")
        if no_trigger:
            return
        _trigger(plan, session, save, as_json)
