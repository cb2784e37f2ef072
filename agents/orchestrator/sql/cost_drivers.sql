-- Which workloads drove spend in [:start, :end) compared with [:baseline_start, :start), scaled
-- to the window's length by :baseline_scale (window seconds / baseline seconds).
-- A workload is the job, warehouse, endpoint, pipeline or cluster in usage_metadata (in that order).
-- ws_* and total_* columns are the sums over every workload (before the LIMIT), for shares.
-- Params: :baseline_start, :start, :end (timestamps), :baseline_scale (double)
WITH priced AS (
  SELECT u.workspace_id, u.sku_name, u.usage_start_time,
         CASE WHEN u.usage_metadata.job_id IS NOT NULL THEN 'job'
              WHEN u.usage_metadata.warehouse_id IS NOT NULL THEN 'warehouse'
              WHEN u.usage_metadata.endpoint_name IS NOT NULL THEN 'endpoint'
              WHEN u.usage_metadata.dlt_pipeline_id IS NOT NULL THEN 'pipeline'
              WHEN u.usage_metadata.cluster_id IS NOT NULL THEN 'cluster'
              ELSE 'other' END AS workload_type,
         COALESCE(u.usage_metadata.job_id, u.usage_metadata.warehouse_id, u.usage_metadata.endpoint_name,
                  u.usage_metadata.dlt_pipeline_id, u.usage_metadata.cluster_id, 'unattributed') AS workload_id,
         u.usage_metadata.job_name AS job_name,
         CAST(u.usage_quantity AS DOUBLE) * CAST(lp.pricing.effective_list.`default` AS DOUBLE) AS usd
  FROM system.billing.usage u
  JOIN system.billing.list_prices lp
    ON u.sku_name = lp.sku_name AND u.cloud = lp.cloud
   AND u.usage_end_time >= lp.price_start_time
   AND (lp.price_end_time IS NULL OR u.usage_end_time < lp.price_end_time)
  WHERE u.usage_start_time >= CAST(:baseline_start AS TIMESTAMP)
    AND u.usage_start_time < CAST(:end AS TIMESTAMP)
),
per_workload AS (
  SELECT workspace_id, sku_name, workload_type, workload_id, MAX(job_name) AS job_name,
         SUM(CASE WHEN usage_start_time >= CAST(:start AS TIMESTAMP) THEN usd ELSE 0 END) AS window_usd,
         SUM(CASE WHEN usage_start_time < CAST(:start AS TIMESTAMP) THEN usd ELSE 0 END) * :baseline_scale AS expected_usd
  FROM priced
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
