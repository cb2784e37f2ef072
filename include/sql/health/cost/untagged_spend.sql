-- Spend in the window that cannot be charged back: a chargeback tag is missing from custom_tags.
-- Grouped by the workload that spent it (job, warehouse, cluster, endpoint, pipeline).
-- Params: :window_start, :window_end, :tag_1, :tag_2, :min_usd
-- optional: usage_metadata.job_name
WITH priced AS (
  SELECT u.workspace_id, u.sku_name, u.custom_tags, u.usage_metadata,
         CAST(u.usage_quantity AS DOUBLE) * CAST(lp.pricing.effective_list.`default` AS DOUBLE) AS usd
  FROM system.billing.usage u
  JOIN system.billing.list_prices lp
    ON u.sku_name = lp.sku_name AND u.cloud = lp.cloud
   AND u.usage_end_time >= lp.price_start_time
   AND (lp.price_end_time IS NULL OR u.usage_end_time < lp.price_end_time)
  WHERE u.usage_start_time >= CAST(:window_start AS TIMESTAMP)
    AND u.usage_start_time < CAST(:window_end AS TIMESTAMP)
),
untagged AS (
  SELECT workspace_id, sku_name, usd, usage_metadata.job_name AS job_name,
         CASE WHEN usage_metadata.job_id IS NOT NULL THEN 'job'
              WHEN usage_metadata.warehouse_id IS NOT NULL THEN 'warehouse'
              WHEN usage_metadata.endpoint_name IS NOT NULL THEN 'endpoint'
              WHEN usage_metadata.dlt_pipeline_id IS NOT NULL THEN 'pipeline'
              WHEN usage_metadata.cluster_id IS NOT NULL THEN 'cluster'
              ELSE 'sku' END AS entity_type,
         COALESCE(usage_metadata.job_id, usage_metadata.warehouse_id, usage_metadata.endpoint_name,
                  usage_metadata.dlt_pipeline_id, usage_metadata.cluster_id, sku_name) AS entity_id,
         custom_tags[:tag_1] IS NULL AS missing_1,
         custom_tags[:tag_2] IS NULL AS missing_2
  FROM priced
  WHERE custom_tags IS NULL OR custom_tags[:tag_1] IS NULL OR custom_tags[:tag_2] IS NULL
)
SELECT workspace_id, entity_type, entity_id, MAX(job_name) AS job_name, SUM(usd) AS untagged_usd,
       COUNT(*) AS records, collect_set(sku_name) AS skus,
       MAX(CASE WHEN missing_1 THEN 1 ELSE 0 END) AS missing_tag_1,
       MAX(CASE WHEN missing_2 THEN 1 ELSE 0 END) AS missing_tag_2
FROM untagged
GROUP BY workspace_id, entity_type, entity_id
HAVING SUM(usd) >= :min_usd
ORDER BY untagged_usd DESC
