-- Candidates for scheduled jobs that stopped running without failing: jobs with a cron schedule,
-- neither paused nor deleted (latest settings in system.lakeflow.jobs), that ran at least :min_runs
-- times in the history and not in the last :grace_s. How many scheduled runs were missed is counted
-- from the cron itself (include/health/checks/reliability.py): a weekday-only job's weekend and a
-- weekly job's week are not silence.
-- Params: :history_start, :window_end, :grace_s, :min_runs
-- optional: trigger.schedule.timezone_id
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
         MAX_BY(trigger.schedule.quartz_cron_expression, change_time) AS cron,
         MAX_BY(trigger.schedule.timezone_id, change_time) AS timezone
  FROM system.lakeflow.jobs
  WHERE change_time < CAST(:window_end AS TIMESTAMP)
  GROUP BY workspace_id, job_id
)
SELECT s.workspace_id, s.job_id, j.job_name, j.cron, j.timezone, s.runs, s.last_start, s.interval_s,
       timestampdiff(SECOND, s.last_start, CAST(:window_end AS TIMESTAMP)) AS age_s
FROM stats s
JOIN job_state j ON s.workspace_id = j.workspace_id AND s.job_id = j.job_id
WHERE s.runs >= :min_runs AND NOT j.paused AND j.delete_time IS NULL AND j.cron IS NOT NULL
  AND timestampdiff(SECOND, s.last_start, CAST(:window_end AS TIMESTAMP)) > :grace_s
ORDER BY age_s DESC
