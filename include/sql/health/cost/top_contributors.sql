-- Informational: the workloads that spent most in each workspace during the window.
-- Params: :window_start, :window_end, :top_n
-- optional: usage_metadata.job_name
WITH priced AS (
  SELECT u.workspace_id, u.sku_name, u.usage_metadata,
         CAST(u.usage_quantity AS DOUBLE) * CAST(lp.pricing.effective_list.`default` AS DOUBLE) AS usd
  FROM system.billing.usage u
  JOIN system.billing.list_prices lp
    ON u.sku_name = lp.sku_name AND u.cloud = lp.cloud
   AND u.usage_end_time >= lp.price_start_time
   AND (lp.price_end_time IS NULL OR u.usage_end_time < lp.price_end_time)
  WHERE u.usage_start_time >= CAST(:window_start AS TIMESTAMP)
    AND u.usage_start_time < CAST(:window_end AS TIMESTAMP)
),
workloads AS (
  SELECT workspace_id, sku_name,
         CASE WHEN usage_metadata.job_id IS NOT NULL THEN 'job'
              WHEN usage_metadata.warehouse_id IS NOT NULL THEN 'warehouse'
              WHEN usage_metadata.endpoint_name IS NOT NULL THEN 'endpoint'
              WHEN usage_metadata.dlt_pipeline_id IS NOT NULL THEN 'pipeline'
              WHEN usage_metadata.cluster_id IS NOT NULL THEN 'cluster'
              ELSE 'sku' END AS entity_type,
         COALESCE(usage_metadata.job_id, usage_metadata.warehouse_id, usage_metadata.endpoint_name,
                  usage_metadata.dlt_pipeline_id, usage_metadata.cluster_id, sku_name) AS entity_id,
         usage_metadata.job_name AS job_name, usd
  FROM priced
),
totals AS (
  SELECT workspace_id, entity_type, entity_id, MAX(job_name) AS job_name, MAX(sku_name) AS sku_name, SUM(usd) AS usd
  FROM workloads
  GROUP BY workspace_id, entity_type, entity_id
)
SELECT workspace_id, entity_type, entity_id, job_name, sku_name, usd,
       SUM(usd) OVER (PARTITION BY workspace_id) AS workspace_usd
FROM totals
QUALIFY ROW_NUMBER() OVER (PARTITION BY workspace_id ORDER BY usd DESC, entity_type, entity_id) <= :top_n
ORDER BY workspace_id, usd DESC, entity_type, entity_id
