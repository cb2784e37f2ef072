-- SQL warehouses a question may name: the latest name of every warehouse that is not deleted.
SELECT id, name FROM (
  SELECT warehouse_id AS id, warehouse_name AS name, delete_time,
         ROW_NUMBER() OVER (PARTITION BY workspace_id, warehouse_id ORDER BY change_time DESC) AS rn
  FROM system.compute.warehouses
) latest
WHERE rn = 1 AND name IS NOT NULL AND delete_time IS NULL
