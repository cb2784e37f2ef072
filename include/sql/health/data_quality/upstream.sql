-- Lineage edges that wrote tables recently: target, source (table or path) and the writer
-- (job, pipeline, query), with the last time each edge was used. The upstream walk of an
-- affected table is done over these edges in Python (one scan per sweep, not one per hop).
-- Params: :history_start, :window_end
SELECT target_table_full_name AS target_table, source_table_full_name AS source_table, source_path,
       entity_type, entity_id, MAX(event_time) AS last_event
FROM system.access.table_lineage
WHERE target_table_full_name IS NOT NULL
  AND event_time >= CAST(:history_start AS TIMESTAMP) AND event_time < CAST(:window_end AS TIMESTAMP)
GROUP BY target_table_full_name, source_table_full_name, source_path, entity_type, entity_id
ORDER BY target_table, last_event DESC, source_table NULLS LAST, source_path NULLS LAST, entity_type, entity_id
