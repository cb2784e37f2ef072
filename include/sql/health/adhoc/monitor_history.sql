-- Data-quality monitor results of one table over time. Params: :table_name, :start, :end
SELECT event_time, status, freshness.status AS freshness, completeness.status AS completeness,
       completeness.daily_row_count.last_value AS daily_rows,
       completeness.daily_row_count.min_predicted_value AS min_predicted_rows
FROM system.data_quality_monitoring.table_results
WHERE concat_ws('.', catalog_name, schema_name, table_name) = :table_name
  AND event_time >= CAST(:start AS TIMESTAMP) AND event_time < CAST(:end AS TIMESTAMP)
ORDER BY event_time
