-- Jobs whose most recent finished runs all failed (no success since), the latest within the window.
-- Cancelled and skipped runs neither break nor extend a streak. A job deleted since (its latest
-- settings have a delete_time before the window's end) was retired: its failures are not a streak.
-- manual_runs counts the streak's runs started by hand (trigger_type ONETIME/ONETIME_RETRY: "Run now").
-- cron/timezone: the job's schedule, for the shorter streak of a job that runs at most twice a day
-- (include/health/checks/reliability.py); :streak_min is the shortest streak of any job.
-- Params: :window_start, :window_end, :history_start, :streak_min
-- optional: delete_time, trigger_type, trigger.schedule.quartz_cron_expression, trigger.schedule.timezone_id
WITH runs AS (
  SELECT workspace_id, job_id, run_id, MIN(period_start_time) AS started, MAX(period_end_time) AS ended,
         MAX(result_state) AS result_state, MAX(termination_code) AS termination_code,
         MAX(trigger_type) AS trigger_type
  FROM system.lakeflow.job_run_timeline
  WHERE period_start_time >= CAST(:history_start AS TIMESTAMP) AND period_start_time < CAST(:window_end AS TIMESTAMP)
  GROUP BY workspace_id, job_id, run_id
),
finished AS (
  SELECT * FROM runs WHERE result_state IN ('SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ERROR')
),
ranked AS (
  SELECT *, SUM(CASE WHEN result_state = 'SUCCEEDED' THEN 1 ELSE 0 END)
              OVER (PARTITION BY workspace_id, job_id ORDER BY started DESC
                    ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS successes_since
  FROM finished
),
streaks AS (
  SELECT workspace_id, job_id, COUNT(*) AS failed_runs, MIN(started) AS first_failure, MAX(ended) AS last_failure,
         collect_set(termination_code) AS termination_codes, MAX_BY(run_id, started) AS last_run_id,
         SUM(CASE WHEN trigger_type IN ('ONETIME', 'ONETIME_RETRY') THEN 1 ELSE 0 END) AS manual_runs
  FROM ranked
  WHERE successes_since = 0
  GROUP BY workspace_id, job_id
),
last_ok AS (
  SELECT workspace_id, job_id, MAX(ended) AS last_success
  FROM finished WHERE result_state = 'SUCCEEDED'
  GROUP BY workspace_id, job_id
),
names AS (
  SELECT workspace_id, job_id, name, delete_time, trigger.schedule.quartz_cron_expression AS cron,
         trigger.schedule.timezone_id AS timezone
  FROM system.lakeflow.jobs
  WHERE change_time < CAST(:window_end AS TIMESTAMP)
  QUALIFY ROW_NUMBER() OVER (PARTITION BY workspace_id, job_id ORDER BY change_time DESC) = 1
)
SELECT s.*, o.last_success, n.name AS job_name, n.cron, n.timezone
FROM streaks s
LEFT JOIN last_ok o ON s.workspace_id = o.workspace_id AND s.job_id = o.job_id
LEFT JOIN names n ON s.workspace_id = n.workspace_id AND s.job_id = n.job_id
WHERE s.failed_runs >= :streak_min AND s.last_failure >= CAST(:window_start AS TIMESTAMP)
  AND (n.delete_time IS NULL OR n.delete_time >= CAST(:window_end AS TIMESTAMP))
ORDER BY s.failed_runs DESC
