-- Final slices of job-run waves (original run and each repair) that ended in the window, with their
-- result, for `lakepilot remediation replay`. One row per wave: result_state is set on the final slice
-- only. The attempt of a wave is its position among the run's finished waves (computed by the caller).
SELECT
  t.workspace_id,
  t.job_id,
  t.run_id,
  t.run_name,
  t.period_end_time,
  t.result_state,
  t.termination_code,
  t.trigger_type
FROM system.lakeflow.job_run_timeline AS t
WHERE t.result_state IS NOT NULL
  AND t.period_end_time >= :since
  AND t.period_end_time < :until
ORDER BY t.run_id, t.period_end_time
