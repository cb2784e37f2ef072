-- Sweep durations per domain as a histogram, plus the latest sweep's duration and time.
SELECT
  domain,
{%- with value = "duration_s" %}{% include "_histogram_columns.sql" %}{% endwith %},
  MAX_BY(duration_s, swept_at) AS last_duration_s,
  MAX(swept_at) AS last_swept_at,
  MAX_BY(COALESCE(checks_not_run, 0), swept_at) AS last_checks_not_run
FROM {{ ops }}.health_domain_runs
WHERE duration_s IS NOT NULL
GROUP BY domain
