"""`lakepilot triage`: classify failures and show what LakePilot would do about them.

    lakepilot triage --jsonl FILE|-      {"id","error"[,"termination_code"]} lines in,
                                         {"id","category","action","confidence","reason"} lines out
    lakepilot triage --run-id N          fetch the run and its failed tasks' output through the
                                         DatabricksHook (AIRFLOW_CONN_DATABRICKS_DEFAULT), decide
                                         against the ledger, print the decision (--record stores it)

With `AIRFLOW_CONN_LAKEPILOT_LLM` set the LLM path runs too (unless --no-llm); which path decided
is in every output (`decided_by`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

if TYPE_CHECKING:
    from agents.llm import LLMConfig
    from include.remediation.policy import RemediationPolicy

ENV_DATABRICKS = "AIRFLOW_CONN_DATABRICKS_DEFAULT"


def _llm(no_llm: bool) -> tuple[LLMConfig | None, str]:
    from agents.llm import LLMConfig, llm_mode_label

    config = None if no_llm else LLMConfig.from_env()
    return config, llm_mode_label(config)


def _policy(path: str | None, shadow: bool) -> RemediationPolicy:
    from include.remediation.policy import RemediationPolicy

    data: dict[str, Any] = {}
    if path:
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise ValueError(f"--policy {path}: {exc}") from exc
    if shadow:
        data["shadow"] = True
    return RemediationPolicy.model_validate(data)


def _parse(source: str) -> tuple[Iterator[tuple[int, dict[str, Any] | None, str | None]], int, bool]:
    from cli.jsonl import read_jsonl

    lines, from_file = read_jsonl(source)

    def items() -> Iterator[tuple[int, dict[str, Any] | None, str | None]]:
        for line in lines:
            problem = line.problem
            if problem is None and (line.obj is None or not isinstance(line.obj.get("error"), str)):
                problem = f"line {line.number}: expected an object with a string 'error'"
            yield line.number, (None if problem else line.obj), problem

    return items(), len(lines), from_file


def _triage_jsonl(source: str, no_llm: bool, policy_path: str | None) -> int:
    from agents.remediation.agent import remediate
    from cli.output import banner, err, json_line, progress
    from include.remediation.models import FailureContext, TaskFailure

    config, mode = _llm(no_llm)
    policy = _policy(policy_path, shadow=False)
    items, count, from_file = _parse(source)
    banner(f"triage · {mode} · {count} line(s) from {'stdin' if source == '-' else source}")
    now = datetime.now(UTC)
    failures = 0
    with progress() as bar:
        task = bar.add_task("triage", total=count, visible=from_file)
        for number, item, problem in items:
            bar.advance(task)
            if problem or item is None:
                err.print(f"[bold red]error:[/bold red] {problem}")
                failures += 1
                continue
            failure = FailureContext(
                job_id="jsonl",
                run_id=f"line-{number}",
                termination_code=item.get("termination_code"),
                tasks=[TaskFailure(task_key="input", error=item["error"])],
            )
            decision = remediate(failure, (), policy, now, llm=config)
            out = {
                "id": item.get("id", f"line-{number}"),
                "category": decision.category,
                "action": decision.action,
                "confidence": decision.confidence,
                "reason": decision.reason,
                "decided_by": decision.decided_by,
            }
            received, kept = failure.error_cut()
            if kept < received:  # never a silent cut: the output says how much was read
                out["error_cut"] = {"received_chars": received, "kept_chars": kept}
            json_line(out)
    return failures


def _triage_run(
    run_id: int, conn_id: str, no_llm: bool, record: bool, shadow: bool, policy_path: str | None
) -> None:
    from agents.remediation.agent import triager
    from cli.output import banner, json_line
    from include.connections import databricks_hook
    from include.ops.models import RemediationDecision
    from include.ops.store import LocalOpsStore
    from include.remediation import service
    from include.remediation.jobs_client import HookJobsApi

    config, mode = _llm(no_llm)
    policy = _policy(policy_path, shadow)
    banner(f"triage run {run_id} · Jobs API via {conn_id} · {mode}{' · shadow' if shadow else ''}")
    failure, _ = service.fetch_failure(HookJobsApi(databricks_hook(conn_id, retry_limit=2)), run_id)
    store = LocalOpsStore()
    now = datetime.now(UTC)
    if record:
        decision = service.record_decision(failure, store, policy, now, triage=triager(config))
        banner(f"recorded in {store.full_name(RemediationDecision)}")
    else:
        history = store.read(RemediationDecision, {"job_id": failure.job_id})
        decision = service.remediate(failure, history, policy, now, triage=triager(config))
    json_line({"id": failure.run_id, **decision.model_dump(mode="json")})


def register(app: typer.Typer) -> None:
    @app.command()
    def triage(
        jsonl: str | None = typer.Option(None, "--jsonl", help="JSONL of {id, error} lines ('-' = stdin)."),
        run_id: int | None = typer.Option(None, "--run-id", help="Databricks run id to fetch and triage."),
        conn_id: str = typer.Option(
            "databricks_default", "--conn-id", help="Airflow connection of the workspace."
        ),
        no_llm: bool = typer.Option(
            False, "--no-llm", help="Pattern engine only, even if an LLM is configured."
        ),
        record: bool = typer.Option(
            False, "--record", help="With --run-id: store the decision in the ledger."
        ),
        shadow: bool = typer.Option(False, "--shadow", help="With --run-id: decide in shadow mode."),
        policy: str | None = typer.Option(None, "--policy", help="JSON file of RemediationPolicy overrides."),
    ) -> None:
        """Classify failed runs (pattern engine + optional LLM) and print what LakePilot would do."""
        from cli.output import fail

        if (jsonl is None) == (run_id is None):
            fail("give exactly one of --jsonl FILE and --run-id N")
        try:
            if jsonl is not None:
                if _triage_jsonl(jsonl, no_llm, policy):
                    raise typer.Exit(1)
                return
            _triage_run(int(run_id), conn_id, no_llm, record, shadow, policy)  # type: ignore[arg-type]
        except typer.Exit:
            raise
        except ValueError as exc:
            fail(str(exc))
        except Exception as exc:  # noqa: BLE001 - the API/hook errors are shown, not traced
            from include.untrusted.redaction import redact

            fail(f"{type(exc).__name__}: {redact(str(exc))[:500]}")
