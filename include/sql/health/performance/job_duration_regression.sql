-- Median execution time of each job's successful runs in the window vs the 7-day and 30-day
-- baselines before it. Execution time = execution_duration_seconds of the final slice when the
-- table has it, else wall-clock time of the run (first slice start to last slice end).
-- A regression must also clear the job's own noise: the window median above the baseline's upper
-- Tukey fence (p75 + :noise_k x IQR of the long baseline), with at least :min_baseline_runs runs
-- behind it, so a job whose durations are noisy but stable is not flagged.
-- Params: :window_start, :window_end, :baseline_start, :long_baseline_start, :regression_pct, :noise_k, :min_baseline_runs
-- optional: execution_duration_seconds
WITH runs AS (
  SELECT workspace_id, job_id, run_id,
         MIN(period_start_time) AS started, MAX(period_end_time) AS ended,
         MAX(result_state) AS result_state, MAX(execution_duration_seconds) AS execution_s
  FROM system.lakeflow.job_run_timeline
  WHERE period_start_time >= CAST(:long_baseline_start AS TIMESTAMP)
    AND period_start_time < CAST(:window_end AS TIMESTAMP)
  GROUP BY workspace_id, job_id, run_id
),
ok AS (
  SELECT workspace_id, job_id, started,
         CAST(COALESCE(execution_s, timestampdiff(SECOND, started, ended)) AS DOUBLE) AS seconds
  FROM runs
  WHERE result_state = 'SUCCEEDED'
),
stats AS (
  SELECT workspace_id, job_id,
         percentile(CASE WHEN started >= CAST(:window_start AS TIMESTAMP) THEN seconds END, 0.5) AS window_s,
         COUNT(CASE WHEN started >= CAST(:window_start AS TIMESTAMP) THEN 1 END) AS window_runs,
         percentile(CASE WHEN started >= CAST(:baseline_start AS TIMESTAMP)
                          AND started < CAST(:window_start AS TIMESTAMP) THEN seconds END, 0.5) AS baseline_7d_s,
         COUNT(CASE WHEN started >= CAST(:baseline_start AS TIMESTAMP)
                     AND started < CAST(:window_start AS TIMESTAMP) THEN 1 END) AS baseline_7d_runs,
         percentile(CASE WHEN started < CAST(:window_start AS TIMESTAMP) THEN seconds END, 0.5) AS baseline_30d_s,
         percentile(CASE WHEN started < CAST(:window_start AS TIMESTAMP) THEN seconds END, 0.25) AS baseline_p25_s,
         percentile(CASE WHEN started < CAST(:window_start AS TIMESTAMP) THEN seconds END, 0.75) AS baseline_p75_s,
         COUNT(CASE WHEN started < CAST(:window_start AS TIMESTAMP) THEN 1 END) AS baseline_30d_runs
  FROM ok
  GROUP BY workspace_id, job_id
),
names AS (
  SELECT workspace_id, job_id, name
  FROM system.lakeflow.jobs
  QUALIFY ROW_NUMBER() OVER (PARTITION BY workspace_id, job_id ORDER BY change_time DESC) = 1
)
SELECT s.*, n.name AS job_name
FROM stats s
LEFT JOIN names n ON s.workspace_id = n.workspace_id AND s.job_id = n.job_id
WHERE s.window_runs >= 1 AND s.baseline_7d_runs >= 3 AND s.baseline_30d_runs >= :min_baseline_runs
  AND s.window_s > s.baseline_p75_s + :noise_k * (s.baseline_p75_s - s.baseline_p25_s)
  AND s.window_s >= s.baseline_7d_s * (1 + :regression_pct / 100.0)
  AND s.window_s >= s.baseline_30d_s * (1 + :regression_pct / 100.0)
ORDER BY s.window_s / s.baseline_7d_s DESC
