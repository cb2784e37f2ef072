"""`lakepilot remediation ...`: how remediation is doing, feedback, learned rules, training data, replay.

    lakepilot remediation stats [--since D] [--json]          accuracy and retry success by category
    lakepilot remediation feedback ID --correct|--wrong       judge a decision (id or a 6+ char prefix)
    lakepilot remediation learn [--threshold N]               promote confirmed LLM verdicts to rules
    lakepilot remediation export-training --out F.jsonl       chat fine-tuning data (OpenAI format)
    lakepilot remediation replay --since D [--policy F]       what would be decided now (shadow)

All read the ledger `lakepilot.ops.remediation_decisions` (local lakehouse unless
LAKEPILOT_WAREHOUSE=databricks); only `feedback` and `learn` write to it.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import typer

from cli.moments import parse_moment

remediation_app = typer.Typer(help="Remediation ledger: stats, feedback, learned rules, training export, replay.",
                              no_args_is_help=True)


def _store(lakehouse: str | None) -> tuple[Any, Any]:
    from cli.output import open_warehouse
    from include.ops.store import get_ops_store

    warehouse = open_warehouse(lakehouse)
    return get_ops_store(warehouse, lakehouse=lakehouse), warehouse


def _policy(path: str | None) -> Any:
    from include.remediation.policy import RemediationPolicy

    if not path:
        return RemediationPolicy()
    try:
        return RemediationPolicy.model_validate(json.loads(Path(path).read_text(encoding="utf-8")))
    except (OSError, json.JSONDecodeError, ValueError) as exc:
        raise typer.BadParameter(f"--policy {path}: {exc}") from None


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.0f}%"


def _short(action: str) -> str:
    """An action as a table cell: RETRY_WITH_NEW_PARAMS -> retry+params (the JSON keeps the full name)."""
    return {"RETRY_WITH_NEW_PARAMS": "retry+params", "SEND_EMAIL": "email"}.get(action, action.lower())


LAKEHOUSE = typer.Option(None, "--lakehouse", help="Local lakehouse directory.")


@remediation_app.command("stats")
def stats(
    since: str | None = typer.Option(None, "--since", help="Only decisions from this date (YYYY-MM-DD) or time."),
    include_shadow: bool = typer.Option(False, "--include-shadow", help="Count shadow-mode decisions too."),
    as_json: bool = typer.Option(False, "--json", help="One JSON object per category on stdout."),
    lakehouse: str | None = LAKEHOUSE,
) -> None:
    """Accuracy (from feedback) and retry success (from outcomes) by failure category."""
    from rich.table import Table

    from cli.output import banner, json_line, out
    from include.ops.models import RemediationDecision
    from include.remediation.stats import compute_stats

    store, _ = _store(lakehouse)
    banner(f"remediation stats · {store.describe()}")
    result = compute_stats(store.read(RemediationDecision), since=parse_moment(since, "--since", "start_of_day"), include_shadow=include_shadow)
    rows = [*result.categories, result.total]
    if as_json:
        for row in rows:
            json_line(row.as_row())
        return
    # Seven short columns, no borders (two spaces between columns): fits an 80-column terminal; actions wrap.
    table = Table(title="Remediation by category", box=None, pad_edge=False, header_style="bold underline")
    table.add_column("category", no_wrap=True)
    table.add_column("n", justify="right")
    table.add_column("actions", overflow="fold", min_width=17, ratio=1)
    table.add_column("repairs ✓/✗", justify="right")
    table.add_column("retry ✓", justify="right")
    table.add_column("feedback ✓/✗", justify="right")
    table.add_column("accuracy", justify="right")
    for row in rows:
        actions = ", ".join(f"{_short(k)} {v}" for k, v in sorted(row.actions.items()))
        repairs = f"{row.repairs_succeeded}/{row.repairs_failed} of {row.repairs_started}" if row.repairs_started else "-"
        # n: decisions; repairs ✓/✗: succeeded/failed of started; retry ✓: retry success; accuracy from feedback
        table.add_row(row.category, str(row.decisions), actions, repairs, _pct(row.retry_success),
                      f"{row.feedback_correct}/{row.feedback_wrong}", _pct(row.accuracy))
    out.print(table)
    if result.shadow_excluded:
        out.print(f"[dim]{result.shadow_excluded} shadow decision(s) not counted (--include-shadow)[/dim]")


@remediation_app.command("feedback")
def feedback(
    decision_id: str = typer.Argument(..., help="Decision id (as in the e-mail) or a unique prefix of 6+ characters."),
    correct: bool | None = typer.Option(None, "--correct/--wrong", help="Was the decision right?"),
    lakehouse: str | None = LAKEHOUSE,
) -> None:
    """Mark a decision correct or wrong (feeds stats, learned rules and training data)."""
    from cli.output import banner, fail, json_line
    from include.remediation.stats import record_feedback

    if correct is None:
        fail("say --correct or --wrong")
    store, _ = _store(lakehouse)
    banner(f"remediation feedback · {store.describe()}")
    try:
        d = record_feedback(store, decision_id, "correct" if correct else "wrong")
    except (LookupError, ValueError) as exc:
        fail(str(exc))
    json_line({"decision_id": d.decision_id, "run_id": d.run_id, "attempt": d.attempt, "category": d.category,
               "action": d.action, "feedback": d.feedback})


@remediation_app.command("learn")
def learn(
    threshold: int = typer.Option(3, "--threshold", min=1, max=100, help="Confirmations needed to learn a rule."),
    lakehouse: str | None = LAKEHOUSE,
) -> None:
    """Promote fingerprints whose LLM verdict kept proving right to rules; retire contradicted ones."""
    from cli.output import banner, json_line
    from include.remediation.learning import learn_rules

    store, _ = _store(lakehouse)
    banner(f"remediation learn · threshold {threshold} · {store.describe()}")
    json_line(learn_rules(store, datetime.now(UTC), threshold).model_dump(mode="json"))


@remediation_app.command("export-training")
def export_training(
    out_path: str = typer.Option(..., "--out", help="JSONL file to write (OpenAI chat fine-tuning format)."),
    lakehouse: str | None = LAKEHOUSE,
) -> None:
    """Write confirmed decisions (feedback or a successful repair) as chat fine-tuning examples."""
    from agents.remediation.training import export_training as export
    from cli.output import banner, err, json_line
    from include.ops.models import RemediationDecision
    from include.remediation.learning import effective_rules

    store, _ = _store(lakehouse)
    banner(f"remediation export-training · {store.describe()}")
    report = export(store.read(RemediationDecision), Path(out_path), rules=effective_rules(store))
    err.print(f"wrote {report.written} example(s) to {out_path}"
              + (f"; left out: {', '.join(f'{k} {v}' for k, v in report.skipped.items())}" if report.skipped else ""))
    json_line(report.model_dump(mode="json"))


@remediation_app.command("replay")
def replay(
    since: str = typer.Option(..., "--since", help="Replay failures from this date (YYYY-MM-DD) or time."),
    policy: str | None = typer.Option(None, "--policy", help="Policy JSON to replay with (default: the defaults)."),
    timeline: bool = typer.Option(True, "--timeline/--no-timeline", help="Also failures only the job-run timeline knows."),
    as_json: bool = typer.Option(False, "--json", help="One JSON object per failure on stdout."),
    lakehouse: str | None = LAKEHOUSE,
) -> None:
    """What LakePilot would decide now about past failures (shadow: nothing is written or acted on)."""
    from rich.table import Table

    from cli.output import banner, err, json_line, out
    from include.remediation.learning import effective_rules
    from include.remediation.replay import replay as run_replay

    start = parse_moment(since, "--since", "start_of_day")
    assert start is not None
    store, warehouse = _store(lakehouse)
    banner(f"remediation replay since {start:%Y-%m-%d %H:%M} UTC · shadow · {store.describe()}")
    report = run_replay(store, start, _policy(policy), rules=effective_rules(store),
                        warehouse=warehouse if timeline else None)
    if report.timeline_note:
        err.print(f"[yellow]{report.timeline_note}[/yellow]")
    if as_json:
        for item in report.items:
            json_line({**item.model_dump(mode="json"), "changed": item.changed})
    else:
        table = Table(title=f"Replay: {len(report.items)} failure(s), {len(report.changed)} decided differently")
        for column in ("failed at", "source", "job", "run#attempt", "recorded", "now", "guard"):
            table.add_column(column)
        for item in report.items:
            recorded = f"{item.recorded_action} ({item.recorded_category})" if item.recorded_action else "-"
            style = "yellow" if item.changed else None
            table.add_row(f"{item.failed_at:%Y-%m-%d %H:%M}", item.source, item.job_id, f"{item.run_id}#{item.attempt}",
                          recorded, f"{item.action} ({item.category})", item.guard or "", style=style)
        out.print(table)
    err.print(f"actions now: {json.dumps(report.actions(), sort_keys=True)}; changed: {len(report.changed)}")


def register(app: typer.Typer) -> None:
    app.add_typer(remediation_app, name="remediation")
