-- Utilisation of all-purpose clusters while they ran in the window: running hours, average CPU
-- (user + system) and memory over node-minutes, nodes. Under/over-utilised is decided in Python.
-- Params: :window_start, :window_end
WITH latest AS (
  SELECT workspace_id, cluster_id, cluster_name, owned_by, worker_count, min_autoscale_workers,
         max_autoscale_workers, driver_node_type, worker_node_type
  FROM system.compute.clusters
  QUALIFY ROW_NUMBER() OVER (PARTITION BY workspace_id, cluster_id ORDER BY change_time DESC) = 1
),
all_purpose AS (
  SELECT * FROM latest WHERE cluster_id IN (
    SELECT cluster_id FROM system.compute.clusters WHERE cluster_source IN ('UI', 'API'))
),
util AS (
  SELECT cluster_id, COUNT(DISTINCT start_time) AS minutes, COUNT(DISTINCT instance_id) AS nodes,
         AVG(cpu_user_percent + cpu_system_percent) AS avg_cpu_pct,
         percentile(cpu_user_percent + cpu_system_percent, 0.95) AS p95_cpu_pct,
         AVG(mem_used_percent) AS avg_mem_pct, MAX(mem_swap_percent) AS max_swap_pct
  FROM system.compute.node_timeline
  WHERE start_time >= CAST(:window_start AS TIMESTAMP) AND start_time < CAST(:window_end AS TIMESTAMP)
    AND cluster_id IN (SELECT cluster_id FROM all_purpose)
  GROUP BY cluster_id
)
SELECT a.workspace_id, a.cluster_id, a.cluster_name, a.owned_by, a.worker_count, a.worker_node_type,
       u.minutes / 60.0 AS running_hours, u.nodes, u.avg_cpu_pct, u.p95_cpu_pct, u.avg_mem_pct, u.max_swap_pct
FROM all_purpose a
JOIN util u ON a.cluster_id = u.cluster_id
ORDER BY a.cluster_id
