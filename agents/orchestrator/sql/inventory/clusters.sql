-- Clusters a question may name: the latest name of every cluster that is not deleted.
SELECT id, name FROM (
  SELECT cluster_id AS id, cluster_name AS name, delete_time,
         ROW_NUMBER() OVER (PARTITION BY workspace_id, cluster_id ORDER BY change_time DESC) AS rn
  FROM system.compute.clusters
) latest
WHERE rn = 1 AND name IS NOT NULL AND delete_time IS NULL
