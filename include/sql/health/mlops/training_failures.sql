-- ML training jobs (recognised by a job tag) with failed runs in the window.
-- Params: :window_start, :window_end, :tag_key, :tag_value
WITH training AS (
  SELECT workspace_id, job_id, name
  FROM system.lakeflow.jobs
  QUALIFY ROW_NUMBER() OVER (PARTITION BY workspace_id, job_id ORDER BY change_time DESC) = 1
),
tagged AS (
  SELECT t.workspace_id, t.job_id, t.name
  FROM training t
  WHERE t.job_id IN (
    SELECT job_id FROM system.lakeflow.jobs WHERE tags[:tag_key] = :tag_value)
),
runs AS (
  SELECT workspace_id, job_id, run_id, MIN(period_start_time) AS started, MAX(result_state) AS result_state,
         MAX(termination_code) AS termination_code
  FROM system.lakeflow.job_run_timeline
  WHERE period_start_time >= CAST(:window_start AS TIMESTAMP) AND period_start_time < CAST(:window_end AS TIMESTAMP)
    AND job_id IN (SELECT job_id FROM tagged)
  GROUP BY workspace_id, job_id, run_id
)
SELECT r.workspace_id, r.job_id, MAX(t.name) AS job_name, COUNT(*) AS window_runs,
       COUNT_IF(r.result_state IN ('FAILED', 'TIMED_OUT', 'ERROR')) AS window_failures,
       MAX_BY(r.result_state, r.started) AS last_result, MAX_BY(r.termination_code, r.started) AS last_termination_code,
       MAX(r.started) AS last_started
FROM runs r
JOIN tagged t ON r.workspace_id = t.workspace_id AND r.job_id = t.job_id
WHERE r.result_state IS NOT NULL
GROUP BY r.workspace_id, r.job_id
HAVING COUNT_IF(r.result_state IN ('FAILED', 'TIMED_OUT', 'ERROR')) > 0
ORDER BY r.workspace_id, r.job_id
