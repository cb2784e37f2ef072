-- List-price spend of one workspace by workload (job, warehouse, cluster, endpoint, pipeline).
-- Params: :workspace_id, :start, :end
{% from "_priced_usage.sql" import priced_usage, workload_type, workload_id %}
WITH priced AS (
  {{ priced_usage("u.workspace_id = :workspace_id
                   AND u.usage_start_time >= CAST(:start AS TIMESTAMP)
                   AND u.usage_start_time < CAST(:end AS TIMESTAMP)") }}
)
SELECT {{ workload_type("usage_metadata", "'sku'") }} AS entity_type,
       {{ workload_id("usage_metadata", "sku_name") }} AS entity_id,
       MAX(usage_metadata.job_name) AS job_name, MAX(sku_name) AS sku_name,
       ROUND(SUM(usd), 2) AS usd
FROM priced
GROUP BY 1, 2
ORDER BY usd DESC
