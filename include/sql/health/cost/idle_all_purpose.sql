-- All-purpose clusters that ran most of the window while doing (almost) nothing, and what that cost.
-- Running time = distinct minutes in node_timeline; CPU = user + system, averaged over node-minutes.
-- Params: :window_start, :window_end, :idle_cpu_pct, :idle_min_hours, :min_usd
{% from "_priced_usage.sql" import priced_usage %}
WITH clusters AS (
  SELECT workspace_id, cluster_id, cluster_name, owned_by, auto_termination_minutes, worker_count
  FROM system.compute.clusters
  QUALIFY ROW_NUMBER() OVER (PARTITION BY workspace_id, cluster_id ORDER BY change_time DESC) = 1
),
all_purpose AS (
  SELECT * FROM clusters WHERE cluster_id IN (
    SELECT cluster_id FROM system.compute.clusters WHERE cluster_source IN ('UI', 'API'))
),
util AS (
  SELECT n.cluster_id, COUNT(DISTINCT n.start_time) AS minutes,
         AVG(n.cpu_user_percent + n.cpu_system_percent) AS avg_cpu_pct,
         MAX(n.cpu_user_percent + n.cpu_system_percent) AS max_cpu_pct,
         AVG(n.mem_used_percent) AS avg_mem_pct
  FROM system.compute.node_timeline n
  WHERE n.start_time >= CAST(:window_start AS TIMESTAMP) AND n.start_time < CAST(:window_end AS TIMESTAMP)
    AND n.cluster_id IN (SELECT cluster_id FROM all_purpose)
  GROUP BY n.cluster_id
),
priced AS (
  {{ priced_usage("u.usage_start_time >= CAST(:window_start AS TIMESTAMP)
                   AND u.usage_start_time < CAST(:window_end AS TIMESTAMP)
                   AND u.usage_metadata.cluster_id IS NOT NULL") }}
),
spend AS (
  SELECT usage_metadata.cluster_id AS cluster_id, SUM(usd) AS usd
  FROM priced
  GROUP BY usage_metadata.cluster_id
)
SELECT a.workspace_id, a.cluster_id, a.cluster_name, a.owned_by, a.auto_termination_minutes, a.worker_count,
       t.minutes / 60.0 AS running_hours, t.avg_cpu_pct, t.max_cpu_pct, t.avg_mem_pct, COALESCE(s.usd, 0) AS usd
FROM all_purpose a
JOIN util t ON a.cluster_id = t.cluster_id
LEFT JOIN spend s ON a.cluster_id = s.cluster_id
WHERE t.minutes / 60.0 >= :idle_min_hours
  AND t.avg_cpu_pct < :idle_cpu_pct
  AND COALESCE(s.usd, 0) >= :min_usd
ORDER BY usd DESC
