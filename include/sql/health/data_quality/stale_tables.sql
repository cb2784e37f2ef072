-- Tables that were written regularly (lineage writes) but not lately: the age of the last write
-- exceeds stale_factor x the median gap between writes, and the longest usual gap (the 90th
-- percentile: a weekday-only table's weekend), + a grace period. Whether every writing job
-- is paused or deleted (its latest settings in system.lakeflow.jobs) is returned: such a table was
-- most likely stopped on purpose, and is reported as low severity. The active writers' schedules
-- (`cron|timezone`, and how many active writers have none) let the check ask the writer's own cron
-- whether a write is due yet: a business-hours table at night, or a job moved from hourly to every
-- 4 h, is not stale (include/health/checks/data_quality.py).
-- Params: :history_start, :window_end, :stale_factor, :grace_s, :min_writes
-- optional: paused, delete_time, trigger.schedule.quartz_cron_expression, trigger.schedule.timezone_id
WITH writes AS (
  SELECT DISTINCT target_table_full_name AS table_name, event_time
  FROM system.access.table_lineage
  WHERE target_table_full_name IS NOT NULL
    AND event_time >= CAST(:history_start AS TIMESTAMP) AND event_time < CAST(:window_end AS TIMESTAMP)
),
gaps AS (
  SELECT table_name, event_time,
         timestampdiff(SECOND, LAG(event_time) OVER (PARTITION BY table_name ORDER BY event_time), event_time) AS gap_s
  FROM writes
),
stats AS (
  SELECT table_name, COUNT(*) AS writes, MAX(event_time) AS last_write,
         percentile(CAST(gap_s AS DOUBLE), 0.5) AS interval_s,
         percentile(CAST(gap_s AS DOUBLE), 0.9) AS long_gap_s
  FROM gaps
  GROUP BY table_name
),
job_state AS (
  SELECT workspace_id, job_id,
         MAX_BY(COALESCE(paused, FALSE), change_time) AS paused,
         MAX_BY(delete_time, change_time) AS delete_time,
         MAX_BY(trigger.schedule.quartz_cron_expression, change_time) AS cron,
         MAX_BY(trigger.schedule.timezone_id, change_time) AS timezone
  FROM system.lakeflow.jobs
  WHERE change_time < CAST(:window_end AS TIMESTAMP)
  GROUP BY workspace_id, job_id
),
writers AS (
  SELECT l.target_table_full_name AS table_name, collect_set(l.entity_id) AS writer_jobs,
         COUNT(DISTINCT l.entity_id) AS n_writers,
         COUNT(DISTINCT CASE WHEN j.paused OR j.delete_time IS NOT NULL THEN l.entity_id END) AS n_stopped,
         collect_set(CASE WHEN NOT COALESCE(j.paused, FALSE) AND j.delete_time IS NULL AND j.cron IS NOT NULL
                          THEN concat(j.cron, '|', COALESCE(j.timezone, 'UTC')) END) AS writer_schedules,
         COUNT(DISTINCT CASE WHEN NOT COALESCE(j.paused, FALSE) AND j.delete_time IS NULL AND j.cron IS NULL
                             THEN l.entity_id END) AS unscheduled_writers
  FROM system.access.table_lineage l
  LEFT JOIN job_state j ON l.entity_id = j.job_id AND l.workspace_id = j.workspace_id
  WHERE l.target_table_full_name IS NOT NULL AND l.entity_type = 'JOB'
    AND l.event_time >= CAST(:history_start AS TIMESTAMP) AND l.event_time < CAST(:window_end AS TIMESTAMP)
  GROUP BY l.target_table_full_name
)
SELECT s.table_name, s.writes, s.last_write, s.interval_s, s.long_gap_s,
       timestampdiff(SECOND, s.last_write, CAST(:window_end AS TIMESTAMP)) AS age_s, w.writer_jobs,
       w.writer_schedules, COALESCE(w.unscheduled_writers, 0) AS unscheduled_writers,
       COALESCE(w.n_writers, 0) > 0 AND w.n_writers = w.n_stopped AS writers_stopped
FROM stats s
LEFT JOIN writers w ON s.table_name = w.table_name
WHERE s.writes >= :min_writes
  AND timestampdiff(SECOND, s.last_write, CAST(:window_end AS TIMESTAMP))
      > GREATEST(s.interval_s * :stale_factor, s.long_gap_s) + :grace_s
ORDER BY age_s DESC
