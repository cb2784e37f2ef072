-- Failure rate of each job's finished runs in the window vs the baseline before it.
-- Params: :window_start, :window_end, :baseline_start
WITH runs AS (
  SELECT workspace_id, job_id, run_id, MIN(period_start_time) AS started,
         MAX(result_state) AS result_state, MAX(termination_code) AS termination_code
  FROM system.lakeflow.job_run_timeline
  WHERE period_start_time >= CAST(:baseline_start AS TIMESTAMP) AND period_start_time < CAST(:window_end AS TIMESTAMP)
  GROUP BY workspace_id, job_id, run_id
),
finished AS (
  SELECT *, CASE WHEN result_state IN ('FAILED', 'TIMED_OUT', 'ERROR') THEN 1 ELSE 0 END AS failed
  FROM runs WHERE result_state IN ('SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ERROR')
),
names AS (
  SELECT workspace_id, job_id, name
  FROM system.lakeflow.jobs
  QUALIFY ROW_NUMBER() OVER (PARTITION BY workspace_id, job_id ORDER BY change_time DESC) = 1
)
SELECT f.workspace_id, f.job_id, MAX(n.name) AS job_name,
       COUNT_IF(f.started >= CAST(:window_start AS TIMESTAMP)) AS window_runs,
       SUM(CASE WHEN f.started >= CAST(:window_start AS TIMESTAMP) THEN f.failed ELSE 0 END) AS window_failures,
       COUNT_IF(f.started < CAST(:window_start AS TIMESTAMP)) AS baseline_runs,
       SUM(CASE WHEN f.started < CAST(:window_start AS TIMESTAMP) THEN f.failed ELSE 0 END) AS baseline_failures,
       collect_set(CASE WHEN f.started >= CAST(:window_start AS TIMESTAMP) AND f.failed = 1 THEN f.termination_code END) AS termination_codes
FROM finished f
LEFT JOIN names n ON f.workspace_id = n.workspace_id AND f.job_id = n.job_id
GROUP BY f.workspace_id, f.job_id
HAVING COUNT_IF(f.started >= CAST(:window_start AS TIMESTAMP)) > 0
ORDER BY f.workspace_id, f.job_id
