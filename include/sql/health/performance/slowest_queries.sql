-- The slowest finished statements of one warehouse in the window (evidence for a latency finding).
-- Params: :window_start, :window_end, :warehouse_id
SELECT statement_id, executed_by, statement_type, execution_duration_ms, waiting_at_capacity_duration_ms,
       read_rows, start_time, substring(statement_text, 1, 200) AS statement_text
FROM system.query.history
WHERE start_time >= CAST(:window_start AS TIMESTAMP) AND start_time < CAST(:window_end AS TIMESTAMP)
  AND compute.warehouse_id = :warehouse_id
  AND execution_status = 'FINISHED'
QUALIFY ROW_NUMBER() OVER (ORDER BY execution_duration_ms DESC, statement_id) <= 5
ORDER BY execution_duration_ms DESC, statement_id
