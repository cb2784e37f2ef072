-- One hop downstream of a table: tables written from it and who reads it. Params: :table_name, :start, :end
SELECT target_table_full_name AS target_table, entity_type, entity_id, COUNT(*) AS events, MAX(event_time) AS last_event
FROM system.access.table_lineage
WHERE source_table_full_name = :table_name
  AND event_time >= CAST(:start AS TIMESTAMP) AND event_time < CAST(:end AS TIMESTAMP)
GROUP BY target_table_full_name, entity_type, entity_id
ORDER BY events DESC
