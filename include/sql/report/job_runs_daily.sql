-- Terminal job runs per day (by end time), by outcome, with how many met their duration SLA.
-- A run's timeline is sliced (~hourly); result_state is set on its final slice only.
-- The SLA is the job's RUN_DURATION_SECONDS GREATER_THAN health rule (latest job version).
WITH runs AS (
  SELECT
    workspace_id,
    job_id,
    run_id,
    MIN(period_start_time) AS start_time,
    MAX(period_end_time) AS end_time,
    MAX(result_state) AS result_state,
    MAX(run_duration_seconds) AS run_duration_seconds
  FROM system.lakeflow.job_run_timeline
  WHERE period_end_time >= :history_start AND period_start_time < :end_ts
  GROUP BY workspace_id, job_id, run_id
),
latest_jobs AS (
  SELECT workspace_id, job_id, health_rules,
         ROW_NUMBER() OVER (PARTITION BY workspace_id, job_id ORDER BY change_time DESC) AS rn
  FROM system.lakeflow.jobs
),
sla AS (
  SELECT j.workspace_id, j.job_id, MIN(r.value) AS sla_seconds
  FROM latest_jobs AS j
  LATERAL VIEW EXPLODE(j.health_rules) AS r
  WHERE j.rn = 1 AND r.metric = 'RUN_DURATION_SECONDS' AND r.operator = 'GREATER_THAN'
  GROUP BY j.workspace_id, j.job_id
),
terminal AS (
  SELECT
    CAST(runs.end_time AS DATE) AS day,
    runs.result_state,
    COALESCE(runs.run_duration_seconds,
             TIMESTAMPDIFF(SECOND, runs.start_time, runs.end_time)) AS duration_s,
    sla.sla_seconds
  FROM runs
  LEFT JOIN sla ON runs.workspace_id = sla.workspace_id AND runs.job_id = sla.job_id
  WHERE runs.result_state IS NOT NULL AND runs.end_time >= :start_ts AND runs.end_time < :end_ts
)
SELECT
  day,
  COUNT(*) AS runs,
  SUM(CASE WHEN result_state = 'SUCCEEDED' THEN 1 ELSE 0 END) AS succeeded,
  SUM(CASE WHEN result_state IN ('FAILED', 'ERROR', 'TIMED_OUT') THEN 1 ELSE 0 END) AS failed,
  SUM(CASE WHEN result_state NOT IN ('SUCCEEDED', 'FAILED', 'ERROR', 'TIMED_OUT') THEN 1 ELSE 0 END) AS other,
  SUM(CASE WHEN sla_seconds IS NOT NULL THEN 1 ELSE 0 END) AS sla_runs,
  SUM(CASE WHEN sla_seconds IS NOT NULL AND result_state = 'SUCCEEDED' AND duration_s <= sla_seconds
           THEN 1 ELSE 0 END) AS sla_met
FROM terminal
GROUP BY day
ORDER BY day
