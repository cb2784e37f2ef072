-- Per SQL warehouse: p50/p95 execution time of finished statements in the window vs the baseline,
-- and how many statements ran longer than the slow-query threshold. The baseline is the median of
-- the p95s of the window-length buckets before the window, so a problem that started a day or two
-- earlier does not hide itself by inflating the baseline. Queueing is excluded (own check).
-- Params: :baseline_start, :window_end, :window_seconds, :baseline_buckets, :slow_ms
WITH q AS (
  SELECT compute.warehouse_id AS warehouse_id, workspace_id, CAST(execution_duration_ms AS DOUBLE) AS ms,
         FLOOR((unix_micros(start_time) - unix_micros(CAST(:baseline_start AS TIMESTAMP))) / (:window_seconds * 1000000.0)) AS bucket
  FROM system.query.history
  WHERE start_time >= CAST(:baseline_start AS TIMESTAMP) AND start_time < CAST(:window_end AS TIMESTAMP)
    AND execution_status = 'FINISHED'
    AND compute.warehouse_id IS NOT NULL
),
per_bucket AS (
  SELECT warehouse_id, MIN(workspace_id) AS workspace_id, bucket, percentile(ms, 0.95) AS p95_ms,
         percentile(ms, 0.5) AS p50_ms, COUNT(*) AS queries, COUNT_IF(ms >= :slow_ms) AS slow_queries
  FROM q
  GROUP BY warehouse_id, bucket
)
SELECT warehouse_id, MIN(workspace_id) AS workspace_id,
       MAX(CASE WHEN bucket = :baseline_buckets THEN p95_ms END) AS window_p95_ms,
       MAX(CASE WHEN bucket = :baseline_buckets THEN p50_ms END) AS window_p50_ms,
       SUM(CASE WHEN bucket = :baseline_buckets THEN queries ELSE 0 END) AS window_queries,
       SUM(CASE WHEN bucket = :baseline_buckets THEN slow_queries ELSE 0 END) AS window_slow_queries,
       percentile(CASE WHEN bucket < :baseline_buckets THEN p95_ms END, 0.5) AS baseline_p95_ms,
       percentile(CASE WHEN bucket < :baseline_buckets THEN p50_ms END, 0.5) AS baseline_p50_ms,
       SUM(CASE WHEN bucket < :baseline_buckets THEN queries ELSE 0 END) AS baseline_queries
FROM per_bucket
GROUP BY warehouse_id
ORDER BY warehouse_id
