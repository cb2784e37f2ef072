-- One SQL warehouse per hour: statements, p50/p95 execution, p95 queue wait, failures.
-- Params: :warehouse_id, :start, :end
SELECT date_trunc('HOUR', start_time) AS hour_start, COUNT(*) AS statements,
       percentile(CAST(execution_duration_ms AS DOUBLE), 0.5) AS p50_execution_ms,
       percentile(CAST(execution_duration_ms AS DOUBLE), 0.95) AS p95_execution_ms,
       percentile(CAST(COALESCE(waiting_at_capacity_duration_ms, 0) AS DOUBLE), 0.95) AS p95_queue_ms,
       COUNT_IF(execution_status = 'FAILED') AS failed
FROM system.query.history
WHERE compute.warehouse_id = :warehouse_id
  AND start_time >= CAST(:start AS TIMESTAMP) AND start_time < CAST(:end AS TIMESTAMP)
GROUP BY date_trunc('HOUR', start_time)
ORDER BY hour_start
