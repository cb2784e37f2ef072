-- Scheduled jobs that stopped running without failing: the last run started longer ago than
-- :missed_intervals x the job's usual interval (median gap between run starts) + a grace period.
-- Only jobs with a cron schedule that are neither paused nor deleted (latest settings in
-- system.lakeflow.jobs) and ran at least :min_runs times in the history are considered.
-- Params: :history_start, :window_end, :missed_intervals, :grace_s, :min_runs
-- optional: paused, delete_time
WITH starts AS (
  SELECT workspace_id, job_id, run_id, MIN(period_start_time) AS started
  FROM system.lakeflow.job_run_timeline
  WHERE period_start_time >= CAST(:history_start AS TIMESTAMP) AND period_start_time < CAST(:window_end AS TIMESTAMP)
  GROUP BY workspace_id, job_id, run_id
),
gaps AS (
  SELECT workspace_id, job_id, started,
         timestampdiff(SECOND, LAG(started) OVER (PARTITION BY workspace_id, job_id ORDER BY started), started) AS gap_s
  FROM starts
),
stats AS (
  SELECT workspace_id, job_id, COUNT(*) AS runs, MAX(started) AS last_start,
         percentile(CAST(gap_s AS DOUBLE), 0.5) AS interval_s
  FROM gaps
  GROUP BY workspace_id, job_id
),
job_state AS (
  SELECT workspace_id, job_id,
         MAX_BY(name, change_time) AS job_name,
         MAX_BY(COALESCE(paused, FALSE), change_time) AS paused,
         MAX_BY(delete_time, change_time) AS delete_time,
         MAX_BY(trigger.schedule.quartz_cron_expression, change_time) AS cron
  FROM system.lakeflow.jobs
  WHERE change_time < CAST(:window_end AS TIMESTAMP)
  GROUP BY workspace_id, job_id
)
SELECT s.workspace_id, s.job_id, j.job_name, j.cron, s.runs, s.last_start, s.interval_s,
       timestampdiff(SECOND, s.last_start, CAST(:window_end AS TIMESTAMP)) AS age_s
FROM stats s
JOIN job_state j ON s.workspace_id = j.workspace_id AND s.job_id = j.job_id
WHERE s.runs >= :min_runs AND NOT j.paused AND j.delete_time IS NULL AND j.cron IS NOT NULL
  AND s.interval_s > 0
  AND timestampdiff(SECOND, s.last_start, CAST(:window_end AS TIMESTAMP)) > s.interval_s * :missed_intervals + :grace_s
ORDER BY age_s DESC
