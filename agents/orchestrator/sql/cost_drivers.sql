-- Which workloads drove spend in [:start, :end) compared with [:baseline_start, :start), scaled
-- to the window's length by :baseline_scale (window seconds / baseline seconds).
-- A workload is the job, warehouse, endpoint, pipeline or cluster in usage_metadata (in that order).
-- ws_* and total_* columns are the sums over every workload (before the LIMIT), for shares.
-- Params: :baseline_start, :start, :end (timestamps), :baseline_scale (double)
{% from "_priced_usage.sql" import priced_usage, workload_type, workload_id %}
WITH priced AS (
  {{ priced_usage("u.usage_start_time >= CAST(:baseline_start AS TIMESTAMP)
                   AND u.usage_start_time < CAST(:end AS TIMESTAMP)") }}
),
workloads AS (
  SELECT workspace_id, sku_name, usage_start_time, usd, usage_metadata.job_name AS job_name,
         {{ workload_type("usage_metadata", "'other'") }} AS workload_type,
         {{ workload_id("usage_metadata", "'unattributed'") }} AS workload_id
  FROM priced
),
per_workload AS (
  SELECT workspace_id, sku_name, workload_type, workload_id, MAX(job_name) AS job_name,
         SUM(CASE WHEN usage_start_time >= CAST(:start AS TIMESTAMP) THEN usd ELSE 0 END) AS window_usd,
         SUM(CASE WHEN usage_start_time < CAST(:start AS TIMESTAMP) THEN usd ELSE 0 END) * :baseline_scale AS expected_usd
  FROM workloads
  GROUP BY workspace_id, sku_name, workload_type, workload_id
)
SELECT workspace_id, sku_name, workload_type, workload_id, job_name, window_usd, expected_usd,
       window_usd - expected_usd AS change_usd,
       SUM(window_usd) OVER (PARTITION BY workspace_id) AS ws_window_usd,
       SUM(expected_usd) OVER (PARTITION BY workspace_id) AS ws_expected_usd,
       SUM(window_usd) OVER (PARTITION BY workspace_id, sku_name) AS sku_window_usd,
       SUM(expected_usd) OVER (PARTITION BY workspace_id, sku_name) AS sku_expected_usd,
       SUM(window_usd) OVER () AS total_window_usd,
       SUM(expected_usd) OVER () AS total_expected_usd
FROM per_workload
WHERE window_usd > 0 OR expected_usd > 0
ORDER BY window_usd - expected_usd DESC, workspace_id, workload_id
LIMIT 15
