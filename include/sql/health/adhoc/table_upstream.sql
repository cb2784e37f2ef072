-- One hop upstream of a table: its sources and the jobs/queries that wrote it. Params: :table_name, :start, :end
SELECT source_table_full_name AS source_table, source_path, entity_type, entity_id, COUNT(*) AS events,
       MAX(event_time) AS last_event
FROM system.access.table_lineage
WHERE target_table_full_name = :table_name
  AND event_time >= CAST(:start AS TIMESTAMP) AND event_time < CAST(:end AS TIMESTAMP)
GROUP BY source_table_full_name, source_path, entity_type, entity_id
ORDER BY last_event DESC
