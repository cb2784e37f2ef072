-- Per SQL warehouse: time statements waited for capacity (all clusters busy) in the window vs the
-- median of the same statistic over the baseline buckets, the share that waited at all, and the
-- warehouse's current cluster limits.
-- Params: :baseline_start, :window_end, :window_seconds, :baseline_buckets
WITH q AS (
  SELECT compute.warehouse_id AS warehouse_id, workspace_id,
         CAST(COALESCE(waiting_at_capacity_duration_ms, 0) AS DOUBLE) AS queue_ms,
         FLOOR((unix_micros(start_time) - unix_micros(CAST(:baseline_start AS TIMESTAMP))) / (:window_seconds * 1000000.0)) AS bucket
  FROM system.query.history
  WHERE start_time >= CAST(:baseline_start AS TIMESTAMP) AND start_time < CAST(:window_end AS TIMESTAMP)
    AND compute.warehouse_id IS NOT NULL
),
per_bucket AS (
  SELECT warehouse_id, MIN(workspace_id) AS workspace_id, bucket, percentile(queue_ms, 0.95) AS p95_queue_ms,
         MAX(queue_ms) AS max_queue_ms, AVG(CASE WHEN queue_ms > 0 THEN 1.0 ELSE 0.0 END) AS queued_share,
         COUNT(*) AS queries
  FROM q
  GROUP BY warehouse_id, bucket
),
stats AS (
  SELECT warehouse_id, MIN(workspace_id) AS workspace_id,
         MAX(CASE WHEN bucket = :baseline_buckets THEN p95_queue_ms END) AS window_p95_queue_ms,
         MAX(CASE WHEN bucket = :baseline_buckets THEN max_queue_ms END) AS window_max_queue_ms,
         MAX(CASE WHEN bucket = :baseline_buckets THEN queued_share END) AS window_queued_share,
         SUM(CASE WHEN bucket = :baseline_buckets THEN queries ELSE 0 END) AS window_queries,
         percentile(CASE WHEN bucket < :baseline_buckets THEN p95_queue_ms END, 0.5) AS baseline_p95_queue_ms,
         percentile(CASE WHEN bucket < :baseline_buckets THEN queued_share END, 0.5) AS baseline_queued_share
  FROM per_bucket
  GROUP BY warehouse_id
),
config AS (
  SELECT warehouse_id, warehouse_name, warehouse_size, min_clusters, max_clusters
  FROM system.compute.warehouses
  QUALIFY ROW_NUMBER() OVER (PARTITION BY warehouse_id ORDER BY change_time DESC) = 1
)
SELECT s.*, c.warehouse_name, c.warehouse_size, c.min_clusters, c.max_clusters
FROM stats s
LEFT JOIN config c ON s.warehouse_id = c.warehouse_id
ORDER BY s.warehouse_id
