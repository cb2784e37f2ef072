-- Tables that were written regularly (lineage writes) but not lately: the age of the last write
-- exceeds stale_factor x the median gap between writes + a grace period.
-- Params: :history_start, :window_end, :stale_factor, :grace_s, :min_writes
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
         percentile(CAST(gap_s AS DOUBLE), 0.5) AS interval_s
  FROM gaps
  GROUP BY table_name
),
writers AS (
  SELECT target_table_full_name AS table_name, collect_set(entity_id) AS writer_jobs
  FROM system.access.table_lineage
  WHERE target_table_full_name IS NOT NULL AND entity_type = 'JOB'
    AND event_time >= CAST(:history_start AS TIMESTAMP) AND event_time < CAST(:window_end AS TIMESTAMP)
  GROUP BY target_table_full_name
)
SELECT s.table_name, s.writes, s.last_write, s.interval_s,
       timestampdiff(SECOND, s.last_write, CAST(:window_end AS TIMESTAMP)) AS age_s, w.writer_jobs
FROM stats s
LEFT JOIN writers w ON s.table_name = w.table_name
WHERE s.writes >= :min_writes
  AND timestampdiff(SECOND, s.last_write, CAST(:window_end AS TIMESTAMP)) > s.interval_s * :stale_factor + :grace_s
ORDER BY age_s DESC
