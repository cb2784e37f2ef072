-- Daily list-price cost in USD per workspace (usage x effective list price valid at the time).
-- Corrections (RETRACTION/RESTATEMENT rows) net out because quantities are summed.
-- Operands are cast to DOUBLE: two decimal(38,18) multiplied overflow DuckDB's HUGEINT.
{% from "_priced_usage.sql" import priced_usage %}
WITH priced AS (
  {{ priced_usage("u.usage_date BETWEEN :start_date AND :end_date") }}
)
SELECT usage_date AS day, workspace_id, SUM(usd) AS usd
FROM priced
GROUP BY usage_date, workspace_id
ORDER BY day, workspace_id
