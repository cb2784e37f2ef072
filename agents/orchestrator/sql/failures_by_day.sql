-- Job runs that ended in [:start, :end) per UTC day and workspace, and how many failed.
-- Params: :start, :end (timestamps)
SELECT CAST(period_end_time AS DATE) AS day, workspace_id, COUNT(*) AS runs,
       SUM(CASE WHEN result_state IN ('FAILED', 'ERROR', 'TIMED_OUT') THEN 1 ELSE 0 END) AS failed_runs
FROM system.lakeflow.job_run_timeline
WHERE result_state IS NOT NULL
  AND period_end_time >= CAST(:start AS TIMESTAMP)
  AND period_end_time < CAST(:end AS TIMESTAMP)
GROUP BY CAST(period_end_time AS DATE), workspace_id
ORDER BY day, workspace_id
