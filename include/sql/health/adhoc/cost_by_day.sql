-- Daily list-price spend of one workspace by SKU. Params: :workspace_id, :start, :end
{% from "_priced_usage.sql" import priced_usage %}
WITH priced AS (
  {{ priced_usage("u.workspace_id = :workspace_id
                   AND u.usage_start_time >= CAST(:start AS TIMESTAMP)
                   AND u.usage_start_time < CAST(:end AS TIMESTAMP)") }}
)
SELECT usage_date, sku_name, ROUND(SUM(usd), 2) AS usd
FROM priced
GROUP BY usage_date, sku_name
ORDER BY usage_date, usd DESC
