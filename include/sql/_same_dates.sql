{#-
  The same dates of past months, read on their own beside a recent baseline (see seasonal_params in
  include/health/checks/base.py, which binds :month_1_start .. :month_3_end; an unused month is an
  empty range):
    {% from "_same_dates.sql" import in_past_months, months_ago %}

  in_past_months(ts): true when the timestamp column `ts` falls in one of the three month ranges.
  months_ago(ts): 1, 2 or 3 for the range `ts` falls in, else NULL.
  `ts` is a column name from our own SQL files, never text from a user.
-#}
{% macro in_past_months(ts) -%}
({% for k in range(1, 4) %}{% if not loop.first %} OR {% endif -%}
({{ ts }} >= CAST(:month_{{ k }}_start AS TIMESTAMP) AND {{ ts }} < CAST(:month_{{ k }}_end AS TIMESTAMP))
{%- endfor %})
{%- endmacro %}

{% macro months_ago(ts) -%}
CASE {% for k in range(1, 4) -%}
WHEN {{ ts }} >= CAST(:month_{{ k }}_start AS TIMESTAMP) AND {{ ts }} < CAST(:month_{{ k }}_end AS TIMESTAMP) THEN {{ k }} {% endfor -%}
END
{%- endmacro %}
