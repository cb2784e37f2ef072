"""The pattern engine: one table row per category/kind, codes, precedence, rules-file checks.

Texts here are written for this test in the shape Databricks/Spark print them; the real-world
texts are in tests/evals/triage/cases.jsonl.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from include.remediation.patterns import NO_MATCH_CONFIDENCE, classify_failure, classify_text, load_rules
from tests.agents.remediation.conftest import failure

TABLE = [
    ("resource", "memory", "java.lang.OutOfMemoryError: GC overhead limit exceeded"),
    (
        "resource",
        "memory",
        "Total size of serialized results of 12 tasks (4.1 GiB) is bigger than spark.driver.maxResultSize",
    ),
    ("resource", "disk", "java.io.IOException: No space left on device"),
    (
        "resource",
        "capacity",
        "Terminated: CLOUD_PROVIDER_LAUNCH_FAILURE(CLOUD_FAILURE): azure_error_code:SkuNotAvailable",
    ),
    ("resource", "quota", "HTTP 429 Too Many Requests from the storage endpoint"),
    ("resource", "budget", "BUDGET_POLICY_LIMIT_EXCEEDED: the budget policy of this job is exhausted"),
    ("timeout", "transient", "java.util.concurrent.TimeoutException: Futures timed out after [300 seconds]"),
    ("timeout", "run_timeout", "Task ingest timed out after 3600 seconds"),
    ("network", "connection", "java.net.SocketException: Connection reset"),
    ("network", "connection", "java.net.UnknownHostException: adb-1234.azuredatabricks.net"),
    ("network", "connection", "javax.net.ssl.SSLHandshakeException: PKIX path building failed"),
    ("permission", "grant", "PERMISSION_DENIED: User does not have SELECT on Table 'main.sales.orders'."),
    ("permission", "auth", "ExpiredToken: The provided token has expired."),
    ("syntax_code", "code", "[PARSE_SYNTAX_ERROR] Syntax error at or near 'FORM'. SQLSTATE: 42601"),
    (
        "syntax_code",
        "code",
        "[UNRESOLVED_COLUMN.WITH_SUGGESTION] A column or function parameter with name `amt` cannot be resolved.",
    ),
    ("syntax_code", "dependency", "ModuleNotFoundError: No module named 'great_expectations'"),
    (
        "data_not_found",
        "missing",
        "[TABLE_OR_VIEW_NOT_FOUND] The table or view `main`.`sales`.`orders` cannot be found.",
    ),
    ("data_not_found", "missing", "[PATH_NOT_FOUND] Path does not exist: dbfs:/mnt/raw/2026-03-01."),
    (
        "data_not_found",
        "missing",
        "AmazonS3Exception: The specified key does not exist. (Status Code: 404; Error Code: NoSuchKey)",
    ),
    (
        "other",
        "conflict",
        "io.delta.exceptions.ConcurrentAppendException: Files were added to the root of the table by a concurrent update.",
    ),
    ("other", "unknown", "The job finished in a state nobody has seen before"),
]


@pytest.mark.parametrize(
    ("category", "kind", "text"), TABLE, ids=[f"{c}-{k}-{i}" for i, (c, k, _) in enumerate(TABLE)]
)
def test_category_and_kind(category: str, kind: str, text: str) -> None:
    result = classify_text(text)
    assert (result.category, result.kind) == (category, kind), result.matches


@pytest.mark.parametrize(
    ("code", "state", "category", "kind"),
    [
        ("CLOUD_FAILURE", None, "resource", "capacity"),
        ("WORKSPACE_RUN_LIMIT_EXCEEDED", None, "resource", "quota"),
        ("UNAUTHORIZED_ERROR", None, "permission", "auth"),
        ("RESOURCE_NOT_FOUND", None, "data_not_found", "missing"),
        ("INVALID_CLUSTER_REQUEST", None, "syntax_code", "config"),
        (None, "TIMEDOUT", "timeout", "run_timeout"),
    ],
)
def test_termination_codes_and_result_state_classify_without_text(code, state, category, kind) -> None:
    result = classify_text("", termination_code=code, result_state=state)
    assert (result.category, result.kind) == (category, kind)
    assert result.matches[0].field in ("termination_code", "result_state")


def test_nothing_matched_is_other_with_low_confidence() -> None:
    result = classify_text("exit status 1")
    assert result.category == "other" and result.confidence == NO_MATCH_CONFIDENCE and result.matches == []


def test_specific_root_cause_beats_generic_wrapper() -> None:
    text = (
        "Py4JJavaError: An error occurred while calling o123.sql.\n"
        ": org.apache.spark.sql.AnalysisException: [TABLE_OR_VIEW_NOT_FOUND] The table or view `x` cannot be found."
    )
    result = classify_text(text)
    assert result.category == "data_not_found"
    assert {"table-not-found", "analysis-exception"} <= set(result.rule_ids)


def test_memory_root_cause_beats_the_connection_resets_it_causes() -> None:
    text = "ExecutorLostFailure ... java.net.SocketException: Connection reset\nCaused by: java.lang.OutOfMemoryError: Java heap space"
    assert classify_text(text).category == "resource"


def test_close_rival_of_another_category_lowers_confidence() -> None:
    alone = classify_text("[TABLE_OR_VIEW_NOT_FOUND] `t` cannot be found")
    rival = classify_text("[TABLE_OR_VIEW_NOT_FOUND] `t` cannot be found; PERMISSION_DENIED on schema")
    assert alone.category == rival.category == "data_not_found"
    assert rival.confidence < alone.confidence


def test_classify_failure_reads_all_task_errors_and_the_code() -> None:
    f = failure("plain message", termination_code="UNAUTHORIZED_ERROR")
    assert classify_failure(f).category == "permission"


def test_signature_at_the_end_of_a_huge_output_is_still_found() -> None:
    text = ("INFO noise line\n" * 300_000) + "Caused by: java.lang.OutOfMemoryError: Java heap space"
    assert len(text) > 4_000_000
    assert classify_text(text).category == "resource"


def test_packaged_rules_load_and_cover_every_category() -> None:
    rules = load_rules()
    assert {r.category for r in rules.rules} == {
        "timeout",
        "resource",
        "permission",
        "syntax_code",
        "network",
        "data_not_found",
        "other",
    }
    assert rules.label.startswith("v1:")


def test_bad_regex_names_the_rule(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text(
        "version: 1\nrules:\n  - {id: ok-rule, category: network, kind: connection, pattern: 'reset', confidence: 0.5}\n"
        "  - {id: broken-rule, category: network, kind: connection, pattern: '(unclosed', confidence: 0.5}\n"
    )
    with pytest.raises(ValueError, match="broken-rule"):
        load_rules(path)


def test_duplicate_rule_ids_and_unknown_categories_are_refused(tmp_path: Path) -> None:
    dupes = tmp_path / "dupes.yaml"
    dupes.write_text(
        "version: 1\nrules:\n  - {id: a-rule, category: network, kind: connection, pattern: 'x', confidence: 0.5}\n"
        "  - {id: a-rule, category: network, kind: connection, pattern: 'y', confidence: 0.5}\n"
    )
    with pytest.raises(ValueError, match="duplicate rule ids: a-rule"):
        load_rules(dupes)
    unknown = tmp_path / "unknown.yaml"
    unknown.write_text(
        "version: 1\nrules:\n  - {id: b-rule, category: cosmic_rays, kind: x, pattern: 'x', confidence: 0.5}\n"
    )
    with pytest.raises(ValueError, match="b-rule"):
        load_rules(unknown)


def test_custom_rules_file_is_used(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text(
        "version: 7\nrules:\n  - {id: custom, category: network, kind: connection, pattern: 'flaky vpn', confidence: 0.9}\n"
    )
    rules = load_rules(path)
    result = classify_text("the flaky VPN dropped", rules=rules)
    assert result.category == "network" and result.rules_version.startswith("v7:")
