-- Jobs a question may name: the latest name of every job that is not deleted.
SELECT id, name FROM (
  SELECT CAST(job_id AS STRING) AS id, name, delete_time,
         ROW_NUMBER() OVER (PARTITION BY workspace_id, job_id ORDER BY change_time DESC) AS rn
  FROM system.lakeflow.jobs
) latest
WHERE rn = 1 AND name IS NOT NULL AND delete_time IS NULL
