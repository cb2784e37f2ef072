-- Table reads per identity in the window vs its average per window-length over the baseline.
-- Reads = Unity Catalog table lookups and temporary credential grants (how engines read data).
-- Also returned: the reads in the same window 1, 2 and 3 weeks earlier, so a weekly export (the same
-- volume every Saturday) is compared with its own weekday (include/health/checks/security.py).
-- Params: :window_start, :window_end, :baseline_start, :baseline_windows, :history_start, :ratio, :min_reads
WITH reads AS (
  SELECT user_identity.email AS email, event_time, workspace_id,
         request_params['full_name_arg'] AS table_name
  FROM system.access.audit
  WHERE event_time >= CAST(:history_start AS TIMESTAMP) AND event_time < CAST(:window_end AS TIMESTAMP)
    AND service_name = 'unityCatalog'
    AND action_name IN ('getTable', 'generateTemporaryTableCredential', 'generateTemporaryPathCredential')
    AND response.status_code = 200
),
per_identity AS (
  SELECT email, MIN(workspace_id) AS workspace_id,
         COUNT_IF(event_time >= CAST(:window_start AS TIMESTAMP)) AS window_reads,
         COUNT_IF(event_time >= CAST(:baseline_start AS TIMESTAMP) AND event_time < CAST(:window_start AS TIMESTAMP))
           AS baseline_reads,
         COUNT_IF(event_time >= CAST(:window_start AS TIMESTAMP) - INTERVAL 7 DAYS
                  AND event_time < CAST(:window_end AS TIMESTAMP) - INTERVAL 7 DAYS) AS reads_1w,
         COUNT_IF(event_time >= CAST(:window_start AS TIMESTAMP) - INTERVAL 14 DAYS
                  AND event_time < CAST(:window_end AS TIMESTAMP) - INTERVAL 14 DAYS) AS reads_2w,
         COUNT_IF(event_time >= CAST(:window_start AS TIMESTAMP) - INTERVAL 21 DAYS
                  AND event_time < CAST(:window_end AS TIMESTAMP) - INTERVAL 21 DAYS) AS reads_3w,
         MIN(event_time) AS first_read,
         COUNT(DISTINCT CASE WHEN event_time >= CAST(:window_start AS TIMESTAMP) THEN table_name END) AS window_tables,
         MIN(CASE WHEN event_time >= CAST(:window_start AS TIMESTAMP) THEN event_time END) AS first_seen,
         MAX(CASE WHEN event_time >= CAST(:window_start AS TIMESTAMP) THEN event_time END) AS last_seen
  FROM reads
  GROUP BY email
)
SELECT email, workspace_id, window_reads, window_tables, first_seen, last_seen, reads_1w, reads_2w, reads_3w, first_read,
       CAST(baseline_reads AS DOUBLE) / :baseline_windows AS baseline_per_window
FROM per_identity
WHERE window_reads >= :min_reads
  AND window_reads >= :ratio * (CAST(baseline_reads AS DOUBLE) / :baseline_windows)
ORDER BY window_reads DESC
