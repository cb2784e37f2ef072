"""Six health DAGs, `health_<domain>`: sweep the domain's checks, store findings, let its agent explain them.

Wiring only: the work is `include.health.service.sweep_and_store` / `analyse_stored`, the analysis by
`agents.domains.analyst(domain, llm=...)`.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from airflow.sdk import Asset, dag, task
from lakepilot_airflow.notifiers import failure_notifier

from include.schedules import schedule_from_env

# The six domains (include.ops.models.DOMAINS; a test keeps the two in step). Listed here so
# parsing this file imports nothing but Airflow.
DOMAINS = ("cost", "security", "performance", "reliability", "data_quality", "mlops")
HOURLY, DAILY = "0 * * * *", "0 6 * * *"
DEFAULT_SCHEDULES = {d: (HOURLY if d == "security" else DAILY) for d in DOMAINS}
SETTINGS_VARIABLE = "lakepilot_health_settings"

DOC = """
### Health sweep: {label}
Runs LakePilot's deterministic **{label}** checks over the Databricks system tables as of the end of
the data interval, stores the findings in `lakepilot.ops.findings` (MERGE on a stable id, so a re-run
of the same interval never duplicates) with a run record in `lakepilot.ops.health_domain_runs`, then
tells people at once about critical findings (`escalate`: mail to `LAKEPILOT_ESCALATION_EMAIL` or
`LAKEPILOT_ONCALL_EMAIL`, and Slack/Teams/PagerDuty when `lakepilot_slack`/`lakepilot_teams`/
`lakepilot_pagerduty` exist; once per issue until `renotify_hours` pass, recorded in
`lakepilot.ops.escalations`), and lets the {label} agent explain them: from templates with no LLM, or with the `lakepilot_llm`
connection (falling back to the templates on any failure; the path taken is recorded).

* **Schedule**: `{schedule}` — override with the env var `LAKEPILOT_SCHEDULE_{env}` (cron, `@daily`,
  or `none` for manual only), read when the file is parsed.
* **Thresholds**: defaults in `include/health/settings.py`; override any of them with the Variable
  `lakepilot_health_settings` (JSON object, read inside the task; unknown keys fail the task by name).
* **Connections** (resolved inside tasks): `databricks_default` (SQL warehouse, when
  `LAKEPILOT_WAREHOUSE=databricks`; otherwise the local lakehouse), `lakepilot_llm` (optional).
* **Emits** the asset `lakepilot://ops/findings/{domain}` when the sweep stored findings.
"""


def schedule_for(domain: str) -> str | None:
    """Cron for a domain: `LAKEPILOT_SCHEDULE_<DOMAIN>` if set (`none` = manual only), else the default."""
    return schedule_from_env(f"LAKEPILOT_SCHEDULE_{domain.upper()}", DEFAULT_SCHEDULES[domain])


def _as_of(context) -> datetime:
    """The evaluation time: the end of the data interval (the run time for manual runs)."""
    return context.get("data_interval_end") or context["dag_run"].run_after


def _settings():
    """`HealthSettings` from the Variable, or None (the defaults over the workspace's settings file)."""
    from airflow.sdk import Variable

    from include.health.settings import HealthSettings

    raw = Variable.get(SETTINGS_VARIABLE, default=None)
    return HealthSettings.model_validate_json(raw) if raw else None


def build(domain: str):
    findings_asset = Asset(f"lakepilot://ops/findings/{domain}", group="lakepilot")
    label = domain.replace("_", " ")
    schedule = schedule_for(domain)

    @dag(
        dag_id=f"health_{domain}",
        schedule=schedule,
        start_date=datetime(2026, 1, 1),
        catchup=False,
        max_active_runs=1,
        tags=["lakepilot", "health", domain],
        doc_md=DOC.format(label=label, domain=domain, schedule=schedule or "manual", env=domain.upper()),
        default_args={"on_failure_callback": failure_notifier(), "retries": 2, "retry_delay": timedelta(minutes=2), "owner": "lakepilot"},
    )
    def health_dag():
        @task(execution_timeout=timedelta(minutes=30))
        def sweep(**context) -> dict:
            from lakepilot_airflow.connections import resolve_warehouse

            from include.health.service import sweep_and_store

            _, outcome = sweep_and_store(resolve_warehouse(), domain, _as_of(context), settings=_settings())
            return outcome.model_dump(mode="json")

        @task(execution_timeout=timedelta(minutes=10))
        def escalate(swept: dict, **context) -> dict:
            import logging

            from lakepilot_airflow.alerts import deliver_alert, findings_url
            from lakepilot_airflow.connections import resolve_warehouse

            from include.health.service import escalate_stored

            link = findings_url(context)
            outcome = escalate_stored(resolve_warehouse(), domain, datetime.fromisoformat(swept["as_of"]),
                                      deliver=lambda alert, **kw: deliver_alert(alert, link=link, **kw),
                                      settings=_settings())
            logging.getLogger(__name__).info(
                "%s escalation: %s; told %d issue(s) by %s, held back %d (told within the re-notify interval)",
                domain, outcome.status, len(outcome.told), ", ".join(outcome.channels) or "no channel",
                len(outcome.held_back))
            return outcome.model_dump(mode="json")

        @task(execution_timeout=timedelta(minutes=20))
        def analyse(swept: dict, **context) -> dict:
            import logging

            from lakepilot_airflow.connections import resolve_llm, resolve_warehouse

            from agents.domains import analyst
            from include.health.service import analyse_stored

            _, outcome = analyse_stored(resolve_warehouse(), domain, datetime.fromisoformat(swept["as_of"]),
                                        analyst=analyst(domain, llm=resolve_llm()))
            logging.getLogger(__name__).info(
                "%s analysis via the %s path (%s)%s: %s", domain, outcome.path, outcome.llm,
                f", fallback: {outcome.fallback_reason}" if outcome.fallback_reason else "", outcome.headline,
            )
            return outcome.model_dump(mode="json")

        @task(outlets=[findings_asset])
        def publish(swept: dict, analysed: dict, **context) -> dict:
            from airflow.sdk.exceptions import AirflowSkipException

            if not swept["findings"]:
                raise AirflowSkipException(f"no {domain} findings as of {swept['as_of']}: no asset event")
            extra = {"as_of": swept["as_of"], "findings": swept["findings"], "by_severity": swept["by_severity"],
                     "path": analysed["path"], "headline": analysed["headline"][:300]}
            context["outlet_events"][findings_asset].extra = extra
            return extra

        swept = sweep()
        escalate(swept)  # beside the analysis: a critical finding never waits for a model
        publish(swept, analyse(swept))

    return health_dag()


for _domain in DOMAINS:
    globals()[f"health_{_domain}"] = build(_domain)
