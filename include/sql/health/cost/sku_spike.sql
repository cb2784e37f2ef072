-- Spend per workspace and SKU in the window vs the median of the same-length buckets before it.
-- USD = usage_quantity x effective list price valid at usage time. Buckets with no usage are not
-- counted in the median (a SKU used on 2 of 7 days is compared with those 2 days).
-- The window must also stand out against the same weekday of past weeks (listed; a weekly heavy
-- job costs the same every Sunday), see include/health/checks/cost.py. month_<k>_usd is the highest
-- bucket around the same date k months ago (a month-start batch), read from those few days only.
-- Params: :baseline_start, :window_end, :window_seconds, :baseline_buckets, :recent_buckets, :season_buckets,
--         :spike_ratio, :min_usd, :month_1_start .. :month_3_end
{% from "_priced_usage.sql" import priced_usage %}
{% from "_same_dates.sql" import in_past_months, months_ago %}
WITH priced AS (
  {{ priced_usage("(u.usage_start_time >= CAST(:baseline_start AS TIMESTAMP)
                    AND u.usage_start_time < CAST(:window_end AS TIMESTAMP))
                   OR " ~ in_past_months("u.usage_start_time")) }}
),
bucketed AS (
  SELECT workspace_id, sku_name, usd,
         FLOOR((unix_micros(usage_start_time) - unix_micros(CAST(:baseline_start AS TIMESTAMP)))
               / (:window_seconds * 1000000.0)) AS bucket,
         {{ months_ago("usage_start_time") }} AS months_ago
  FROM priced
),
per_bucket AS (
  SELECT workspace_id, sku_name, bucket, MAX(months_ago) AS months_ago, SUM(usd) AS usd
  FROM bucketed
  GROUP BY workspace_id, sku_name, bucket
),
stats AS (
  SELECT workspace_id, sku_name,
         SUM(CASE WHEN bucket = :baseline_buckets THEN usd ELSE 0 END) AS window_usd,
         percentile(CASE WHEN bucket < :baseline_buckets AND bucket >= :baseline_buckets - :recent_buckets
                         THEN usd END, 0.5) AS baseline_usd,
         COUNT(CASE WHEN bucket < :baseline_buckets AND bucket >= :baseline_buckets - :recent_buckets THEN 1 END)
           AS baseline_buckets_seen,
         collect_list(CASE WHEN bucket >= 0 AND bucket < :baseline_buckets AND :season_buckets > 0
                            AND MOD(CAST(:baseline_buckets - bucket AS BIGINT), :season_buckets) = 0
                           THEN usd END) AS seasonal_usd,
         MIN(CASE WHEN bucket >= 0 THEN bucket END) AS first_bucket,
         MAX(CASE WHEN months_ago = 1 THEN usd END) AS month_1_usd,
         MAX(CASE WHEN months_ago = 2 THEN usd END) AS month_2_usd,
         MAX(CASE WHEN months_ago = 3 THEN usd END) AS month_3_usd
  FROM per_bucket
  GROUP BY workspace_id, sku_name
)
SELECT workspace_id, sku_name, window_usd, baseline_usd, baseline_buckets_seen, seasonal_usd, first_bucket,
       month_1_usd, month_2_usd, month_3_usd
FROM stats
WHERE window_usd >= :min_usd
  AND window_usd >= :spike_ratio * COALESCE(baseline_usd, 0)
ORDER BY window_usd DESC
