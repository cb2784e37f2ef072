-- Durations of one kind of timed step (e.g. triage) per name as a histogram.
SELECT
  name,
{%- with value = "duration_s" %}{% include "_histogram_columns.sql" %}{% endwith %}
FROM {{ ops }}.task_metrics
WHERE kind = :kind
GROUP BY name
