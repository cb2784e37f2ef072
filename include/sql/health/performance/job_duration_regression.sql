-- Median execution time of each job's successful runs in the window vs its own history:
-- * the baseline: its last :baseline_runs runs that started before the week preceding the window
--   (:recent_start), within :history_start — counted in runs, not days, so a weekly job has one
--   too, and ending a week early, so a slowdown that began a day or two ago does not hide in it;
-- * the recent level: its runs of that week when there are 3 or more, else the baseline.
-- A regression must exceed both by :regression_pct and clear the job's own noise: above the
-- baseline's upper Tukey fence (p75 + :noise_k x IQR) and above 1.1 x its p95 (what it has done
-- before), with at least :min_baseline_runs baseline runs. Execution time = execution_duration_seconds
-- of the final slice when the table has it, else wall-clock time of the run.
-- month_<k>_s: the longest successful run around the same date k months ago (a month-start job that is
-- always slow on the 1st), from the same history scan.
-- Params: :window_start, :window_end, :recent_start, :history_start, :regression_pct, :noise_k, :min_baseline_runs,
--         :baseline_runs, :month_1_start .. :month_3_end
-- optional: execution_duration_seconds
{% from "_same_dates.sql" import months_ago %}
WITH runs AS (
  SELECT workspace_id, job_id, run_id,
         MIN(period_start_time) AS started, MAX(period_end_time) AS ended,
         MAX(result_state) AS result_state, MAX(execution_duration_seconds) AS execution_s
  FROM system.lakeflow.job_run_timeline
  WHERE period_start_time >= CAST(:history_start AS TIMESTAMP)
    AND period_start_time < CAST(:window_end AS TIMESTAMP)
  GROUP BY workspace_id, job_id, run_id
),
ok AS (
  SELECT workspace_id, job_id, started, period, {{ months_ago("started") }} AS months_ago,
         CAST(COALESCE(execution_s, timestampdiff(SECOND, started, ended)) AS DOUBLE) AS seconds,
         ROW_NUMBER() OVER (PARTITION BY workspace_id, job_id, period ORDER BY started DESC) AS recency
  FROM (
    SELECT *, CASE WHEN started >= CAST(:window_start AS TIMESTAMP) THEN 'window'
                   WHEN started >= CAST(:recent_start AS TIMESTAMP) THEN 'week'
                   ELSE 'baseline' END AS period
    FROM runs
    WHERE result_state = 'SUCCEEDED'
  ) AS classified
),
stats AS (
  SELECT workspace_id, job_id,
         percentile(CASE WHEN period = 'window' THEN seconds END, 0.5) AS window_s,
         COUNT(CASE WHEN period = 'window' THEN 1 END) AS window_runs,
         percentile(CASE WHEN period = 'week' THEN seconds END, 0.5) AS week_s,
         COUNT(CASE WHEN period = 'week' THEN 1 END) AS week_runs,
         percentile(CASE WHEN period = 'baseline' AND recency <= :baseline_runs THEN seconds END, 0.5) AS baseline_s,
         percentile(CASE WHEN period = 'baseline' AND recency <= :baseline_runs THEN seconds END, 0.25) AS baseline_p25_s,
         percentile(CASE WHEN period = 'baseline' AND recency <= :baseline_runs THEN seconds END, 0.75) AS baseline_p75_s,
         percentile(CASE WHEN period = 'baseline' AND recency <= :baseline_runs THEN seconds END, 0.95) AS baseline_p95_s,
         COUNT(CASE WHEN period = 'baseline' AND recency <= :baseline_runs THEN 1 END) AS baseline_runs,
         MAX(CASE WHEN months_ago = 1 THEN seconds END) AS month_1_s,
         MAX(CASE WHEN months_ago = 2 THEN seconds END) AS month_2_s,
         MAX(CASE WHEN months_ago = 3 THEN seconds END) AS month_3_s
  FROM ok
  GROUP BY workspace_id, job_id
),
names AS (
  SELECT workspace_id, job_id, name
  FROM system.lakeflow.jobs
  QUALIFY ROW_NUMBER() OVER (PARTITION BY workspace_id, job_id ORDER BY change_time DESC) = 1
)
SELECT *
FROM (
  SELECT s.*, CASE WHEN s.week_runs >= 3 THEN s.week_s ELSE s.baseline_s END AS recent_s, n.name AS job_name
  FROM stats s
  LEFT JOIN names n ON s.workspace_id = n.workspace_id AND s.job_id = n.job_id
) AS s
WHERE s.window_runs >= 1 AND s.baseline_runs >= :min_baseline_runs
  AND s.window_s > s.baseline_p75_s + :noise_k * (s.baseline_p75_s - s.baseline_p25_s)
  AND s.window_s > 1.1 * s.baseline_p95_s
  AND s.window_s >= s.baseline_s * (1 + :regression_pct / 100.0)
  AND s.window_s >= s.recent_s * (1 + :regression_pct / 100.0)
ORDER BY s.window_s / s.baseline_s DESC
