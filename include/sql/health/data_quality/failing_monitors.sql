-- Tables whose latest data-quality monitor result in the window is Unhealthy, with why.
-- Params: :window_start, :window_end
WITH latest AS (
  SELECT *
  FROM system.data_quality_monitoring.table_results
  WHERE event_time >= CAST(:window_start AS TIMESTAMP) AND event_time < CAST(:window_end AS TIMESTAMP)
  QUALIFY ROW_NUMBER() OVER (PARTITION BY catalog_name, schema_name, table_name ORDER BY event_time DESC) = 1
)
SELECT concat_ws('.', catalog_name, schema_name, table_name) AS table_name, event_time, status,
       freshness.status AS freshness_status, freshness.commit_freshness.last_value AS last_commit,
       freshness.commit_freshness.predicted_value AS predicted_commit,
       completeness.status AS completeness_status,
       completeness.daily_row_count.last_value AS daily_rows,
       completeness.daily_row_count.min_predicted_value AS min_predicted_rows,
       completeness.daily_row_count.max_predicted_value AS max_predicted_rows,
       downstream_impact.impact_level AS impact_level,
       downstream_impact.num_downstream_tables AS downstream_tables
FROM latest
WHERE status = 'Unhealthy'
ORDER BY table_name
