-- The current definition of one job (latest SCD2 version) and when it last changed. Params: :job_id
SELECT workspace_id, job_id, name, tags, run_as_user_name, creator_user_name, `trigger`.schedule.quartz_cron_expression AS cron,
       paused, timeout_seconds, health_rules, change_time, delete_time
FROM system.lakeflow.jobs
WHERE job_id = :job_id
QUALIFY ROW_NUMBER() OVER (PARTITION BY workspace_id, job_id ORDER BY change_time DESC) = 1
