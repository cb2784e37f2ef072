-- Spend per UTC day and workspace between :start and :end (list price valid at usage time).
-- RETRACTION rows carry negative quantities, so SUM nets corrections out.
-- Params: :start, :end (timestamps)
SELECT CAST(u.usage_start_time AS DATE) AS day,
       u.workspace_id,
       SUM(CAST(u.usage_quantity AS DOUBLE) * CAST(lp.pricing.effective_list.`default` AS DOUBLE)) AS usd
FROM system.billing.usage u
JOIN system.billing.list_prices lp
  ON u.sku_name = lp.sku_name AND u.cloud = lp.cloud
 AND u.usage_end_time >= lp.price_start_time
 AND (lp.price_end_time IS NULL OR u.usage_end_time < lp.price_end_time)
WHERE u.usage_start_time >= CAST(:start AS TIMESTAMP)
  AND u.usage_start_time < CAST(:end AS TIMESTAMP)
GROUP BY CAST(u.usage_start_time AS DATE), u.workspace_id
ORDER BY day, workspace_id
