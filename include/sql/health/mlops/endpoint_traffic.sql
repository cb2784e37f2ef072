-- Requests per serving endpoint in the window vs two baselines of same-length buckets before it:
-- the median of the most recent :recent_buckets buckets, and the requests of the buckets exactly
-- a week apart (same weekday and hour) over :baseline_buckets, listed so empty ones count as 0.
-- deleted = every served entity of the endpoint, as last changed, has an endpoint_delete_time before the
-- window's end (a retired endpoint's traffic going to zero is its replacement's, not a drop).
-- month_<k>_requests: the busiest bucket around the same date k months ago (read from those days only).
-- rest_day_requests: the Sundays before the window (:rest_day_shift days earlier in the week), what a
-- public holiday is compared with.
-- Params: :baseline_start, :window_end, :window_seconds, :baseline_buckets, :recent_buckets, :season_buckets,
--         :month_1_start .. :month_3_end
-- optional: endpoint_delete_time
{% from "_same_dates.sql" import in_past_months, months_ago %}
WITH entities AS (
  SELECT DISTINCT served_entity_id, endpoint_name, workspace_id FROM system.serving.served_entities
),
retired AS (
  SELECT endpoint_name,
         MIN(CASE WHEN endpoint_delete_time < CAST(:window_end AS TIMESTAMP) THEN 1 ELSE 0 END) AS deleted
  FROM (
    SELECT endpoint_name, endpoint_delete_time
    FROM system.serving.served_entities
    WHERE change_time < CAST(:window_end AS TIMESTAMP)
    QUALIFY ROW_NUMBER() OVER (PARTITION BY served_entity_id ORDER BY change_time DESC) = 1
  ) latest
  GROUP BY endpoint_name
),
bucketed AS (
  SELECT e.endpoint_name, e.workspace_id,
         FLOOR((unix_micros(u.request_time) - unix_micros(CAST(:baseline_start AS TIMESTAMP))) / (:window_seconds * 1000000.0)) AS bucket,
         {{ months_ago("u.request_time") }} AS months_ago
  FROM system.serving.endpoint_usage u
  JOIN entities e ON u.served_entity_id = e.served_entity_id
  WHERE (u.request_time >= CAST(:baseline_start AS TIMESTAMP) AND u.request_time < CAST(:window_end AS TIMESTAMP))
     OR {{ in_past_months("u.request_time") }}
),
per_bucket AS (
  SELECT endpoint_name, MIN(workspace_id) AS workspace_id, bucket, MAX(months_ago) AS months_ago, COUNT(*) AS requests
  FROM bucketed
  GROUP BY endpoint_name, bucket
)
SELECT p.endpoint_name, MIN(p.workspace_id) AS workspace_id, MAX(COALESCE(r.deleted, 0)) AS deleted,
       SUM(CASE WHEN bucket = :baseline_buckets THEN requests ELSE 0 END) AS window_requests,
       percentile(CASE WHEN bucket < :baseline_buckets AND bucket >= :baseline_buckets - :recent_buckets
                       THEN CAST(requests AS DOUBLE) END, 0.5) AS baseline_requests,
       COUNT(CASE WHEN bucket < :baseline_buckets AND bucket >= :baseline_buckets - :recent_buckets THEN 1 END)
         AS baseline_buckets_seen,
       collect_list(CASE WHEN bucket >= 0 AND bucket < :baseline_buckets AND :season_buckets > 0
                          AND MOD(CAST(:baseline_buckets - bucket AS BIGINT), :season_buckets) = 0
                         THEN CAST(requests AS DOUBLE) END) AS seasonal_requests,
       collect_list(CASE WHEN bucket >= 0 AND bucket < :baseline_buckets AND :season_buckets > 0
                          AND MOD(CAST(:baseline_buckets - bucket AS BIGINT), :season_buckets) = :rest_day_shift
                         THEN CAST(requests AS DOUBLE) END) AS rest_day_requests,
       MIN(CASE WHEN bucket >= 0 THEN bucket END) AS first_bucket,
       MAX(CASE WHEN months_ago = 1 THEN requests END) AS month_1_requests,
       MAX(CASE WHEN months_ago = 2 THEN requests END) AS month_2_requests,
       MAX(CASE WHEN months_ago = 3 THEN requests END) AS month_3_requests
FROM per_bucket p
LEFT JOIN retired r ON p.endpoint_name = r.endpoint_name
GROUP BY p.endpoint_name
ORDER BY p.endpoint_name
