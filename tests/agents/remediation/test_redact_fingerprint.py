"""Fingerprints are stable across runs; tokens fit Databricks; excerpts keep both ends (redaction: tests/include/untrusted)."""

from __future__ import annotations

from include.remediation.fingerprint import failure_fingerprint, idempotency_token, normalise_error
from include.untrusted.redaction import excerpt


def test_excerpt_keeps_head_and_root_cause_tail() -> None:
    text = "Py4JJavaError: top line\n" + "\tat frame\n" * 2000 + "Caused by: java.io.FileNotFoundException: x"
    short = excerpt(text, 500)
    assert (
        len(short) <= 500 and short.startswith("Py4JJavaError") and short.endswith("FileNotFoundException: x")
    )
    assert "characters cut" in short


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
