-- The 20 slowest finished statements of one warehouse. Params: :warehouse_id, :start, :end
SELECT statement_id, executed_by, statement_type, execution_duration_ms, waiting_at_capacity_duration_ms,
       read_rows, read_bytes, start_time, substring(statement_text, 1, 300) AS statement_text
FROM system.query.history
WHERE compute.warehouse_id = :warehouse_id AND execution_status = 'FINISHED'
  AND start_time >= CAST(:start AS TIMESTAMP) AND start_time < CAST(:end AS TIMESTAMP)
QUALIFY ROW_NUMBER() OVER (ORDER BY execution_duration_ms DESC, statement_id) <= 20
ORDER BY execution_duration_ms DESC, statement_id
