-- Informational: the workloads that spent most in each workspace during the window.
-- Params: :window_start, :window_end, :top_n
-- optional: usage_metadata.job_name
{% from "_priced_usage.sql" import priced_usage, workload_type, workload_id %}
WITH priced AS (
  {{ priced_usage("u.usage_start_time >= CAST(:window_start AS TIMESTAMP)
                   AND u.usage_start_time < CAST(:window_end AS TIMESTAMP)") }}
),
workloads AS (
  SELECT workspace_id, sku_name,
         {{ workload_type("usage_metadata", "'sku'") }} AS entity_type,
         {{ workload_id("usage_metadata", "sku_name") }} AS entity_id,
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
