-- Informational: mean time to recovery per job over the history: from the first failure of a
-- failure sequence to the end of the next successful run. Params: :history_start, :window_end
WITH runs AS (
  SELECT workspace_id, job_id, run_id, MIN(period_start_time) AS started, MAX(period_end_time) AS ended,
         MAX(result_state) AS result_state
  FROM system.lakeflow.job_run_timeline
  WHERE period_start_time >= CAST(:history_start AS TIMESTAMP) AND period_start_time < CAST(:window_end AS TIMESTAMP)
  GROUP BY workspace_id, job_id, run_id
),
finished AS (
  SELECT *, LAG(result_state) OVER (PARTITION BY workspace_id, job_id ORDER BY started) AS previous_state
  FROM runs WHERE result_state IN ('SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ERROR')
),
outages AS (
  SELECT workspace_id, job_id, started AS failed_at
  FROM finished
  WHERE result_state <> 'SUCCEEDED' AND (previous_state IS NULL OR previous_state = 'SUCCEEDED')
),
recoveries AS (
  SELECT o.workspace_id, o.job_id, o.failed_at, MIN(f.ended) AS recovered_at
  FROM outages o
  JOIN finished f ON f.workspace_id = o.workspace_id AND f.job_id = o.job_id
   AND f.started > o.failed_at AND f.result_state = 'SUCCEEDED'
  GROUP BY o.workspace_id, o.job_id, o.failed_at
)
SELECT workspace_id, job_id, COUNT(*) AS recovered_outages,
       AVG(timestampdiff(SECOND, failed_at, recovered_at)) AS mttr_s,
       MAX(timestampdiff(SECOND, failed_at, recovered_at)) AS worst_s
FROM recoveries
GROUP BY workspace_id, job_id
ORDER BY mttr_s DESC
