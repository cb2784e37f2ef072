-- Unusual reading per identity, against its own history: many more *different* tables than usual
-- (breadth, or many tables it had never read), or many more reads than usual (volume). Reads = Unity
-- Catalog table lookups and temporary credential grants (how engines read data). How many of the
-- tables were new is returned, so volume on familiar tables reads as less alarming. Also returned: the distinct
-- tables read in the same window 1, 2 and 3 weeks earlier (a weekly export reads the same breadth
-- every Saturday), see include/health/checks/security.py.
-- Params: :window_start, :window_end, :baseline_start, :baseline_windows, :history_start, :ratio, :min_tables,
--         :min_reads
WITH reads AS (
  SELECT user_identity.email AS email, event_time, workspace_id,
         request_params['full_name_arg'] AS table_name
  FROM system.access.audit
  WHERE event_time >= CAST(:history_start AS TIMESTAMP) AND event_time < CAST(:window_end AS TIMESTAMP)
    AND service_name = 'unityCatalog'
    AND action_name IN ('getTable', 'generateTemporaryTableCredential', 'generateTemporaryPathCredential')
    AND response.status_code = 200
),
slices AS (
  -- Which window-length slice before the window an event falls in (0 = the window itself).
  SELECT *, CAST(FLOOR((unix_micros(CAST(:window_end AS TIMESTAMP)) - unix_micros(event_time))
                       / (unix_micros(CAST(:window_end AS TIMESTAMP)) - unix_micros(CAST(:window_start AS TIMESTAMP))))
                 AS BIGINT) AS slice
  FROM reads
),
per_slice AS (
  SELECT email, slice, COUNT(*) AS reads, COUNT(DISTINCT table_name) AS tables
  FROM slices
  GROUP BY email, slice
),
seen_before AS (
  SELECT DISTINCT email, table_name FROM reads WHERE event_time < CAST(:window_start AS TIMESTAMP)
),
window_reads AS (
  SELECT r.email, MIN(r.workspace_id) AS workspace_id, COUNT(*) AS window_reads,
         COUNT(DISTINCT r.table_name) AS window_tables,
         COUNT(DISTINCT CASE WHEN b.table_name IS NULL THEN r.table_name END) AS new_tables,
         MIN(r.event_time) AS first_seen, MAX(r.event_time) AS last_seen
  FROM reads r
  LEFT JOIN seen_before b ON r.email = b.email AND r.table_name = b.table_name
  WHERE r.event_time >= CAST(:window_start AS TIMESTAMP)
  GROUP BY r.email
),
history AS (
  SELECT email,
         SUM(CASE WHEN slice >= 1 AND slice <= :baseline_windows THEN tables ELSE 0 END) AS baseline_tables,
         SUM(CASE WHEN slice >= 1 AND slice <= :baseline_windows THEN reads ELSE 0 END) AS baseline_reads,
         MAX(CASE WHEN slice = 7 THEN tables END) AS tables_1w,
         MAX(CASE WHEN slice = 14 THEN tables END) AS tables_2w,
         MAX(CASE WHEN slice = 21 THEN tables END) AS tables_3w,
         MAX(CASE WHEN slice = 7 THEN reads END) AS reads_1w,
         MAX(CASE WHEN slice = 14 THEN reads END) AS reads_2w,
         MAX(CASE WHEN slice = 21 THEN reads END) AS reads_3w
  FROM per_slice
  GROUP BY email
),
first_read AS (
  SELECT email, MIN(event_time) AS first_read FROM reads GROUP BY email
)
SELECT w.*, f.first_read,
       CAST(COALESCE(h.baseline_tables, 0) AS DOUBLE) / :baseline_windows AS baseline_tables_per_window,
       CAST(COALESCE(h.baseline_reads, 0) AS DOUBLE) / :baseline_windows AS baseline_per_window,
       COALESCE(h.tables_1w, 0) AS tables_1w, COALESCE(h.tables_2w, 0) AS tables_2w, COALESCE(h.tables_3w, 0) AS tables_3w,
       COALESCE(h.reads_1w, 0) AS reads_1w, COALESCE(h.reads_2w, 0) AS reads_2w, COALESCE(h.reads_3w, 0) AS reads_3w
FROM window_reads w
LEFT JOIN history h ON w.email = h.email
LEFT JOIN first_read f ON w.email = f.email
WHERE (w.window_tables >= :min_tables
       AND (w.window_tables >= :ratio * GREATEST(CAST(COALESCE(h.baseline_tables, 0) AS DOUBLE) / :baseline_windows, 1.0)
            OR w.new_tables >= :min_tables))
   OR (w.window_reads >= :min_reads
       AND w.window_reads >= :ratio * GREATEST(CAST(COALESCE(h.baseline_reads, 0) AS DOUBLE) / :baseline_windows, 1.0))
ORDER BY w.window_tables DESC
