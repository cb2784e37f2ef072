-- Jobs with a run-duration SLA (health rule RUN_DURATION_SECONDS, the jobs UI "duration warning"):
-- share of finished runs within it, in the window and over the baseline; and the longest run.
-- Params: :window_start, :window_end, :baseline_start
WITH jobs AS (
  SELECT workspace_id, job_id, name, health_rules, timeout_seconds
  FROM system.lakeflow.jobs
  QUALIFY ROW_NUMBER() OVER (PARTITION BY workspace_id, job_id ORDER BY change_time DESC) = 1
),
rules AS (
  SELECT workspace_id, job_id, name, MIN(rule.value) AS sla_s
  FROM (SELECT workspace_id, job_id, name, explode(health_rules) AS rule FROM jobs) r
  WHERE rule.metric = 'RUN_DURATION_SECONDS'
  GROUP BY workspace_id, job_id, name
),
runs AS (
  SELECT workspace_id, job_id, run_id, MIN(period_start_time) AS started, MAX(period_end_time) AS ended,
         MAX(result_state) AS result_state
  FROM system.lakeflow.job_run_timeline
  WHERE period_start_time >= CAST(:baseline_start AS TIMESTAMP) AND period_start_time < CAST(:window_end AS TIMESTAMP)
    AND job_id IN (SELECT job_id FROM rules)
  GROUP BY workspace_id, job_id, run_id
),
measured AS (
  SELECT r.workspace_id, r.job_id, r.started, timestampdiff(SECOND, r.started, r.ended) AS seconds, k.sla_s, k.name
  FROM runs r JOIN rules k ON r.workspace_id = k.workspace_id AND r.job_id = k.job_id
  WHERE r.result_state IS NOT NULL
)
SELECT workspace_id, job_id, MAX(name) AS job_name, MAX(sla_s) AS sla_s,
       COUNT_IF(started >= CAST(:window_start AS TIMESTAMP)) AS window_runs,
       COUNT_IF(started >= CAST(:window_start AS TIMESTAMP) AND seconds <= sla_s) AS window_within,
       MAX(CASE WHEN started >= CAST(:window_start AS TIMESTAMP) THEN seconds END) AS window_max_s,
       COUNT_IF(started < CAST(:window_start AS TIMESTAMP)) AS baseline_runs,
       COUNT_IF(started < CAST(:window_start AS TIMESTAMP) AND seconds <= sla_s) AS baseline_within,
       MAX(CASE WHEN started < CAST(:window_start AS TIMESTAMP) THEN seconds END) AS baseline_max_s
FROM measured
GROUP BY workspace_id, job_id
ORDER BY workspace_id, job_id
