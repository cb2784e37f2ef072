-- Spend per UTC day and workspace between :start and :end (list price valid at usage time).
-- RETRACTION rows carry negative quantities, so SUM nets corrections out.
-- Params: :start, :end (timestamps)
{% from "_priced_usage.sql" import priced_usage %}
WITH priced AS (
  {{ priced_usage("u.usage_start_time >= CAST(:start AS TIMESTAMP)
                   AND u.usage_start_time < CAST(:end AS TIMESTAMP)") }}
)
SELECT CAST(usage_start_time AS DATE) AS day, workspace_id, SUM(usd) AS usd
FROM priced
GROUP BY CAST(usage_start_time AS DATE), workspace_id
ORDER BY day, workspace_id
