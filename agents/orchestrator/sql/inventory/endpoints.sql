-- Model serving endpoints a question may name (findings use the endpoint name as its id).
SELECT DISTINCT endpoint_name AS id, endpoint_name AS name
FROM system.serving.served_entities
WHERE endpoint_name IS NOT NULL AND endpoint_delete_time IS NULL
