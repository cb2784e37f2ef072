-- Job runs that ended in [:start, :end), per job: how many, how many failed (FAILED, ERROR,
-- TIMED_OUT), with which termination codes, and what the failed runs cost (billing rows of
-- those run ids, list price at usage time). Only jobs with at least one failed run.
-- Params: :start, :end (timestamps), :usage_start (timestamp, earliest usage to consider)
{% from "_priced_usage.sql" import priced_usage %}
WITH finals AS (
  SELECT workspace_id, job_id, run_id, run_name, result_state, termination_code, period_end_time,
         result_state IN ('FAILED', 'ERROR', 'TIMED_OUT') AS failed
  FROM system.lakeflow.job_run_timeline
  WHERE result_state IS NOT NULL
    AND period_end_time >= CAST(:start AS TIMESTAMP)
    AND period_end_time < CAST(:end AS TIMESTAMP)
),
per_job AS (
  SELECT workspace_id, job_id, MAX(run_name) AS job_name, COUNT(*) AS runs,
         SUM(CASE WHEN failed THEN 1 ELSE 0 END) AS failed_runs,
         MIN(CASE WHEN failed THEN period_end_time END) AS first_failure,
         MAX(CASE WHEN failed THEN period_end_time END) AS last_failure,
         MAX(CASE WHEN failed THEN termination_code END) AS termination_code,
         COUNT(DISTINCT CASE WHEN failed THEN termination_code END) AS termination_codes
  FROM finals
  GROUP BY workspace_id, job_id
),
priced AS (
  {{ priced_usage("u.usage_start_time >= CAST(:usage_start AS TIMESTAMP)
                   AND u.usage_start_time < CAST(:end AS TIMESTAMP)
                   AND u.usage_metadata.job_run_id IS NOT NULL") }}
),
run_spend AS (
  SELECT workspace_id, usage_metadata.job_run_id AS run_id, MAX(sku_name) AS sku_name, SUM(usd) AS usd
  FROM priced
  GROUP BY workspace_id, usage_metadata.job_run_id
),
spend AS (
  SELECT f.workspace_id, f.job_id, MAX(s.sku_name) AS sku_name,
         SUM(CASE WHEN f.failed THEN s.usd ELSE 0 END) AS failed_usd,
         SUM(s.usd) AS runs_usd
  FROM finals f
  JOIN run_spend s ON s.workspace_id = f.workspace_id AND s.run_id = f.run_id
  GROUP BY f.workspace_id, f.job_id
)
SELECT p.workspace_id, p.job_id, p.job_name, p.runs, p.failed_runs, p.first_failure, p.last_failure,
       p.termination_code, p.termination_codes, s.sku_name,
       COALESCE(s.failed_usd, 0) AS failed_usd, COALESCE(s.runs_usd, 0) AS runs_usd
FROM per_job p
LEFT JOIN spend s ON s.workspace_id = p.workspace_id AND s.job_id = p.job_id
WHERE p.failed_runs > 0
ORDER BY p.failed_runs DESC, p.job_id
LIMIT 25
