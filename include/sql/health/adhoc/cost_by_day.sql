-- Daily list-price spend of one workspace by SKU. Params: :workspace_id, :start, :end
SELECT u.usage_date, u.sku_name,
       ROUND(SUM(CAST(u.usage_quantity AS DOUBLE) * CAST(lp.pricing.effective_list.`default` AS DOUBLE)), 2) AS usd
FROM system.billing.usage u
JOIN system.billing.list_prices lp
  ON u.sku_name = lp.sku_name AND u.cloud = lp.cloud
 AND u.usage_end_time >= lp.price_start_time
 AND (lp.price_end_time IS NULL OR u.usage_end_time < lp.price_end_time)
WHERE u.workspace_id = :workspace_id
  AND u.usage_start_time >= CAST(:start AS TIMESTAMP) AND u.usage_start_time < CAST(:end AS TIMESTAMP)
GROUP BY u.usage_date, u.sku_name
ORDER BY u.usage_date, usd DESC
