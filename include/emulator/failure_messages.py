"""The error text of each failure behaviour, in the words Spark and Databricks use.

Each behaviour has a few variants (which one a job gets is seeded by the job, so a job always
fails the same way); a variant fills its text from the job (tables, node type, cloud) so triage
sees errors that name real things. Messages are composed here, not copied from any source.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from pydantic import BaseModel


class ErrorContext(BaseModel):
    """What a failure message may name."""

    job_name: str
    task_key: str
    notebook_path: str
    team: str
    node_type_id: str
    cluster_id: str
    run_as: str
    node_memory_gb: float | None
    numbers: list[int]  # seeded figures: stage, task, TID, executor, ip octets, line
    reads: list[str] = []  # tables the job reads (from the manifest), used in preference to made-up names


@dataclass(frozen=True)
class Variant:
    """One way a behaviour shows up: termination code/type, task state message, error, trace."""

    name: str
    code: str
    type: str
    task_message: Callable[[ErrorContext], str]
    error: Callable[[ErrorContext], str]
    trace: Callable[[ErrorContext], str | None]


WORKLOAD_FAILED = "Workload failed, see run output for details"
DRIVER_RESTARTED = (
    "The spark driver has stopped unexpectedly and is restarting. Your notebook will be automatically reattached."
)


def table_name(ctx: ErrorContext, suffix: str = "") -> str:
    """A table the job reads: from the manifest when known, else derived from the job's name."""
    if ctx.reads:
        return ctx.reads[ctx.numbers[7] % len(ctx.reads)]
    slug = re.sub(r"[^a-z0-9]+", "_", ctx.job_name.lower()).strip("_") or "events"
    schema = re.sub(r"[^a-z0-9]+", "_", ctx.team.lower()).strip("_") or "analytics"
    return f"main.{schema}.{slug}{suffix}"


def _quoted(full_name: str) -> str:
    return ".".join(f"`{part}`" for part in full_name.split("."))


def _ip(ctx: ErrorContext) -> str:
    return f"10.139.{ctx.numbers[4] % 250}.{ctx.numbers[5] % 250 + 2}"


def _stage_failure(ctx: ErrorContext, cause: str) -> str:
    stage, task, tid, executor = ctx.numbers[0] % 60 + 2, ctx.numbers[1] % 200, ctx.numbers[2] % 9000 + 100, ctx.numbers[3] % 16 + 1
    return (
        "org.apache.spark.SparkException: Job aborted due to stage failure: "
        f"Task {task} in stage {stage}.0 failed 4 times, most recent failure: Lost task {task}.3 in stage "
        f"{stage}.0 (TID {tid}) ({_ip(ctx)} executor {executor}): {cause}"
    )


def _py_trace(ctx: ErrorContext, error: str, call: str) -> str:
    line = ctx.numbers[6] % 80 + 5
    return (
        f"{error}\n---------------------------------------------------------------------------\n"
        f"File <command-{ctx.numbers[2]}>, line {line}\n"
        f"----> {line} {call}\n"
        f"File /databricks/spark/python/pyspark/sql/readwriter.py:{ctx.numbers[3] % 300 + 100}, in DataFrameReader.table(self, tableName)\n"
        "File /databricks/spark/python/pyspark/errors/exceptions/captured.py:261, in capture_sql_exception.<locals>.deco(*a, **kw)\n"
    )


def _jvm_trace(error: str, frames: list[str]) -> str:
    return error + "\n" + "\n".join(f"\tat {frame}" for frame in frames)


def _capacity_detail(ctx: ErrorContext) -> str:
    node = ctx.node_type_id
    if node.startswith("Standard_"):
        return (
            "azure_error_code:SkuNotAvailable,azure_error_message:The requested VM size for resource "
            f"'Following SKUs have failed for Capacity Restrictions: {node}' is currently not available in "
            "location 'westeurope'. Please try another size or deploy to a different location or zones."
        )
    if "-" in node and "." not in node:
        return (
            "gcp_error_code:ZONE_RESOURCE_POOL_EXHAUSTED,gcp_error_message:The zone "
            "'projects/lakepilot-demo/zones/us-central1-a' does not have enough resources available to fulfill "
            f"the request. '(resource type:compute)'. Requested machine type: {node}."
        )
    return (
        "aws_api_error_code:InsufficientInstanceCapacity,aws_error_message:We currently do not have sufficient "
        f"{node} capacity in the Availability Zone you requested (us-east-1b). Our system will be working on "
        f"provisioning additional capacity. You can currently get {node} capacity by not specifying an "
        "Availability Zone in your request or choosing us-east-1a, us-east-1c, us-east-1d, us-east-1f."
    )


def _capacity_message(ctx: ErrorContext) -> str:
    return (
        f"Unexpected failure while waiting for the cluster ({ctx.cluster_id}) to be ready: Cluster {ctx.cluster_id} "
        f"is in unexpected state Terminated: CLOUD_PROVIDER_LAUNCH_FAILURE(CLOUD_FAILURE): {_capacity_detail(ctx)}"
    )


def _exec_memory(ctx: ErrorContext) -> str:
    limit = round((ctx.node_memory_gb or 32) * 0.45, 1)
    return f"{round(limit * 1.04, 1)} GB of {limit} GB physical memory used"


_OOM_EXECUTOR = Variant(
    "executor_lost", "RUN_EXECUTION_ERROR", "CLIENT_ERROR",
    lambda ctx: WORKLOAD_FAILED,
    lambda ctx: _stage_failure(
        ctx,
        f"ExecutorLostFailure (executor {ctx.numbers[3] % 16 + 1} exited caused by one of the running tasks) "
        f"Reason: Executor killed for exceeding memory limits: {_exec_memory(ctx)}. "
        "Consider boosting spark.executor.memoryOverhead or increasing spark.sql.shuffle.partitions.",
    ),
    lambda ctx: _jvm_trace("Driver stacktrace:", [
        "org.apache.spark.scheduler.DAGScheduler.failJobAndIndependentStages(DAGScheduler.scala:3872)",
        "org.apache.spark.scheduler.DAGScheduler.$anonfun$abortStage$2(DAGScheduler.scala:3794)",
        "org.apache.spark.sql.execution.adaptive.AdaptiveSparkPlanExec.doExecute(AdaptiveSparkPlanExec.scala:412)",
    ]),
)
_OOM_DRIVER = Variant(
    "driver_heap", "DRIVER_ERROR", "CLIENT_ERROR",
    lambda ctx: DRIVER_RESTARTED,
    lambda ctx: "java.lang.OutOfMemoryError: Java heap space",
    lambda ctx: _jvm_trace("java.lang.OutOfMemoryError: Java heap space", [
        "java.base/java.util.Arrays.copyOf(Arrays.java:3537)",
        "org.apache.spark.sql.execution.SparkPlan.executeCollect(SparkPlan.scala:461)",
        "org.apache.spark.sql.Dataset.collectFromPlan(Dataset.scala:4519)",
    ]),
)
_TRANSIENT_RESET = Variant(
    "connection_reset", "RUN_EXECUTION_ERROR", "CLIENT_ERROR",
    lambda ctx: WORKLOAD_FAILED,
    lambda ctx: _stage_failure(ctx, "java.net.SocketException: Connection reset by peer"),
    lambda ctx: _jvm_trace("java.net.SocketException: Connection reset by peer", [
        "java.base/sun.nio.ch.SocketDispatcher.read0(Native Method)",
        "org.postgresql.core.VisibleBufferedInputStream.readMore(VisibleBufferedInputStream.java:161)",
        "org.apache.spark.sql.execution.datasources.jdbc.JDBCRDD.compute(JDBCRDD.scala:297)",
    ]),
)
_TRANSIENT_TIMEOUT = Variant(
    "read_timeout", "RUN_EXECUTION_ERROR", "CLIENT_ERROR",
    lambda ctx: WORKLOAD_FAILED,
    lambda ctx: _stage_failure(
        ctx,
        "java.net.SocketTimeoutException: Read timed out (while reading part-00"
        f"{ctx.numbers[1] % 100:03d}.snappy.parquet of {table_name(ctx)})",
    ),
    lambda ctx: _jvm_trace("java.net.SocketTimeoutException: Read timed out", [
        "java.base/sun.nio.ch.NioSocketImpl.timedRead(NioSocketImpl.java:288)",
        "shaded.databricks.org.apache.hadoop.fs.s3a.S3AInputStream.read(S3AInputStream.java:527)",
        "org.apache.parquet.hadoop.ParquetFileReader.readNextRowGroup(ParquetFileReader.java:1093)",
    ]),
)
_PERMISSION_TABLE = Variant(
    "uc_select", "RUN_EXECUTION_ERROR", "CLIENT_ERROR",
    lambda ctx: WORKLOAD_FAILED,
    lambda ctx: f"PERMISSION_DENIED: User does not have SELECT on Table '{table_name(ctx, '_source')}'.",
    lambda ctx: _py_trace(
        ctx, f"PERMISSION_DENIED: User does not have SELECT on Table '{table_name(ctx, '_source')}'.",
        f'spark.read.table("{table_name(ctx, "_source")}")',
    ),
)
_PERMISSION_SCHEMA = Variant(
    "uc_insufficient", "RUN_EXECUTION_ERROR", "CLIENT_ERROR",
    lambda ctx: WORKLOAD_FAILED,
    lambda ctx: (
        "pyspark.errors.exceptions.captured.AnalysisException: [INSUFFICIENT_PERMISSIONS] Insufficient privileges:\n"
        f"User does not have USE SCHEMA on Schema '{table_name(ctx).rsplit('.', 1)[0]}'. SQLSTATE: 42501"
    ),
    lambda ctx: None,
)
_PERMISSION_NOTEBOOK = Variant(
    "run_as_access", "UNAUTHORIZED_ERROR", "CLIENT_ERROR",
    lambda ctx: f"User {ctx.run_as} does not have permission to read the notebook {ctx.notebook_path}.",
    lambda ctx: f"User {ctx.run_as} does not have permission to read the notebook {ctx.notebook_path}.",
    lambda ctx: None,
)
_SYNTAX_PARSE = Variant(
    "parse_syntax", "RUN_EXECUTION_ERROR", "CLIENT_ERROR",
    lambda ctx: WORKLOAD_FAILED,
    lambda ctx: (
        "pyspark.errors.exceptions.captured.ParseException: \n[PARSE_SYNTAX_ERROR] Syntax error at or near 'FROM'. "
        f"SQLSTATE: 42601 (line 3, pos 0)\n\n== SQL ==\nSELECT order_id,\n       amount,\nFROM {table_name(ctx)}\n^^^\n"
    ),
    lambda ctx: None,
)
_SYNTAX_COLUMN = Variant(
    "unresolved_column", "RUN_EXECUTION_ERROR", "CLIENT_ERROR",
    lambda ctx: WORKLOAD_FAILED,
    lambda ctx: (
        "pyspark.errors.exceptions.captured.AnalysisException: [UNRESOLVED_COLUMN.WITH_SUGGESTION] A column, "
        "variable, or function parameter with name `amout` cannot be resolved. Did you mean one of the following? "
        "[`amount`, `order_id`, `updated_at`]. SQLSTATE: 42703"
    ),
    lambda ctx: None,
)
_MISSING_TABLE = Variant(
    "table_not_found", "RUN_EXECUTION_ERROR", "CLIENT_ERROR",
    lambda ctx: WORKLOAD_FAILED,
    lambda ctx: (
        "pyspark.errors.exceptions.captured.AnalysisException: [TABLE_OR_VIEW_NOT_FOUND] The table or view "
        f"{_quoted(table_name(ctx, '_staging'))} cannot be found. Verify the spelling and correctness of the schema "
        "and catalog.\nIf you did not qualify the name with a schema, verify the current_schema() output, or "
        "qualify the name with the correct schema and catalog.\nTo tolerate the error on drop use DROP VIEW IF "
        "EXISTS or DROP TABLE IF EXISTS. SQLSTATE: 42P01"
    ),
    lambda ctx: _py_trace(ctx, "AnalysisException: [TABLE_OR_VIEW_NOT_FOUND]", f'spark.read.table("{table_name(ctx, "_staging")}")'),
)
_CAPACITY = Variant(
    "launch_capacity", "CLOUD_FAILURE", "CLOUD_FAILURE", _capacity_message, _capacity_message, lambda ctx: None
)

VARIANTS: dict[str, list[Variant]] = {
    "transient": [_TRANSIENT_RESET, _TRANSIENT_TIMEOUT],
    "oom": [_OOM_EXECUTOR, _OOM_DRIVER],
    "permission": [_PERMISSION_TABLE, _PERMISSION_SCHEMA, _PERMISSION_NOTEBOOK],
    "syntax": [_SYNTAX_PARSE, _SYNTAX_COLUMN],
    "missing_table": [_MISSING_TABLE],
    "capacity": [_CAPACITY],
}
