"""`lakepilot remediation stats|feedback|export-training|replay` round trips over a real ledger.

The ledger is produced by the production pipeline against the emulator (decide, act, outcomes),
then read back by the CLI through typer's runner; the timeline replay reads the Delta timeline
the emulator wrote.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from include.emulator.client import EmulatorClient
from include.ops.models import RemediationDecision
from include.remediation.acting import act_on_decision, load_decision, update_decision
from include.remediation.detection import ref_of
from include.remediation.outcomes import check_outcomes
from include.remediation.service import decide_failed_run
from include.untrusted.redaction import find_secrets
from tests.include.remediation.support import failed_run, wait_terminal


@pytest.fixture
def ledger(hook, jobs, store, policy, emulator) -> dict[str, RemediationDecision]:
    """transient -> repaired (succeeded), oom -> resized (succeeded), permission -> SEND_EMAIL."""
    out = {}
    for key in ("transient", "oom", "permission"):
        run_id = failed_run(hook, key)
        ref = decide_failed_run(ref_of(jobs.get_run(run_id)), jobs, store, policy)
        act_on_decision(store, jobs, ref.run_id, 0, policy, datetime.now(UTC))
        if key != "permission":
            assert wait_terminal(hook, run_id) == "SUCCESS"
        out[key] = ref
    check_outcomes(store, jobs, datetime.now(UTC))
    EmulatorClient(emulator.url).flush()
    return {k: load_decision(store, r.run_id, 0) for k, r in out.items()}


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["remediation", *args])
    return result.exit_code, result.stdout, result.stderr


def _lines(stdout: str) -> list[dict]:
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]


def test_stats_feedback_round_trip(ledger) -> None:
    code, out, err = _run("stats", "--json")
    assert code == 0, err
    rows = {r["category"]: r for r in _lines(out)}
    assert rows["network"]["repairs_succeeded"] == 1 and rows["network"]["retry_success"] == 1.0
    assert rows["resource"]["actions"] == {"RETRY_WITH_NEW_PARAMS": 1}
    assert rows["permission"]["actions"] == {"SEND_EMAIL": 1} and rows["permission"]["retry_success"] is None
    assert rows["(all)"]["decisions"] == 3 and rows["(all)"]["accuracy"] is None

    permission = ledger["permission"]
    code, out, err = _run("feedback", permission.decision_id[:8], "--correct")
    assert code == 0, err and _lines(out)[0]["feedback"] == "correct"
    code, out, _ = _run("feedback", ledger["oom"].decision_id, "--wrong")
    assert code == 0
    rows = {r["category"]: r for r in _lines(_run("stats", "--json")[1])}
    assert (rows["permission"]["accuracy"], rows["resource"]["accuracy"], rows["(all)"]["accuracy"]) == (1.0, 0.0, 0.5)

    code, _, err = _run("feedback", "nope", "--correct")
    assert code == 2 and "too short" in err
    code, _, err = _run("feedback", "ffffffffff", "--wrong")
    assert code == 2 and "no remediation decision" in err
    code, _, err = _run("feedback", permission.decision_id)
    assert code == 2 and "--correct or --wrong" in err


def test_the_stats_table_fits_an_80_column_terminal(ledger) -> None:
    from cli.output import out

    assert out.width == 80  # not a terminal: rich's default width, what a narrow terminal shows
    code, text, err = _run("stats")
    assert code == 0, err
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= 80, text
    for category in ("network", "resource", "permission", "(all)"):
        assert any(line.lstrip().startswith(category) for line in lines), text  # never wrapped mid-name
    assert any("retry+params 1" in line for line in lines), text
    assert any(line.rstrip().endswith("accuracy") for line in lines), text  # the last column is not cut
    assert any(line.rstrip().endswith("100%") or line.rstrip().endswith("-") for line in lines if "network" in line), text


def test_export_training_writes_confirmed_decisions_as_chat_examples(ledger, store, tmp_path: Path) -> None:
    # A secret that slipped into a stored excerpt must not reach the training file.
    oom = ledger["oom"]
    update_decision(store, oom, error_excerpt=oom.error_excerpt + "\njdbc password=hunter2secret token dapi0123456789abcdef0123456789abcdef")
    update_decision(store, ledger["permission"], feedback="correct")
    out_file = tmp_path / "train" / "remediation.jsonl"
    code, out, err = _run("export-training", "--out", str(out_file))
    assert code == 0, err
    report = _lines(out)[0]
    assert report["written"] == 3 and report["skipped"] == {}
    examples = [json.loads(line) for line in out_file.read_text().splitlines()]
    assert len(examples) == 3
    for example in examples:
        assert [m["role"] for m in example["messages"]] == ["system", "user", "assistant"]
        answer = json.loads(example["messages"][2]["content"])
        assert set(answer) >= {"category", "suggested_action", "confidence", "rationale"}
    answers = sorted((json.loads(e["messages"][2]["content"])["category"],
                      json.loads(e["messages"][2]["content"])["suggested_action"]) for e in examples)
    assert answers == [("network", "RETRY"), ("permission", "SEND_EMAIL"), ("resource", "RETRY_WITH_NEW_PARAMS")]
    text = out_file.read_text()
    assert "hunter2secret" not in text and "dapi0123456789abcdef" not in text and not find_secrets(text)

    # Feedback "wrong" takes an example out again.
    _run("feedback", oom.decision_id, "--wrong")
    code, out, _ = _run("export-training", "--out", str(out_file))
    assert _lines(out)[0]["written"] == 2 and _lines(out)[0]["skipped"] == {"not confirmed": 1}


def test_replay_reproduces_the_ledger_and_shows_what_a_new_policy_changes(ledger, tmp_path: Path) -> None:
    since = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    code, out, err = _run("replay", "--since", since, "--json", "--no-timeline")
    assert code == 0, err
    items = _lines(out)
    assert len(items) == 3 and all(i["source"] == "ledger" for i in items)
    assert [i["changed"] for i in items] == [False, False, False], [i["reason"] for i in items]
    assert {i["action"] for i in items} == {"RETRY", "RETRY_WITH_NEW_PARAMS", "SEND_EMAIL"}

    policy = tmp_path / "policy.json"
    policy.write_text(json.dumps({"max_retries_transient": 0}))  # no plain retries any more
    items = _lines(_run("replay", "--since", since, "--json", "--no-timeline", "--policy", str(policy))[1])
    changed = [i for i in items if i["changed"]]
    assert [(i["recorded_action"], i["action"], i["guard"]) for i in changed] == [("RETRY", "ESCALATE", "retry_limit")]

    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"max_retries_transient": 99}))
    code, _, err = _run("replay", "--since", since, "--policy", str(bad))
    assert code == 2 and "max_retries_transient" in err


def test_replay_includes_timeline_failures_the_ledger_never_saw(ledger, hook, emulator) -> None:
    unseen = failed_run(hook, "permission")  # failed, but no DAG ran: only the timeline knows it
    EmulatorClient(emulator.url).flush()
    since = (datetime.now(UTC) - timedelta(hours=1)).date().isoformat()
    code, out, err = _run("replay", "--since", since, "--json")
    assert code == 0, err
    assert "job_run_timeline not read" not in err
    items = _lines(out)
    timeline = [i for i in items if i["source"] == "timeline"]
    # The failed waves of the ledger's runs are known; only the unseen run comes from the timeline.
    assert [(i["run_id"], i["attempt"], i["recorded_action"]) for i in timeline] == [(str(unseen), 0, None)]
    # From the termination code alone the engine cannot tell a permission problem: a person is asked.
    assert timeline[0]["action"] in ("SEND_EMAIL", "ESCALATE")
    assert {(i["run_id"], i["attempt"]) for i in items if i["source"] == "ledger"} == {
        (d.run_id, 0) for d in ledger.values()}
