{#- Findings in scope: `open` = each domain's latest sweep (a later sweep that found nothing,
    recorded in health_domain_runs, closes the domain's older findings); `all` = detected since :since. -#}
WITH latest AS (
  SELECT domain, MAX(window_end) AS window_end
  FROM (
    SELECT domain, window_end FROM {{ ops }}.findings
    {%- if with_runs %}
    UNION ALL
    SELECT domain, window_end FROM {{ ops }}.health_domain_runs
    {%- endif %}
  ) AS sweeps
  GROUP BY domain
),
scoped AS (
  SELECT f.*
  FROM {{ ops }}.findings AS f
  {%- if status == "open" %}
  JOIN latest AS l ON f.domain = l.domain AND f.window_end = l.window_end
  {%- else %}
  WHERE f.detected_at >= :since
  {%- endif %}
)
