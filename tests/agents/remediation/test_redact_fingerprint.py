"""Secrets never survive redaction; fingerprints are stable across runs; tokens fit Databricks."""

from __future__ import annotations

import pytest

from include.remediation.fingerprint import failure_fingerprint, idempotency_token, normalise_error
from include.remediation.redact import excerpt, find_secrets, redact

SECRETS = [
    ("Authorization: Bearer dapi0123456789abcdef0123456789abcdef", "dapi0123456789abcdef0123456789abcdef"),
    ("token=dapi0123456789abcdef0123456789abcdef-3 failed", "dapi0123456789abcdef0123456789abcdef"),
    ("jdbc:postgresql://etl_user:Hunter2!@db.internal:5432/sales", "Hunter2!"),
    ("https://admin:s3cr3tpw@files.example.com/x", "s3cr3tpw"),
    (
        "openai.AuthenticationError: Incorrect API key provided: sk-proj-AbCdEfGhIjKlMnOpQrStUv",
        "sk-proj-AbCdEfGhIjKlMnOpQrStUv",
    ),
    ("password=correct-horse-battery", "correct-horse-battery"),
    ('{"client_secret": "zyx-987-wvu"}', "zyx-987-wvu"),
    (
        "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=AbC/dEf+GhI==;EndpointSuffix=core.windows.net",
        "AbC/dEf+GhI==",
    ),
    ("?sv=2022-11-02&sig=AbCdEf%2Bxyz123&se=2026", "AbCdEf%2Bxyz123"),
    ("aws_access_key_id AKIAIOSFODNN7EXAMPLE", "AKIAIOSFODNN7EXAMPLE"),
    ("ghp_abcdefghijklmnopqrstuvwxyz0123456789", "ghp_abcdefghijklmnopqrstuvwxyz0123456789"),
    (
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
        "dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
    ),
    ("-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\n-----END RSA PRIVATE KEY-----", "MIIEpAIBAAKCAQEA"),
]


@pytest.mark.parametrize(("text", "secret"), SECRETS)
def test_secrets_are_redacted(text: str, secret: str) -> None:
    clean = redact(text)
    assert secret not in clean and "[REDACTED" in clean
    assert find_secrets(clean) == []


def test_ordinary_error_text_is_untouched() -> None:
    text = "java.lang.OutOfMemoryError: Java heap space at org.apache.spark.Foo(Foo.scala:12)"
    assert redact(text) == text


def test_excerpt_keeps_head_and_root_cause_tail() -> None:
    text = "Py4JJavaError: top line\n" + "\tat frame\n" * 2000 + "Caused by: java.io.FileNotFoundException: x"
    short = excerpt(text, 500)
    assert (
        len(short) <= 500 and short.startswith("Py4JJavaError") and short.endswith("FileNotFoundException: x")
    )
    assert "characters omitted" in short


def test_fingerprint_ignores_ids_times_paths_and_numbers() -> None:
    a = (
        "24/01/05 03:12:55 ERROR Executor: Exception in task 3.0 in stage 17.0 (TID 912, 10.139.64.5, executor 2): "
        "java.io.FileNotFoundException: dbfs:/mnt/raw/2024/01/05/part-0001.parquet (run 8a7f9e2c-11aa-4bbb-8ccc-123456789abc)\n"
        "\tat org.apache.spark.Foo(Foo.scala:12)"
    )
    b = (
        "24/02/11 23:01:07 ERROR Executor: Exception in task 9.0 in stage 3.0 (TID 15, 10.139.64.9, executor 7): "
        "java.io.FileNotFoundException: dbfs:/mnt/raw/2024/02/11/part-0042.parquet (run 0b1c2d3e-11aa-4bbb-8ccc-abcdefabcdef)\n"
        "\tat org.apache.spark.Foo(Foo.scala:99)"
    )
    assert normalise_error(a) == normalise_error(b)
    assert failure_fingerprint(a, "RUN_EXECUTION_ERROR", ["ingest"]) == failure_fingerprint(
        b, "RUN_EXECUTION_ERROR", ["ingest"]
    )


def test_fingerprint_separates_different_failures() -> None:
    base = failure_fingerprint("java.lang.OutOfMemoryError: Java heap space", None, ["ingest"])
    assert base != failure_fingerprint("java.net.SocketException: Connection reset", None, ["ingest"])
    assert base != failure_fingerprint("java.lang.OutOfMemoryError: Java heap space", None, ["publish"])
    assert base != failure_fingerprint(
        "java.lang.OutOfMemoryError: Java heap space", "DRIVER_ERROR", ["ingest"]
    )
    assert len(base) == 16


def test_idempotency_token_is_stable_unique_and_short() -> None:
    assert idempotency_token("123", 0) == idempotency_token("123", 0)
    tokens = {idempotency_token(run, attempt) for run in ("123", "124") for attempt in range(3)}
    assert len(tokens) == 6
    long_id = "9" * 64
    assert len(idempotency_token(long_id, 7)) <= 64
    assert idempotency_token(long_id, 7) != idempotency_token(long_id, 8)
