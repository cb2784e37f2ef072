-- List-price spend of one workspace by workload (job, warehouse, cluster, endpoint, pipeline).
-- Params: :workspace_id, :start, :end
SELECT CASE WHEN u.usage_metadata.job_id IS NOT NULL THEN 'job'
            WHEN u.usage_metadata.warehouse_id IS NOT NULL THEN 'warehouse'
            WHEN u.usage_metadata.endpoint_name IS NOT NULL THEN 'endpoint'
            WHEN u.usage_metadata.dlt_pipeline_id IS NOT NULL THEN 'pipeline'
            WHEN u.usage_metadata.cluster_id IS NOT NULL THEN 'cluster'
            ELSE 'sku' END AS entity_type,
       COALESCE(u.usage_metadata.job_id, u.usage_metadata.warehouse_id, u.usage_metadata.endpoint_name,
                u.usage_metadata.dlt_pipeline_id, u.usage_metadata.cluster_id, u.sku_name) AS entity_id,
       MAX(u.usage_metadata.job_name) AS job_name, MAX(u.sku_name) AS sku_name,
       ROUND(SUM(CAST(u.usage_quantity AS DOUBLE) * CAST(lp.pricing.effective_list.`default` AS DOUBLE)), 2) AS usd
FROM system.billing.usage u
JOIN system.billing.list_prices lp
  ON u.sku_name = lp.sku_name AND u.cloud = lp.cloud
 AND u.usage_end_time >= lp.price_start_time
 AND (lp.price_end_time IS NULL OR u.usage_end_time < lp.price_end_time)
WHERE u.workspace_id = :workspace_id
  AND u.usage_start_time >= CAST(:start AS TIMESTAMP) AND u.usage_start_time < CAST(:end AS TIMESTAMP)
GROUP BY 1, 2
ORDER BY usd DESC
