-- Month-to-date spend per workspace and its daily spend over the last 7 days (for the forecast).
-- The forecast and the comparison with budgets (settings or manifest) happen in Python.
-- Params: :month_start, :recent_start, :window_end
{% from "_priced_usage.sql" import priced_usage %}
WITH priced AS (
  {{ priced_usage("u.usage_start_time >= LEAST(CAST(:month_start AS TIMESTAMP), CAST(:recent_start AS TIMESTAMP))
                   AND u.usage_start_time < CAST(:window_end AS TIMESTAMP)") }}
),
daily AS (
  SELECT workspace_id,
         FLOOR((unix_micros(usage_start_time) - unix_micros(CAST(:recent_start AS TIMESTAMP))) / 86400000000.0) AS day_index,
         SUM(usd) AS usd
  FROM priced
  WHERE usage_start_time >= CAST(:recent_start AS TIMESTAMP)
  GROUP BY workspace_id, FLOOR((unix_micros(usage_start_time) - unix_micros(CAST(:recent_start AS TIMESTAMP))) / 86400000000.0)
),
recent AS (
  SELECT workspace_id, percentile(usd, 0.5) AS median_daily_usd, COUNT(*) AS days_seen
  FROM daily
  GROUP BY workspace_id
),
mtd AS (
  SELECT workspace_id, SUM(usd) AS mtd_usd
  FROM priced
  WHERE usage_start_time >= CAST(:month_start AS TIMESTAMP)
  GROUP BY workspace_id
)
SELECT m.workspace_id, m.mtd_usd, r.median_daily_usd, r.days_seen
FROM mtd m
LEFT JOIN recent r ON m.workspace_id = r.workspace_id
ORDER BY m.workspace_id
