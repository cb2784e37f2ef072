{#-
  The one definition of what usage cost, imported by every query that prices usage:
    {% from "_priced_usage.sql" import priced_usage, workload_type, workload_id %}
    WITH priced AS ({{ priced_usage("u.usage_start_time >= CAST(:start AS TIMESTAMP)") }})

  priced_usage(where): one row per usage record with its list price in USD — usage_quantity x
  pricing.effective_list.default of the price row for the same SKU, cloud and unit that was valid
  when the usage ended. RETRACTION/RESTATEMENT rows carry negative quantities, so sums net them out.
  Operands are cast to DOUBLE: two decimal(38,18) multiplied overflow DuckDB's HUGEINT. `where`
  filters the usage rows (alias `u`); it is text from our own SQL files, never from a user.

  workload_type(m, other) / workload_id(m, other): the workload a usage row belongs to, read from
  the usage_metadata struct `m` — the job, warehouse, endpoint, pipeline or cluster, in that order;
  `other` is the type (a quoted string) or id (an expression) when none is set.
-#}
{% macro priced_usage(where) -%}
SELECT u.workspace_id, u.sku_name, u.usage_start_time, u.usage_date, u.usage_metadata, u.custom_tags,
         CAST(u.usage_quantity AS DOUBLE) * CAST(lp.pricing.effective_list.`default` AS DOUBLE) AS usd
  FROM system.billing.usage u
  JOIN system.billing.list_prices lp
    ON u.sku_name = lp.sku_name AND u.cloud = lp.cloud AND u.usage_unit = lp.usage_unit
   AND u.usage_end_time >= lp.price_start_time
   AND (lp.price_end_time IS NULL OR u.usage_end_time < lp.price_end_time)
  WHERE lp.currency_code = 'USD'
    AND ({{ where }})
{%- endmacro %}

{% macro workload_type(m, other) -%}
CASE WHEN {{ m }}.job_id IS NOT NULL THEN 'job'
              WHEN {{ m }}.warehouse_id IS NOT NULL THEN 'warehouse'
              WHEN {{ m }}.endpoint_name IS NOT NULL THEN 'endpoint'
              WHEN {{ m }}.dlt_pipeline_id IS NOT NULL THEN 'pipeline'
              WHEN {{ m }}.cluster_id IS NOT NULL THEN 'cluster'
              ELSE {{ other }} END
{%- endmacro %}

{% macro workload_id(m, other) -%}
COALESCE({{ m }}.job_id, {{ m }}.warehouse_id, {{ m }}.endpoint_name,
                  {{ m }}.dlt_pipeline_id, {{ m }}.cluster_id, {{ other }})
{%- endmacro %}
