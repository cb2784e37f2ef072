{#- Cumulative bucket counts, count and sum of `value` (bucket bounds are code constants). -#}
{%- for bound in buckets %}
  SUM(CASE WHEN {{ value }} <= {{ bound }} THEN 1 ELSE 0 END) AS le_{{ loop.index0 }},
{%- endfor %}
  COUNT(*) AS n,
  COALESCE(SUM({{ value }}), 0.0) AS total
