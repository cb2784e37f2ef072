-- Month-to-date spend per workspace and its daily spend over the last 7 days (for the forecast).
-- The forecast and the comparison with budgets (settings or manifest) happen in Python.
-- Params: :month_start, :recent_start, :window_end
WITH priced AS (
  SELECT u.workspace_id, u.usage_start_time,
         CAST(u.usage_quantity AS DOUBLE) * CAST(lp.pricing.effective_list.`default` AS DOUBLE) AS usd
  FROM system.billing.usage u
  JOIN system.billing.list_prices lp
    ON u.sku_name = lp.sku_name AND u.cloud = lp.cloud
   AND u.usage_end_time >= lp.price_start_time
   AND (lp.price_end_time IS NULL OR u.usage_end_time < lp.price_end_time)
  WHERE u.usage_start_time >= LEAST(CAST(:month_start AS TIMESTAMP), CAST(:recent_start AS TIMESTAMP))
    AND u.usage_start_time < CAST(:window_end AS TIMESTAMP)
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
