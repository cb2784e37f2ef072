-- Daily list-price cost in USD per workspace (usage x effective list price valid at the time).
-- Corrections (RETRACTION/RESTATEMENT rows) net out because quantities are summed.
-- Operands are cast to DOUBLE: two decimal(38,18) multiplied overflow DuckDB's HUGEINT.
SELECT
  u.usage_date AS day,
  u.workspace_id,
  SUM(CAST(u.usage_quantity AS DOUBLE) * CAST(lp.pricing.effective_list.`default` AS DOUBLE)) AS usd
FROM system.billing.usage AS u
JOIN system.billing.list_prices AS lp
  ON u.sku_name = lp.sku_name
  AND u.cloud = lp.cloud
  AND u.usage_unit = lp.usage_unit
  AND u.usage_end_time >= lp.price_start_time
  AND (lp.price_end_time IS NULL OR u.usage_end_time < lp.price_end_time)
WHERE u.usage_date BETWEEN :start_date AND :end_date
  AND lp.currency_code = 'USD'
GROUP BY u.usage_date, u.workspace_id
ORDER BY day, u.workspace_id
