-- p50/p95 latency (execution_time_ms) of one endpoint's successful requests in the window vs the
-- median of the per-bucket p95s before it, from the endpoint's inference (payload) table. The
-- table name is a placeholder bound per endpoint from an allow-list.
-- Params: :baseline_start_ms, :window_end_ms, :window_ms, :baseline_buckets, :baseline_date
WITH p AS (
  SELECT CAST(execution_time_ms AS DOUBLE) AS ms, FLOOR((timestamp_ms - :baseline_start_ms) / :window_ms) AS bucket
  FROM per_object.serving.inference_payload
  WHERE `date` >= CAST(:baseline_date AS DATE)
    AND timestamp_ms >= :baseline_start_ms AND timestamp_ms < :window_end_ms
    AND status_code = 200
),
per_bucket AS (
  SELECT bucket, percentile(ms, 0.95) AS p95_ms, percentile(ms, 0.5) AS p50_ms, COUNT(*) AS requests
  FROM p
  GROUP BY bucket
)
SELECT MAX(CASE WHEN bucket = :baseline_buckets THEN p95_ms END) AS window_p95_ms,
       MAX(CASE WHEN bucket = :baseline_buckets THEN p50_ms END) AS window_p50_ms,
       SUM(CASE WHEN bucket = :baseline_buckets THEN requests ELSE 0 END) AS window_requests,
       percentile(CASE WHEN bucket < :baseline_buckets THEN p95_ms END, 0.5) AS baseline_p95_ms,
       percentile(CASE WHEN bucket < :baseline_buckets THEN p50_ms END, 0.5) AS baseline_p50_ms,
       SUM(CASE WHEN bucket < :baseline_buckets THEN requests ELSE 0 END) AS baseline_requests
FROM per_bucket
