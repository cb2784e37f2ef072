-- One cluster per hour: nodes, average CPU and memory. Params: :cluster_id, :start, :end
SELECT date_trunc('HOUR', start_time) AS hour_start, COUNT(DISTINCT instance_id) AS nodes,
       ROUND(AVG(cpu_user_percent + cpu_system_percent), 2) AS avg_cpu_pct, ROUND(AVG(mem_used_percent), 2) AS avg_mem_pct
FROM system.compute.node_timeline
WHERE cluster_id = :cluster_id
  AND start_time >= CAST(:start AS TIMESTAMP) AND start_time < CAST(:end AS TIMESTAMP)
GROUP BY date_trunc('HOUR', start_time)
ORDER BY hour_start
