-- Spend in the window that cannot be charged back: a chargeback tag is missing from custom_tags.
-- Grouped by the workload that spent it (job, warehouse, cluster, endpoint, pipeline).
-- Params: :window_start, :window_end, :tag_1, :tag_2, :min_usd
-- optional: usage_metadata.job_name
{% from "_priced_usage.sql" import priced_usage, workload_type, workload_id %}
WITH priced AS (
  {{ priced_usage("u.usage_start_time >= CAST(:window_start AS TIMESTAMP)
                   AND u.usage_start_time < CAST(:window_end AS TIMESTAMP)") }}
),
untagged AS (
  SELECT workspace_id, sku_name, usd, usage_metadata.job_name AS job_name,
         {{ workload_type("usage_metadata", "'sku'") }} AS entity_type,
         {{ workload_id("usage_metadata", "sku_name") }} AS entity_id,
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
