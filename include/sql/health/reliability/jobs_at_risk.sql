-- Jobs close to a limit they have not crossed yet: the longest run in the window used a large
-- share of the run-duration SLA or of the job timeout. Params: :window_start, :window_end
WITH jobs AS (
  SELECT workspace_id, job_id, name, health_rules, timeout_seconds
  FROM system.lakeflow.jobs
  QUALIFY ROW_NUMBER() OVER (PARTITION BY workspace_id, job_id ORDER BY change_time DESC) = 1
),
sla AS (
  SELECT workspace_id, job_id, MIN(rule.value) AS sla_s
  FROM (SELECT workspace_id, job_id, explode(health_rules) AS rule FROM jobs) r
  WHERE rule.metric = 'RUN_DURATION_SECONDS'
  GROUP BY workspace_id, job_id
),
limits AS (
  SELECT j.workspace_id, j.job_id, j.name, s.sla_s, NULLIF(j.timeout_seconds, 0) AS timeout_s
  FROM jobs j LEFT JOIN sla s ON j.workspace_id = s.workspace_id AND j.job_id = s.job_id
  WHERE s.sla_s IS NOT NULL OR COALESCE(j.timeout_seconds, 0) > 0
),
runs AS (
  SELECT workspace_id, job_id, run_id, MIN(period_start_time) AS started, MAX(period_end_time) AS ended,
         MAX(result_state) AS result_state
  FROM system.lakeflow.job_run_timeline
  WHERE period_start_time >= CAST(:window_start AS TIMESTAMP) AND period_start_time < CAST(:window_end AS TIMESTAMP)
  GROUP BY workspace_id, job_id, run_id
)
SELECT l.workspace_id, l.job_id, l.name AS job_name, l.sla_s, l.timeout_s, COUNT(*) AS window_runs,
       MAX(timestampdiff(SECOND, r.started, r.ended)) AS window_max_s
FROM limits l
JOIN runs r ON l.workspace_id = r.workspace_id AND l.job_id = r.job_id
WHERE r.result_state = 'SUCCEEDED'
GROUP BY l.workspace_id, l.job_id, l.name, l.sla_s, l.timeout_s
ORDER BY l.workspace_id, l.job_id
