-- One hop of upstream lineage: the tables and jobs that wrote :table_name recently, and when.
-- Params: :table_name, :history_start, :window_end
SELECT source_table_full_name AS source_table, source_path, entity_type, entity_id,
       MAX(event_time) AS last_event
FROM system.access.table_lineage
WHERE target_table_full_name = :table_name
  AND event_time >= CAST(:history_start AS TIMESTAMP) AND event_time < CAST(:window_end AS TIMESTAMP)
GROUP BY source_table_full_name, source_path, entity_type, entity_id
ORDER BY last_event DESC
