"""ask_lakepilot: answer one question with the orchestrator (triggered through the REST API or the UI).

Wiring only: the work is `agents.orchestrator.ask`.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from airflow.sdk import Param, dag, task
from lakepilot_airflow.notifiers import failure_notifier

from include.untrusted.limits import DAG_CONF

SESSION_PATTERN = r"^[A-Za-z0-9_.:-]{1,64}$"

DOC = """
### Ask LakePilot
Answers one question about the platform ("Why did cost spike yesterday, and did jobs fail?"):
the orchestrator routes it to the domain agents it needs (cost, security, performance,
reliability, data quality, ML / model serving), asks them in parallel over the question's time
window (stored health sweeps when they exist, otherwise a fresh sweep), connects their results
(same job, workspace, cluster, warehouse or day, with shares computed from the data) and writes
one answer. An ambiguous question gets the clarifying question as its answer.

* **Trigger** with conf `{"question": "...", "session_id": "optional, for follow-ups", "now": "optional ISO time"}`
  (validated by the DAG's params). Follow-ups ("and the week before?") reuse the session id.
* **Answer**: the return value (XCom) of the `answer` task — `answer`, `status`, `agents`,
  `correlations`, `followups`, `agent_path` — and the turn in `lakepilot.ops.conversations`
  (session_id, turn). A retried task rewrites its own turn; it never adds one.
* **Connections** (resolved inside the task): `databricks_default` (SQL warehouse when
  `LAKEPILOT_WAREHOUSE=databricks`, else the local lakehouse), `lakepilot_llm` (optional: LLM
  routing, agent analyses and a number-checked LLM answer; without it everything is deterministic).
"""


@dag(
    dag_id="ask_lakepilot",
    schedule=None,
    start_date=datetime(2026, 1, 1),
    catchup=False,
    max_active_runs=4,
    tags=["lakepilot", "orchestrator", "ask"],
    doc_md=DOC,
    default_args={"on_failure_callback": failure_notifier(), "retries": 1, "retry_delay": timedelta(seconds=20), "owner": "lakepilot"},
    params={
        "question": Param(type="string", minLength=1, maxLength=DAG_CONF.chars,
                          description="The question, in the user's words (cut to 4,000 characters, head and tail)."),
        "session_id": Param(None, type=["null", "string"], pattern=SESSION_PATTERN,
                            description="Conversation id for follow-ups (1-64 of A-Za-z0-9_.:-); empty: one per run."),
        "now": Param(None, type=["null", "string"], description="Reference time for 'yesterday' etc. (ISO 8601; default now)."),
    },
)
def ask_lakepilot():
    @task(execution_timeout=timedelta(minutes=15))
    def answer(**context) -> dict:
        import hashlib
        import logging

        from lakepilot_airflow.connections import resolve_llm, resolve_warehouse

        from agents.orchestrator import ask

        log = logging.getLogger(__name__)
        params, run = context["params"], context["dag_run"]
        key = hashlib.sha256(f"{run.dag_id}/{run.run_id}".encode()).hexdigest()
        session = params.get("session_id") or f"run-{key[:16]}"
        now = datetime.fromisoformat(params["now"].replace("Z", "+00:00")) if params.get("now") else None
        result = ask(params["question"], session_id=session, now=now, warehouse=resolve_warehouse(),
                     llm=resolve_llm(), request_id=f"airflow:{key[:32]}")
        for r in result.results:
            log.info("%s agent: %s%s", r.domain, r.status, f" ({r.error})" if r.error else "")
        log.info("answer (%s, %s path), session %s turn %d:\n%s", result.status, result.agent_path,
                 result.session_id, result.turn, result.answer)
        return result.summary()

    answer()


ask_lakepilot()
