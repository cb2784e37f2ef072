-- Runs of one job: start, end, result, termination code, durations. Params: :job_id, :start, :end
SELECT run_id, MIN(period_start_time) AS started, MAX(period_end_time) AS ended, MAX(result_state) AS result_state,
       MAX(termination_code) AS termination_code, MAX(trigger_type) AS trigger_type,
       timestampdiff(SECOND, MIN(period_start_time), MAX(period_end_time)) AS duration_s,
       MAX(execution_duration_seconds) AS execution_s
FROM system.lakeflow.job_run_timeline
WHERE job_id = :job_id
  AND period_start_time >= CAST(:start AS TIMESTAMP) AND period_start_time < CAST(:end AS TIMESTAMP)
GROUP BY run_id
ORDER BY started DESC
